import { text } from '../shared/templates.ts';

export type THandlingUnit = {
  kind: 'DETECTING_UNIT' | 'COMMUNE_POLICE' | 'PROVINCIAL_TRAFFIC_POLICE';
  name: string;
};

/** Highest individual fine a commune police chief may impose (Decree 168 Art 41.4). */
export const COMMUNE_FINE_LIMIT = 2_500_000;

const sameProvince = (a: string, b: string) =>
  a.normalize('NFC').toLocaleLowerCase('vi').replace(/^(tỉnh|thành phố|tp\.?)\s*/u, '').trim() ===
  b.normalize('NFC').toLocaleLowerCase('vi').replace(/^(tỉnh|thành phố|tp\.?)\s*/u, '').trim();

/**
 * Who handles the case (Circular 73/2024/TT-BCA Art 24.1.b as amended by Circular
 * 13/2025/TT-BCA): the detecting unit when the owner lives (or has its office) in its
 * province or is unknown; otherwise the commune police of the owner's residence when the
 * act is within the commune chief's authority (listed acts, at most 2.5 M VND), and the
 * provincial traffic police division (Phòng CSGT) of the owner's province for the rest.
 */
export const handlingUnitFor = (args: {
  detectingUnit: string;
  siteProvince: string;
  owner: { address: string; province: string } | null;
  rule: { communeCompetent: boolean; fineMax: number } | null;
}): THandlingUnit => {
  const { owner, rule } = args;
  if (!owner || sameProvince(owner.province, args.siteProvince)) return { kind: 'DETECTING_UNIT', name: args.detectingUnit };
  if (rule && rule.communeCompetent && rule.fineMax <= COMMUNE_FINE_LIMIT) {
    return { kind: 'COMMUNE_POLICE', name: text('case-text', 'handlingUnit.COMMUNE_POLICE', owner) };
  }
  return { kind: 'PROVINCIAL_TRAFFIC_POLICE', name: text('case-text', 'handlingUnit.PROVINCIAL_TRAFFIC_POLICE', owner) };
};
