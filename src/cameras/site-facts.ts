import type { TTx } from '../db/index.ts';
import { matchAddressTail, matchProvince } from '../units/index.ts';

/**
 * What later stages need to know of a site: its unit (null: not yet matched), and the kind
 * of place it is (expressway, urban or densely populated area, bridge, tunnel), on which
 * several acts are fined under other provisions.
 */
export type TSiteFacts = {
  id: string;
  province: string;
  provinceCode: string | null;
  isExpressway: boolean;
  isUrban: boolean;
  isResidential: boolean;
  isBridge: boolean;
  isTunnel: boolean;
};

export const siteFacts = async (tx: TTx, siteIds: readonly string[]): Promise<Map<string, TSiteFacts>> => {
  const rows = await tx.site.findMany({
    where: { id: { in: [...new Set(siteIds)] } },
    select: { id: true, province: true, address: true, provinceCode: true, isExpressway: true, isUrban: true, isResidential: true, isBridge: true, isTunnel: true },
  });
  // A site stored before unit codes (not yet backfilled) is matched here with the same matcher.
  return new Map(rows.map(({ address, ...r }) => [r.id, { ...r, provinceCode: r.provinceCode ?? matchProvince(r.province) ?? matchAddressTail(address) }]));
};
