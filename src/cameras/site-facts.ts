import type { TTx } from '../db/index.ts';

/**
 * What later stages need to know of a site: its province, and the kind of place it is
 * (expressway, urban or densely populated area, bridge, tunnel), on which several acts
 * are fined under other provisions.
 */
export type TSiteFacts = {
  id: string;
  province: string;
  isExpressway: boolean;
  isUrban: boolean;
  isResidential: boolean;
  isBridge: boolean;
  isTunnel: boolean;
};

export const siteFacts = async (tx: TTx, siteIds: readonly string[]): Promise<Map<string, TSiteFacts>> => {
  const rows = await tx.site.findMany({
    where: { id: { in: [...new Set(siteIds)] } },
    select: { id: true, province: true, isExpressway: true, isUrban: true, isResidential: true, isBridge: true, isTunnel: true },
  });
  return new Map(rows.map((r) => [r.id, r]));
};
