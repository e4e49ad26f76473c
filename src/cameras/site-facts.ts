import type { TTx } from '../db/index.ts';

/** What later stages need to know of a site: whether it lies on an expressway, and its unit (null: not yet matched). */
export type TSiteFacts = { id: string; isExpressway: boolean; province: string; provinceCode: string | null };

export const siteFacts = async (tx: TTx, siteIds: readonly string[]): Promise<Map<string, TSiteFacts>> => {
  const rows = await tx.site.findMany({ where: { id: { in: [...new Set(siteIds)] } }, select: { id: true, isExpressway: true, province: true, provinceCode: true } });
  return new Map(rows.map((r) => [r.id, r]));
};
