import { text } from '../shared/templates.ts';

export type THandlingUnitKind = 'DETECTING_UNIT' | 'COMMUNE_POLICE' | 'PROVINCIAL_TRAFFIC_POLICE';

/**
 * Who handles a case, with the unit code (src/units) of the province it belongs to, so
 * agencies can later be hung on codes; or undetermined, for an officer to decide.
 */
export type THandlingUnit =
  | { kind: THandlingUnitKind; name: string; provinceCode: string | null }
  | { kind: 'UNDETERMINED'; reason: 'OWNER_ADDRESS_UNMATCHED' | 'SITE_PROVINCE_UNMATCHED' };

/** Highest fine a commune police chief may impose (Decree 168/2024/NĐ-CP Art 43.3.b; the acts: Art 41.4). */
export const COMMUNE_FINE_LIMIT = 2_500_000;

/**
 * Who handles the case: Circular 73/2024/TT-BCA Art 24.1.b as amended by Circular
 * 13/2025/TT-BCA (effective 1 Mar 2025), which replaced the district police by the
 * commune police and the provincial traffic police division (Phòng CSGT); no later
 * amendment of this point was found (README, "Routing to the handling unit").
 * - The owner is unknown, or lives (has its office) in the detecting unit's province: the
 *   detecting unit keeps the case.
 * - Otherwise, an act within the commune police chief's powers (acts listed in Decree
 *   168 Art 41.4, fines up to 2.5 M VND by Art 43.3.b) goes to the commune police of
 *   the owner's residence, but only where commune police are connected to the system;
 *   otherwise, and for every other act, to the Phòng CSGT of the owner's province.
 * Provinces are compared by unit code, never by text. An owner whose address names no
 * unit, or (for a known owner) a site without one, leaves the unit undetermined: a
 * person decides, nothing is routed on a guess. Units are today's (after the 1 Jul 2025
 * merger), also for earlier captures: the case is routed now, to a unit that exists now.
 */
export const handlingUnitFor = (args: {
  detectingUnit: string;
  siteProvinceCode: string | null;
  owner: { address: string; provinceCode: string | null } | null;
  /** The owner's unit, when known: its official name. */
  ownerUnitName: string | null;
  rule: { communeCompetent: boolean; fineMax: number } | null;
  /** Whether the commune police of the owner's unit are connected to the system. */
  communePoliceConnected: boolean;
}): THandlingUnit => {
  const { owner, rule, siteProvinceCode } = args;
  if (!owner) return { kind: 'DETECTING_UNIT', name: args.detectingUnit, provinceCode: siteProvinceCode };
  const provinceCode = owner.provinceCode;
  if (provinceCode === null) return { kind: 'UNDETERMINED', reason: 'OWNER_ADDRESS_UNMATCHED' };
  if (siteProvinceCode === null) return { kind: 'UNDETERMINED', reason: 'SITE_PROVINCE_UNMATCHED' };
  if (provinceCode === siteProvinceCode) return { kind: 'DETECTING_UNIT', name: args.detectingUnit, provinceCode };
  // Inside a sentence the unit word is lower case: "Công an tỉnh Đồng Nai" (Decree 30/2020/NĐ-CP, Annex II).
  const unitName = args.ownerUnitName ?? provinceCode;
  const vars = { address: owner.address, province: unitName.charAt(0).toLocaleLowerCase('vi') + unitName.slice(1) };
  if (rule && rule.communeCompetent && rule.fineMax <= COMMUNE_FINE_LIMIT && args.communePoliceConnected) {
    return { kind: 'COMMUNE_POLICE', name: text('case-text', 'handlingUnit.COMMUNE_POLICE', vars), provinceCode };
  }
  return { kind: 'PROVINCIAL_TRAFFIC_POLICE', name: text('case-text', 'handlingUnit.PROVINCIAL_TRAFFIC_POLICE', vars), provinceCode };
};
