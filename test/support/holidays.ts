import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { applyHolidayYear, HOLIDAY_FILES_DIR, readHolidayFile, vietnamDate } from '../../src/clock/index.ts';
import type { TDb } from '../../src/db/index.ts';

/**
 * Holiday calendars for tests whose cases must come out without HOLIDAYS_UNCONFIRMED: the
 * checked-in years taken as announced, and an announced year with no days off for every
 * other year up to next year. So a test does not start failing when the calendar moves
 * into a provisional or missing year (test/clock.test.ts is where those are tested).
 */
export const loadTestHolidays = async (db: TDb): Promise<void> => {
  const files = readdirSync(HOLIDAY_FILES_DIR).filter((f) => f.endsWith('.json')).map((f) => readHolidayFile(join(HOLIDAY_FILES_DIR, f)));
  const nextYear = Number(vietnamDate(new Date()).slice(0, 4)) + 1;
  for (let year = 2025; year <= Math.max(nextYear, ...files.map((f) => f.year)); year++) {
    const file = files.find((f) => f.year === year);
    const fixture = file
      ? { ...file, status: 'announced' as const, sources: [...file.sources, 'test: taken as announced'] }
      : { year, status: 'announced' as const, sources: ['test fixture: no days off'], daysOff: [], workingDays: [] };
    await applyHolidayYear(db, fixture, 'test');
  }
};
