import type { TTx } from '../db/index.ts';
import type { OwnerType } from '../generated/prisma/enums.ts';
import { ownerProvinceCode } from '../units/index.ts';

/**
 * What the fine stage needs of an owner: person or organisation, and where they live
 * (`provinceCode`: the unit resolved from the address, null when none matched).
 */
export type TOwnerFacts = { id: string; ownerType: OwnerType; address: string; province: string; provinceCode: string | null };

export const ownerFacts = async (tx: TTx, ownerIds: readonly string[]): Promise<Map<string, TOwnerFacts>> => {
  const rows = await tx.owner.findMany({
    where: { id: { in: [...new Set(ownerIds)] } },
    select: { id: true, ownerType: true, address: true, province: true, provinceCode: true },
  });
  // A row stored before unit codes (not yet backfilled) is matched here with the same matcher.
  return new Map(rows.map((r) => [r.id, { ...r, provinceCode: r.provinceCode ?? ownerProvinceCode(r) }]));
};
