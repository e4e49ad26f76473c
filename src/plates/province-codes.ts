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
 * Series letters of civilian plates: 20 letters, no I, J, O, Q, R, W. Circular 79/2024/TT-BCA
 * (Art 37, as quoted in public transcriptions): "sêri biển số sử dụng lần lượt một trong 20
 * chữ cái sau đây: A, B, C, D, E, F, G, H, K, L, M, N, P, S, T, U, V, X, Y, Z"; domain
 * reference §6.
 */
export const SERIES_LETTERS = 'ABCDEFGHKLMNPSTUVXYZ';

/**
 * Second letter of a two-letter motorbike series: R is in, G is out. The circulars word it
 * "…20 chữ cái … kết hợp với một trong các chữ cái sau: A, B, C, D, E, F, H, K, L, M, N, P,
 * R, S, T, U, V, X, Y, Z" (wording of Circular 58/2020/TT-BCA as quoted in
 * poohoh/regex_license_plate vietnam_regex.py; the same list is reported for Circular
 * 79/2024/TT-BCA by hieunguyen2604/alpr-do-an-mon-hoc docs/reports/01-vn-plate-standards.md
 * §5.2, whose authors could not read the full text of the article either). A G there is
 * therefore accepted but flagged, not refused: the sources disagree on it, see plate.ts.
 */
export const MOTORBIKE_SECOND_LETTERS = 'ABCDEFHKLMNPRSTUVXYZ';

/**
 * Two-letter special series (Law 36/2024 Art 36; Circular 79/2024/TT-BCA): LD foreign-
 * invested, DA foreign-funded project, KT military-run enterprise, MK tractor, HC
 * restricted-range, TĐ pilot, CD special-use machine, RM semi-trailer.
 */
export const SPECIAL_SERIES = ['LD', 'DA', 'KT', 'MK', 'HC', 'TĐ', 'CD', 'RM'] as const;

/**
 * Series of foreign plates (Law 36/2024 Art 36; Circular 79/2024/TT-BCA): NG diplomatic
 * missions, QT international organisations (red letters), CV administrative and technical
 * staff, NN other foreign organisations and persons (black letters). The plate reads
 * province code, 3-digit country or organisation code, series, 2-digit number:
 * `41-291-NG-01` (issue 7 §3; VietnamNet "Cách đọc ký hiệu biển số xe ngoại giao", cited by
 * hieunguyen2604/alpr-do-an-mon-hoc 01-vn-plate-standards.md §10.4).
 */
export const FOREIGN_SERIES = ['NG', 'QT', 'NN', 'CV'] as const;

/**
 * Plates of special economic zones: "biển số nền màu vàng, chữ và số màu đỏ, có ký hiệu địa
 * phương đăng ký và hai chữ cái viết tắt của khu kinh tế - thương mại đặc biệt, khu kinh tế
 * cửa khẩu quốc tế" (wording of the registration circulars as quoted in public plate
 * validators; the article of Circular 79/2024/TT-BCA itself was not read, hieunguyen2604/
 * alpr-do-an-mon-hoc 01-vn-plate-standards.md §5.4 lists CT and LB among its symbols). LB is read as Lao Bảo (khu kinh tế - thương mại đặc biệt, Quảng Trị) and CT
 * as Cầu Treo (khu kinh tế cửa khẩu quốc tế, Hà Tĩnh): an inference from the zone names,
 * not from the circular's text, so every CT or LB plate is accepted and flagged for an
 * officer (plate.ts, UNCERTAIN.economicZone), whatever its province code.
 */
export const ECONOMIC_ZONE_SERIES = ['CT', 'LB'] as const;

/**
 * Temporary registration ("đăng ký tạm thời") plates carry the symbol T. The layout is
 * reported two ways and neither was read in Circular 79/2024/TT-BCA itself: province code +
 * T + number (`29T-123.45`, hieunguyen2604/alpr-do-an-mon-hoc §5.4, §8.3) and T + province
 * code + number (`T29-123.45`, poohoh/regex_license_plate). T is also one of the 20
 * ordinary series letters, so both are accepted and flagged for an officer.
 */
export const TEMPORARY_SERIES = 'T';
