import { AppError } from '../shared/app-error.ts';
import { matchProvince } from './match-province.ts';
import { provinceUnit, provinceUnits, type TProvinceUnit } from './province-units.ts';

/**
 * The unit a province typed by an operator names (a command-line argument, not stored
 * data). A bare two-digit number may be one unit's official code (Decision 19/2025/QĐ-TTg)
 * and another unit's plate code (Circular 51/2025/TT-BCA): "51" is Quảng Ngãi's unit code
 * and a Hồ Chí Minh plate code, and an operator may mean either. Such a number is refused
 * with both readings, asking for the name; a number that is only a unit code is taken.
 */
export const provinceArgument = (text: string): TProvinceUnit => {
  const code = matchProvince(text);
  const unit = code === null ? undefined : provinceUnit(code);
  if (!unit) throw new AppError('INVALID_INPUT', `province "${text}" names no province or centrally-run city; give its code or name (see "units list")`);
  const trimmed = text.trim();
  if (/^\d{2}$/.test(trimmed)) {
    const plateOf = provinceUnits().find((u) => u.code !== unit.code && u.plateCodes.includes(Number(trimmed)));
    if (plateOf) {
      throw new AppError(
        'INVALID_INPUT',
        `province "${trimmed}" is the unit code of ${unit.name} and a plate code of ${plateOf.name}: give the name of the province or city meant`,
      );
    }
  }
  return unit;
};
