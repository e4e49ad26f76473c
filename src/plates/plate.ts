import {
  ECONOMIC_ZONE_SERIES,
  FOREIGN_SERIES,
  isProvinceCode,
  MOTORBIKE_SECOND_LETTERS,
  SERIES_LETTERS,
  SPECIAL_SERIES,
  TEMPORARY_SERIES,
} from './province-codes.ts';

export type TVehicleClass = 'CAR' | 'TRUCK' | 'BUS' | 'MOTORCYCLE' | 'MOPED';

export type TPlateFormat =
  | 'CAR_OR_OLD_MOTORBIKE'
  | 'CAR_OLD_FOUR_DIGIT'
  | 'MOTORBIKE_TWO_LETTER'
  | 'MOTORBIKE_LETTER_DIGIT'
  | 'SPECIAL_SERIES'
  /** Special series fitted only to four-wheeled vehicles (MK, CD). */
  | 'SPECIAL_SERIES_FOUR_WHEEL'
  /** NG, QT, NN, CV: province, 3-digit country code, series, 2-digit number. */
  | 'FOREIGN'
  | 'TRAILER'
  /** Temporary registration, series T. */
  | 'TEMPORARY'
  /** Special economic zone plates, CT and LB. */
  | 'ECONOMIC_ZONE';

export type TPlate = {
  /** Upper-case letters and digits only, with Đ restored: the key plates are matched on. */
  normalised: string;
  /** Conventional display form, e.g. `51F-123.45`, `29-HA 002.33`, `41-291-NG-01`. */
  display: string;
  format: TPlateFormat;
  /** Province code (two digits). */
  region: string;
  series: string;
  number: string;
  /** Country or organisation code of a foreign plate. */
  country?: string;
  /** Vehicle classes that may carry a plate of this format. */
  allowedClasses: readonly TVehicleClass[];
};

/**
 * A plate is refused only when no rule we know of admits it (clearly a misread or not a
 * plate). When the sources disagree, or the layout is reported but was not read in the
 * circular, it is accepted with `uncertain` saying why, so that an officer checks it: a
 * valid plate refused at ingest is a lost event.
 */
export type TPlateResult = { ok: true; plate: TPlate; uncertain: string | null } | { ok: false; reason: string };

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
  // Temporary registration and economic-zone plates are issued to cars and motorbikes alike.
  TEMPORARY: ANY,
  ECONOMIC_ZONE: ANY,
};

/** Classes a stored plate format allows; an unknown format (from an older release) allows any. */
export const allowedClassesOf = (format: string): readonly TVehicleClass[] => FORMAT_CLASSES[format as TPlateFormat] ?? ANY;

const UNCERTAIN = {
  secondLetterG: 'G is an ordinary series letter but not among the second letters the circulars list for motorbike series',
  twoLetterFourDigit: 'a two-letter motorbike series is issued with a 5-digit number; a 4-digit one is an old or misread plate',
  foreignThreeDigit: 'a foreign plate number has 2 digits; 3 digits are reported on some plates but not in the circular',
  seriesT: 'T is both an ordinary series letter and the temporary-registration symbol: check whether the registration is temporary',
  temporaryTFirst: 'T before the province code is the temporary layout of older circulars, not read in Circular 79/2024',
  economicZone:
    'CT and LB are read as economic-zone series (Cầu Treo, Hà Tĩnh; Lao Bảo, Quảng Trị) by inference from the zone names, not from Circular 79/2024: check the plate and its province code',
  electricFourDigit: 'an MĐ (electric motorbike) series is issued with a 5-digit number; a 4-digit one is an old or misread plate',
} as const;

/**
 * Cameras' OCR cannot print Đ: it reads D. Restore it in the series where Đ is the
 * real letter (MĐ electric motorbikes, TĐ pilot). Domain reference §6.
 */
const restoreD = (series: string): string => (series === 'MD' ? 'MĐ' : series === 'TD' ? 'TĐ' : series);

const grouped = (digits: string): string =>
  digits.length === 5 ? `${digits.slice(0, 3)}.${digits.slice(3)}` : digits;

const includes = (list: readonly string[], s: string): boolean => list.includes(s);

type TParts = Omit<TPlate, 'allowedClasses' | 'format'>;

const accept = (format: TPlateFormat, parts: TParts, uncertain: string | null = null): TPlateResult => ({
  ok: true,
  plate: { ...parts, format, allowedClasses: FORMAT_CLASSES[format] },
  uncertain,
});

const refuse = (reason: string): TPlateResult => ({ ok: false, reason });

/** `41-291-NG-01` as printed on one row; the two-row plate reads `41 NG / 291-01` (handled with the other series). */
const FOREIGN_ONE_ROW = new RegExp(`^(\\d{2})(\\d{3})(${FOREIGN_SERIES.join('|')})(\\d{2,3})$`);

const foreign = (region: string, series: string, country: string, number: string): TPlateResult =>
  accept(
    'FOREIGN',
    // The key keeps the two-row reading order (province, series, digits), as stored before
    // foreign plates carried their country code separately.
    { normalised: `${region}${series}${country}${number}`, display: `${region}-${country}-${series}-${number}`, region, series, number, country },
    number.length === 3 ? UNCERTAIN.foreignThreeDigit : null,
  );

/**
 * Validates and normalises a Vietnamese plate as read by a camera. Separators (`-`, `.`,
 * spaces, line breaks between the two rows) are dropped before matching, because dash
 * placement differs by plate type and cameras print it inconsistently.
 */
export const parsePlate = (raw: string): TPlateResult => {
  const bare = raw.normalize('NFC').toUpperCase().replace(/[\s.\-_/]/g, '');
  if (!/^[0-9A-ZĐ]{6,11}$/.test(bare)) return refuse('a plate has 6 to 11 letters and digits');

  const oneRow = FOREIGN_ONE_ROW.exec(bare);
  if (oneRow) {
    const [, region, country, series, number] = oneRow as unknown as [string, string, string, string, string];
    return isProvinceCode(Number(region)) ? foreign(region, series, country, number) : refuse(`${region} is not a province code in use`);
  }
  const tFirst = /^T(\d{2})(\d{4,5})$/.exec(bare);
  if (tFirst) {
    const [, region, digits] = tFirst as unknown as [string, string, string];
    if (!isProvinceCode(Number(region))) return refuse(`${region} is not a province code in use`);
    const parts = { normalised: bare, display: `T${region}-${grouped(digits)}`, region, series: TEMPORARY_SERIES, number: digits };
    return accept('TEMPORARY', parts, UNCERTAIN.temporaryTFirst);
  }

  const m = /^(\d{2})([A-ZĐ]{1,2})(\d{4,6})$/.exec(bare);
  if (!m) return refuse('expected two digits, a one- or two-letter series and a 4–6 digit number');
  const region = m[1] as string;
  const letters = restoreD(m[2] as string);
  const digits = m[3] as string;
  if (!isProvinceCode(Number(region))) return refuse(`${region} is not a province code in use`);

  /** Province, series, number: the layout of every domestic plate. */
  const plain = (format: TPlateFormat, display: string, uncertain: string | null = null, series = letters, number = digits) =>
    accept(format, { normalised: `${region}${series}${number}`, display, region, series, number }, uncertain);

  if (includes(FOREIGN_SERIES, letters)) {
    return digits.length >= 5
      ? foreign(region, letters, digits.slice(0, 3), digits.slice(3))
      : refuse(`${letters} plates carry a 3-digit country code and a 2-digit number`);
  }

  if (letters.length === 1) {
    if (letters === 'R' && digits.length <= 5) return plain('TRAILER', `${region}R-${grouped(digits)}`);
    if (!SERIES_LETTERS.includes(letters)) return refuse(`${letters} is not a series letter`);
    const display = `${region}${letters}-${grouped(digits)}`;
    // T with 4 or 5 digits alike: either may be an ordinary series or a temporary plate.
    if (letters === TEMPORARY_SERIES && digits.length <= 5) return plain('TEMPORARY', display, UNCERTAIN.seriesT);
    if (digits.length === 4) return plain('CAR_OLD_FOUR_DIGIT', display);
    if (digits.length === 5) {
      // `NN L NNNNN` is both a car plate (30A-123.45) and an old motorbike plate with a
      // 4-digit number (36-B1 1234): the camera's vehicle class decides.
      return plain('CAR_OR_OLD_MOTORBIKE', display);
    }
    const series = `${letters}${digits[0]}`;
    const number = digits.slice(1);
    return digits[0] === '0'
      ? refuse('a motorbike series digit is 1–9')
      : plain('MOTORBIKE_LETTER_DIGIT', `${region}-${series} ${grouped(number)}`, null, series, number);
  }
  if (letters === 'MĐ') {
    // No source read excludes a 4-digit MĐ plate and a refused plate is a lost event, so
    // it is accepted and flagged like any two-letter motorbike series with 4 digits.
    const series = digits.length === 6 ? `MĐ${digits[0]}` : 'MĐ';
    const number = digits.length === 6 ? digits.slice(1) : digits;
    const uncertain = number.length === 4 ? UNCERTAIN.electricFourDigit : null;
    return plain('MOTORBIKE_TWO_LETTER', `${region}-${series} ${grouped(number)}`, uncertain, series, number);
  }
  if (digits.length === 6) return refuse('a two-letter series is followed by 4 or 5 digits');
  if (letters === 'RM') return plain('TRAILER', `${region}RM-${grouped(digits)}`);
  if (includes(SPECIAL_SERIES, letters)) {
    const format = letters === 'MK' || letters === 'CD' ? 'SPECIAL_SERIES_FOUR_WHEEL' : 'SPECIAL_SERIES';
    return plain(format, `${region}${letters}-${grouped(digits)}`);
  }
  if (includes(ECONOMIC_ZONE_SERIES, letters)) return plain('ECONOMIC_ZONE', `${region}${letters}-${grouped(digits)}`, UNCERTAIN.economicZone);

  const [first, second] = [letters[0] as string, letters[1] as string];
  if (SERIES_LETTERS.includes(first) && (MOTORBIKE_SECOND_LETTERS.includes(second) || second === 'G')) {
    const doubts = [second === 'G' ? UNCERTAIN.secondLetterG : null, digits.length === 4 ? UNCERTAIN.twoLetterFourDigit : null];
    const uncertain = doubts.filter((d) => d !== null).join('; ') || null;
    return plain('MOTORBIKE_TWO_LETTER', `${region}-${letters} ${grouped(digits)}`, uncertain);
  }
  return refuse(`${letters} is not a plate series`);
};

/** A normalised plate as people write it (`51F77788` → `51F-777.88`); as stored where it does not parse. */
export const displayPlate = (normalised: string): string => {
  const parsed = parsePlate(normalised);
  return parsed.ok ? parsed.plate.display : normalised;
};
