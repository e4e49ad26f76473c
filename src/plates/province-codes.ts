/**
 * Province codes on Vietnamese plates: 11–99 less the unused ones; 80 is for central
 * agencies. Data, not logic, because administrative reforms change it (the 1 Jul 2025
 * merger kept every old code, Circular 51/2025/TT-BCA annex).
 * Source: domain reference §6 [S17][S41].
 */
export const UNUSED_PROVINCE_CODES: ReadonlySet<number> = new Set([13, 42, 44, 45, 46, 87, 91, 96]);

export const isProvinceCode = (code: number): boolean =>
  code >= 11 && code <= 99 && !UNUSED_PROVINCE_CODES.has(code);

/**
 * Series letters of civilian plates: 20 letters, no I, J, O, Q, R, W (QCVN 08:2024/BCA;
 * domain reference §6).
 */
export const SERIES_LETTERS = 'ABCDEFGHKLMNPSTUVXYZ';

/**
 * Two-letter special series (Law 36/2024 Art 36; Circular 79/2024/TT-BCA): LD foreign-
 * invested, DA foreign-funded project, KT military-run enterprise, MK tractor, HC
 * restricted-range, TĐ pilot, CD special-use machine, RM semi-trailer.
 */
export const SPECIAL_SERIES = ['LD', 'DA', 'KT', 'MK', 'HC', 'TĐ', 'CD', 'RM'] as const;

/** Series whose two digits are a country or organisation code, not a province code. */
export const FOREIGN_SERIES = ['NG', 'QT', 'NN', 'CV'] as const;
