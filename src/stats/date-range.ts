import { z } from 'zod';
import { addDays, daysBetween, startOfDay, ZCalendarDate, type TDay } from '../clock/index.ts';
import { AppError } from '../shared/app-error.ts';
import { parseInput } from '../shared/parse-input.ts';

/** Figures cover the last 30 Vietnam days (today included) unless asked otherwise. */
export const DEFAULT_DAYS = 30;
/** At most a year and a day: the queries scan decisions of the range. */
export const MAX_DAYS = 366;

export type TStatsRange = {
  from: TDay;
  to: TDay;
  /** [start, end): from's first instant to the first instant after `to`, Vietnam time. */
  start: Date;
  end: Date;
  days: TDay[];
};

const ZRangeQuery = z.object({ from: ZCalendarDate.optional(), to: ZCalendarDate.optional() });

/**
 * The range of Vietnam calendar days asked (`from`, `to`, both included, YYYY-MM-DD), by
 * default the DEFAULT_DAYS ending `today`; a missing end is filled from the other.
 */
export const statsRange = (query: unknown, today: TDay): TStatsRange => {
  const q = parseInput(ZRangeQuery, query);
  const to = q.to ?? (q.from ? addDays(q.from, DEFAULT_DAYS - 1) : today);
  const from = q.from ?? addDays(to, -(DEFAULT_DAYS - 1));
  const span = daysBetween(from, to) + 1;
  if (span < 1) throw new AppError('VALIDATION_FAILED', 'from must not be after to');
  if (span > MAX_DAYS) throw new AppError('VALIDATION_FAILED', `a range of at most ${MAX_DAYS} days`);
  return { from, to, start: startOfDay(from), end: startOfDay(addDays(to, 1)), days: Array.from({ length: span }, (_, i) => addDays(from, i)) };
};
