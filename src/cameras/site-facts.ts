import type { TTx } from '../db/index.ts';
import { matchAddressTail, matchProvince } from '../units/index.ts';

/** What later stages need to know of a site: whether it lies on an expressway, and its unit (null: not yet matched). */
export type TSiteFacts = { id: string; isExpressway: boolean; province: string; provinceCode: string | null };

export const siteFacts = async (tx: TTx, siteIds: readonly string[]): Promise<Map<string, TSiteFacts>> => {
  const rows = await tx.site.findMany({
    where: { id: { in: [...new Set(siteIds)] } },
    select: { id: true, isExpressway: true, province: true, address: true, provinceCode: true },
  });
  // A site stored before unit codes (not yet backfilled) is matched here with the same matcher.
  return new Map(
    rows.map((r) => [r.id, { id: r.id, isExpressway: r.isExpressway, province: r.province, provinceCode: r.provinceCode ?? matchProvince(r.province) ?? matchAddressTail(r.address) }]),
  );
};
