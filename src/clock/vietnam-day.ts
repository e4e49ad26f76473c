/**
 * Calendar days in Vietnam (Asia/Ho_Chi_Minh: UTC+7 all year, no daylight saving since
 * 1975), as `YYYY-MM-DD` strings. Statutory periods count these days, not 24-hour spans.
 */

const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

/** A Vietnam calendar day, `YYYY-MM-DD`. */
export type TDay = string;

/** The Vietnam calendar day of an instant. */
/** Milliseconds since midnight, Vietnam time (0 … 86,399,999). */
export const vietnamTimeOfDayMs = (at: Date): number => (((at.getTime() + VN_OFFSET_MS) % 86_400_000) + 86_400_000) % 86_400_000;

export const vietnamDate = (at: Date): TDay => new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);

const toUtcMs = (day: TDay): number => Date.parse(`${day}T00:00:00Z`);
const fromUtcMs = (ms: number): TDay => new Date(ms).toISOString().slice(0, 10);

/** The first instant of a Vietnam day (00:00 in Vietnam = 17:00 UTC the day before). */
export const startOfDay = (day: TDay): Date => new Date(toUtcMs(day) - VN_OFFSET_MS);

/**
 * The last instant of a Vietnam day, 23:59:59.999. The Civil Code ends a day "at
 * twenty-four hours" (BLDS 2015 Art 148.6); the columns hold milliseconds, so the last
 * representable instant before the next day is the end.
 */
export const endOfDay = (day: TDay): Date => new Date(toUtcMs(day) + DAY_MS - VN_OFFSET_MS - 1);

export const addDays = (day: TDay, n: number): TDay => fromUtcMs(toUtcMs(day) + n * DAY_MS);

/** Whole days from `a` to `b` (positive when b is later). */
export const daysBetween = (a: TDay, b: TDay): number => Math.round((toUtcMs(b) - toUtcMs(a)) / DAY_MS);

/** 0 = Sunday … 6 = Saturday. */
export const weekday = (day: TDay): number => new Date(toUtcMs(day)).getUTCDay();

export const isWeekend = (day: TDay): boolean => {
  const d = weekday(day);
  return d === 0 || d === 6;
};

export const yearOf = (day: TDay): number => Number(day.slice(0, 4));

/**
 * The same day and month `n` years later; 29 February becomes 28 February in a common
 * year. The Civil Code's rule for a month with no corresponding day (BLDS 2015 Art
 * 148.3: the period ends on the last day of that month) is applied to years, whose
 * clause (Art 148.4) says nothing of 29 February: ending on 1 March would lengthen the
 * period by a day.
 */
export const addYears = (day: TDay, n: number): TDay => {
  const y = yearOf(day) + n;
  const md = day.slice(5);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return `${String(y).padStart(4, '0')}-${md === '02-29' && !leap ? '02-28' : md}`;
};
