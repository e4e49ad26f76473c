import { z } from 'zod';
import { appendAudit } from '../audit/index.ts';
import { parseInput } from '../shared/parse-input.ts';
import type { TDb, TTx } from '../db/index.ts';
import { AgencyKind } from '../generated/prisma/enums.ts';
import { AppError } from '../shared/app-error.ts';
import { ZNoticeNumberPattern } from '../notices/notice-number.ts';
import { provinceArgument } from '../units/index.ts';

export const AGENCY_CODE = /^[A-Za-z0-9._-]{1,64}$/;
export const AGENCY_KINDS = Object.values(AgencyKind);

export const ZAgencyInput = z.object({
  code: z.string().regex(AGENCY_CODE, 'letters, digits and . _ - only'),
  name: z.string().trim().min(1).max(200),
  /** A unit code ("79"), name or alias ("TP.HCM"): resolved to a unit code. */
  province: z.string().min(1).max(100),
  kind: z.enum(AgencyKind).default('PROVINCIAL_TRAFFIC_POLICE'),
  /** Code of the agency above it. */
  parent: z.string().regex(AGENCY_CODE).optional(),
});

type TDeps = { db: TDb; actor: string };

/**
 * What an agency's notices print about it, and how it numbers them (src/notices). Each
 * field given replaces the one on record; an empty string clears it (back to the default).
 */
export const ZAgencyNoticeDetails = z
  .object({
    address: z.string().trim().max(300),
    phone: z.string().trim().regex(/^$|^[0-9 +().-]{3,40}$/, 'digits, spaces and + ( ) . - only'),
    parentName: z.string().trim().max(200),
    noticeNumberPattern: z.union([z.literal(''), ZNoticeNumberPattern]),
  })
  .partial()
  .refine((d) => Object.values(d).some((v) => v !== undefined), 'give at least one of --address, --phone, --parent-name, --number-pattern');

export const setAgencyNoticeDetails = async ({ db, actor }: TDeps, code: string, input: z.input<typeof ZAgencyNoticeDetails>) => {
  const data = parseInput(ZAgencyNoticeDetails, input);
  const changes = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined).map(([k, v]) => [k, v === '' ? null : v]));
  return db.$transaction(async (tx) => {
    const agency = await agencyByCode(tx, code);
    const updated = await tx.agency.update({ where: { id: agency.id }, data: changes });
    const before = Object.fromEntries(Object.keys(changes).map((k) => [k, agency[k as keyof typeof agency] ?? null]));
    await appendAudit(tx, { actor, entityType: 'agency', entityId: agency.id, action: 'agency.set-notice-details', data: { code, before, after: changes } });
    return updated;
  });
};


/** The agency with this code, or INVALID_INPUT naming it (an operator mistyped it). */
export const agencyByCode = async (tx: Pick<TTx, 'agency'>, code: string) => {
  const agency = await tx.agency.findUnique({ where: { code } });
  if (!agency) throw new AppError('INVALID_INPUT', `agency ${code} does not exist; add it with "agency add" (see "agency list")`);
  return agency;
};

export const addAgency = async ({ db, actor }: TDeps, input: z.input<typeof ZAgencyInput>) => {
  const data = parseInput(ZAgencyInput, input);
  const unit = provinceArgument(data.province);
  return db.$transaction(async (tx) => {
    if (await tx.agency.findUnique({ where: { code: data.code } })) throw new AppError('CONFLICT', `agency ${data.code} already exists`);
    const parent = data.parent === undefined ? null : await agencyByCode(tx, data.parent);
    const agency = await tx.agency.create({
      data: { code: data.code, name: data.name, kind: data.kind, provinceCode: unit.code, parentId: parent?.id ?? null },
    });
    await appendAudit(tx, {
      actor,
      entityType: 'agency',
      entityId: agency.id,
      action: 'agency.add',
      data: { code: agency.code, name: agency.name, kind: agency.kind, provinceCode: unit.code, parent: parent?.code ?? null },
    });
    return agency;
  });
};

/** Sets the province of an agency (one the migration made from free text without one, or a correction). */
export const setAgencyProvince = async ({ db, actor }: TDeps, code: string, province: string) => {
  const unit = provinceArgument(province);
  return db.$transaction(async (tx) => {
    const agency = await agencyByCode(tx, code);
    if (agency.provinceCode === unit.code) return agency;
    const updated = await tx.agency.update({ where: { id: agency.id }, data: { provinceCode: unit.code } });
    await appendAudit(tx, { actor, entityType: 'agency', entityId: agency.id, action: 'agency.set-province', data: { code, from: agency.provinceCode, to: unit.code } });
    return updated;
  });
};

export const listAgencies = (db: TDb) =>
  db.agency.findMany({
    orderBy: { code: 'asc' },
    select: { code: true, name: true, kind: true, provinceCode: true, parent: { select: { code: true } }, _count: { select: { cameras: true, officers: true } } },
  });

/**
 * The ids of an agency and of every agency below it, read now (a recursive CTE) so an
 * agency moved in the tree changes who sees its cases at the next request. UNION (not
 * UNION ALL) stops at a cycle, should a parent ever be set to a descendant.
 */
export const scopeAgencyIds = async (db: Pick<TDb, '$queryRaw'>, agencyId: string): Promise<string[]> => {
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE scope(id) AS (
      SELECT id FROM agency WHERE id = ${agencyId}::uuid
      UNION
      SELECT a.id FROM agency a JOIN scope s ON a.parent_id = s.id
    )
    SELECT id::text FROM scope`;
  return rows.map((r) => r.id);
};

/**
 * The provincial traffic police division (Phòng CSGT) on record for each province, by unit
 * code: the agency a case goes to when Circular 73 Art 24.1.b routes it there. Where a
 * province has several, the earliest added (then the lowest code) answers, as the
 * migration that back-filled cases chose.
 */
export const provincialDivisions = async (db: Pick<TDb, 'agency'>): Promise<Map<string, string>> => {
  const rows = await db.agency.findMany({
    where: { kind: 'PROVINCIAL_TRAFFIC_POLICE', provinceCode: { not: null } },
    select: { id: true, provinceCode: true },
    orderBy: [{ createdAt: 'asc' }, { code: 'asc' }],
  });
  const byProvince = new Map<string, string>();
  for (const r of rows) if (!byProvince.has(r.provinceCode!)) byProvince.set(r.provinceCode!, r.id);
  return byProvince;
};
