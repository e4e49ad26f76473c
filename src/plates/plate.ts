import { FOREIGN_SERIES, isProvinceCode, SERIES_LETTERS, SPECIAL_SERIES } from './province-codes.ts';

export type TVehicleClass = 'CAR' | 'TRUCK' | 'BUS' | 'MOTORCYCLE' | 'MOPED';

export type TPlateFormat =
  | 'CAR_OR_OLD_MOTORBIKE'
  | 'CAR_OLD_FOUR_DIGIT'
  | 'MOTORBIKE_TWO_LETTER'
  | 'MOTORBIKE_LETTER_DIGIT'
  | 'SPECIAL_SERIES'
  /** Special series fitted only to four-wheeled vehicles (MK, CD). */
  | 'SPECIAL_SERIES_FOUR_WHEEL'
  | 'FOREIGN'
  | 'TRAILER';

export type TPlate = {
  /** Upper-case letters and digits only, with Đ restored: the key plates are matched on. */
  normalised: string;
  /** Conventional display form, e.g. `51F-123.45`, `29-HA 002.33`. */
  display: string;
  format: TPlateFormat;
  /** Two leading digits: province code, or country/organisation code for foreign series. */
  region: string;
  series: string;
  number: string;
  /** Vehicle classes that may carry a plate of this format. */
  allowedClasses: readonly TVehicleClass[];
};

export type TPlateResult = { ok: true; plate: TPlate } | { ok: false; reason: string };

const FOUR_WHEEL: readonly TVehicleClass[] = ['CAR', 'TRUCK', 'BUS'];
const TWO_WHEEL: readonly TVehicleClass[] = ['MOTORCYCLE', 'MOPED'];
const ANY: readonly TVehicleClass[] = [...FOUR_WHEEL, ...TWO_WHEEL];

/** The vehicle classes that may carry a plate of each format (the format is stored with the plate). */
const FORMAT_CLASSES: Record<TPlateFormat, readonly TVehicleClass[]> = {
  CAR_OR_OLD_MOTORBIKE: ANY,
  CAR_OLD_FOUR_DIGIT: FOUR_WHEEL,
  MOTORBIKE_TWO_LETTER: TWO_WHEEL,
  MOTORBIKE_LETTER_DIGIT: TWO_WHEEL,
  SPECIAL_SERIES: ANY,
  SPECIAL_SERIES_FOUR_WHEEL: FOUR_WHEEL,
  FOREIGN: ANY,
  TRAILER: ['TRUCK'],
};

/** Classes a stored plate format allows; an unknown format (from an older release) allows any. */
export const allowedClassesOf = (format: string): readonly TVehicleClass[] => FORMAT_CLASSES[format as TPlateFormat] ?? ANY;

const L = `[${SERIES_LETTERS}]`;
const TWO_SERIES_LETTERS = new RegExp(`^${L}${L}$`);

/**
 * Cameras' OCR cannot print Đ: it reads D. Restore it in the series where Đ is the
 * real letter (MĐ electric motorbikes, TĐ pilot). Domain reference §6.
 */
const restoreD = (series: string): string => (series === 'MD' ? 'MĐ' : series === 'TD' ? 'TĐ' : series);

const grouped = (digits: string): string =>
  digits.length === 5 ? `${digits.slice(0, 3)}.${digits.slice(3)}` : digits;

/**
 * Validates and normalises a Vietnamese plate as read by a camera. Separators (`-`, `.`,
 * spaces, line breaks between the two rows) are dropped before matching, because dash
 * placement differs by plate type and cameras print it inconsistently.
 */
export const parsePlate = (raw: string): TPlateResult => {
  const bare = raw.normalize('NFC').toUpperCase().replace(/[\s.\-_/]/g, '');
  if (!/^[0-9A-ZĐ]{6,11}$/.test(bare)) {
    return { ok: false, reason: 'a plate has 6 to 11 letters and digits' };
  }
  const m = /^(\d{2})([A-ZĐ]{1,2})(\d{4,6})$/.exec(bare);
  if (!m) return { ok: false, reason: 'expected two digits, a one- or two-letter series and a 4–6 digit number' };
  const region = m[1] as string;
  const letters = restoreD(m[2] as string);
  const digits = m[3] as string;

  const build = (format: TPlateFormat, series: string, number: string, display: string): TPlateResult => ({
    ok: true,
    plate: { normalised: `${region}${series}${number}`, display, format, region, series, number, allowedClasses: FORMAT_CLASSES[format] },
  });

  if ((FOREIGN_SERIES as readonly string[]).includes(letters)) {
    return digits.length === 5
      ? build('FOREIGN', letters, digits, `${region}-${letters}-${digits.slice(0, 3)}-${digits.slice(3)}`)
      : { ok: false, reason: `${letters} plates carry a 5-digit number` };
  }
  if (!isProvinceCode(Number(region))) return { ok: false, reason: `${region} is not a province code in use` };

  if (letters.length === 1) {
    if (letters === 'R' && digits.length === 5) return build('TRAILER', 'R', digits, `${region}R-${grouped(digits)}`);
    if (!SERIES_LETTERS.includes(letters)) return { ok: false, reason: `${letters} is not a series letter` };
    if (digits.length === 4) return build('CAR_OLD_FOUR_DIGIT', letters, digits, `${region}${letters}-${digits}`);
    if (digits.length === 5) {
      // `NN L NNNNN` is both a car plate (30A-123.45) and an old motorbike plate with a
      // 4-digit number (36-B1 1234): the camera's vehicle class decides.
      return build('CAR_OR_OLD_MOTORBIKE', letters, digits, `${region}${letters}-${grouped(digits)}`);
    }
    const series = `${letters}${digits[0]}`;
    const number = digits.slice(1);
    return digits[0] === '0'
      ? { ok: false, reason: 'a motorbike series digit is 1–9' }
      : build('MOTORBIKE_LETTER_DIGIT', series, number, `${region}-${series} ${grouped(number)}`);
  }
  if (letters === 'MĐ' && digits.length >= 5) {
    const series = digits.length === 6 ? `MĐ${digits[0]}` : 'MĐ';
    const number = digits.slice(-5);
    return build('MOTORBIKE_TWO_LETTER', series, number, `${region}-${series} ${grouped(number)}`);
  }
  if (digits.length === 6) return { ok: false, reason: 'a two-letter series is followed by 4 or 5 digits' };
  if (letters === 'RM') return build('TRAILER', letters, digits, `${region}RM-${grouped(digits)}`);
  if ((SPECIAL_SERIES as readonly string[]).includes(letters)) {
    const format = letters === 'MK' || letters === 'CD' ? 'SPECIAL_SERIES_FOUR_WHEEL' : 'SPECIAL_SERIES';
    return build(format, letters, digits, `${region}${letters}-${grouped(digits)}`);
  }
  if (TWO_SERIES_LETTERS.test(letters) && digits.length === 5) {
    return build('MOTORBIKE_TWO_LETTER', letters, digits, `${region}-${letters} ${grouped(digits)}`);
  }
  return { ok: false, reason: `${letters} is not a plate series` };
};
