export { matchAddressTail, matchProvince, ownerProvinceCode, placeKey } from './match-province.ts';
export { provinceArgument } from './province-argument.ts';
export { PROVINCE_UNITS_FILE, provinceUnit, provinceUnits, ZProvinceCode, ZUnitsFile } from './province-units.ts';
export type { TProvinceUnit } from './province-units.ts';
export { connectedCommunePolice, listCommunePolice, setCommunePoliceConnected } from './commune-police.ts';
