import { describe, expect, it } from 'vitest';
import { parsePlate } from '../src/plates/index.ts';

describe('parsePlate', () => {
  it.each([
    ['51F-123.45', '51F12345', 'CAR_OR_OLD_MOTORBIKE', '51F-123.45'],
    ['30a 12345', '30A12345', 'CAR_OR_OLD_MOTORBIKE', '30A-123.45'],
    ['29A-1234', '29A1234', 'CAR_OLD_FOUR_DIGIT', '29A-1234'],
    ['29-HA 002.33', '29HA00233', 'MOTORBIKE_TWO_LETTER', '29-HA 002.33'],
    ['59-X1 123.45', '59X112345', 'MOTORBIKE_LETTER_DIGIT', '59-X1 123.45'],
    ['29-MD1 123.45', '29MĐ112345', 'MOTORBIKE_TWO_LETTER', '29-MĐ1 123.45'],
    ['51LD-123.45', '51LD12345', 'SPECIAL_SERIES', '51LD-123.45'],
    ['80-NG-123-45', '80NG12345', 'FOREIGN', '80-NG-123-45'],
    ['51R-123.45', '51R12345', 'TRAILER', '51R-123.45'],
  ])('reads %s as %s (%s)', (raw, normalised, format, display) => {
    const r = parsePlate(raw);
    expect(r.ok && r.plate).toMatchObject({ normalised, format, display });
  });

  it('normalises separators and case to one key', () => {
    const keys = ['51F-123.45', '51f 123 45', '51F12345', '51F-12345', ' 51F.123.45 '].map((t) => {
      const r = parsePlate(t);
      return r.ok ? r.plate.normalised : t;
    });
    expect(new Set(keys)).toEqual(new Set(['51F12345']));
  });

  it.each([
    ['ABC-123', 'too short / no province'],
    ['13A-123.45', 'unused province code'],
    ['10A-123.45', 'below 11'],
    ['51I-123.45', 'I is not a series letter'],
    ['51O-123.45', 'O is not a series letter'],
    ['51F-12', 'number too short'],
    ['59-X0 123.45', 'series digit 0'],
    ['51F-123.456.7', 'too long'],
  ])('refuses %s (%s)', (raw) => {
    expect(parsePlate(raw).ok).toBe(false);
  });

  it('says which vehicle classes a format allows', () => {
    const moto = parsePlate('29-HA 002.33');
    const oldCar = parsePlate('29A-1234');
    expect(moto.ok && moto.plate.allowedClasses).toEqual(['MOTORCYCLE', 'MOPED']);
    expect(oldCar.ok && oldCar.plate.allowedClasses).toEqual(['CAR', 'TRUCK', 'BUS']);
  });
});
