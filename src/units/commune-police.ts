import { appendAudit } from '../audit/index.ts';
import type { TDb, TTx } from '../db/index.ts';
import { provinceArgument } from './province-argument.ts';
import { provinceUnits } from './province-units.ts';

/**
 * The units whose commune police are connected to the violation-handling system, among
 * `codes`. Circular 73/2024/TT-BCA Art 24.1.b as amended by Circular 13/2025/TT-BCA sends
 * a commune-level case to the provincial CSGT division when the commune police are not
 * connected; no row means not connected, the safe default.
 */
export const connectedCommunePolice = async (tx: TTx, codes: readonly string[]): Promise<Set<string>> => {
  const rows = await tx.communePoliceConnection.findMany({ where: { provinceCode: { in: [...new Set(codes)] }, connected: true }, select: { provinceCode: true } });
  return new Set(rows.map((r) => r.provinceCode));
};

/** Records whether a unit's commune police are connected; audited with the reason. */
export const setCommunePoliceConnected = async (
  { db, actor }: { db: TDb; actor: string },
  province: string,
  connected: boolean,
  reason: string,
): Promise<{ code: string; name: string; changed: boolean }> => {
  const unit = provinceArgument(province);
  return db.$transaction(async (tx) => {
    const before = await tx.communePoliceConnection.findUnique({ where: { provinceCode: unit.code } });
    const was = before?.connected ?? false;
    if (before && was === connected) return { code: unit.code, name: unit.name, changed: false };
    await tx.communePoliceConnection.upsert({ where: { provinceCode: unit.code }, create: { provinceCode: unit.code, connected }, update: { connected } });
    await appendAudit(tx, {
      actor,
      entityType: 'commune_police_connection',
      entityId: unit.code,
      action: 'units.commune-police',
      fromState: was ? 'CONNECTED' : 'NOT_CONNECTED',
      toState: connected ? 'CONNECTED' : 'NOT_CONNECTED',
      reason,
    });
    return { code: unit.code, name: unit.name, changed: was !== connected };
  });
};

/** Every unit with its setting (not connected unless recorded otherwise). */
export const listCommunePolice = async (db: TDb): Promise<{ code: string; name: string; connected: boolean; updatedAt: Date | null }[]> => {
  const rows = new Map((await db.communePoliceConnection.findMany()).map((r) => [r.provinceCode, r]));
  return provinceUnits().map((u) => ({ code: u.code, name: u.name, connected: rows.get(u.code)?.connected ?? false, updatedAt: rows.get(u.code)?.updatedAt ?? null }));
};
