import { provinceUnits, type TProvinceUnit } from './province-units.ts';

/**
 * Folds a place name to a comparison key: no case, no diacritics (đ → d), punctuation
 * as spaces, and without a leading "tỉnh" / "thành phố" / "TP". "TP.HCM", "tp hcm" and
 * "Thành phố Hồ Chí Minh" become "hcm", "hcm" and "ho chi minh".
 */
export const placeKey = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/^(tinh|thanh pho|tp)\s+/, '');

let byKey: Map<string, string> | undefined;

/** Every name, former province and alias of every unit → the unit's code. */
const keys = (): Map<string, string> => {
  if (byKey) return byKey;
  const map = new Map<string, string>();
  for (const u of provinceUnits()) {
    for (const name of [u.name, ...u.formerProvinces, ...u.aliases]) {
      const k = placeKey(name);
      const other = map.get(k);
      if (other !== undefined && other !== u.code) throw new Error(`"${name}" would name both ${other} and ${u.code}`);
      map.set(k, u.code);
    }
  }
  return (byKey = map);
};

/**
 * A province field → the unit's code, or null when it names no unit. Takes an official
 * code ("79"), the unit's name, a pre-merger province ("Bình Dương" → "79") or an
 * alias ("TP.HCM", "HCM", "Ha Noi"). Never a guess: anything else is null.
 */
export const matchProvince = (text: string): string | null => {
  const trimmed = text.trim();
  if (/^\d{2}$/.test(trimmed)) return provinceUnits().some((u) => u.code === trimmed) ? trimmed : null;
  return keys().get(placeKey(trimmed)) ?? null;
};

const COUNTRY = new Set(['viet nam', 'vietnam', 'vn']);

/**
 * The province an address ends with ("…, phường Thủ Dầu Một, Bình Dương" → "79"), or
 * null. Only the last part names the province (a trailing country and postcode are
 * skipped); earlier parts are streets and communes, some named like provinces.
 */
export const matchAddressTail = (address: string): string | null => {
  const parts = address
    .split(/[,;\n]/)
    .map((p) => p.replace(/\b\d{5,6}\b/g, '').trim())
    .filter((p) => p !== '' && !COUNTRY.has(placeKey(p)));
  const last = parts.at(-1);
  if (last === undefined || /^\d+$/.test(last)) return null;
  return keys().get(placeKey(last)) ?? null;
};

/**
 * Where an owner lives, as a unit code: the province field when it names a unit, else
 * the tail of the address; null when neither does (the case is then flagged
 * OWNER_ADDRESS_UNMATCHED for an officer rather than routed on a guess).
 */
export const ownerProvinceCode = (owner: { province: string; address: string }): string | null =>
  matchProvince(owner.province) ?? matchAddressTail(owner.address);

export type { TProvinceUnit };
