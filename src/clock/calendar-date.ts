import { z } from 'zod';

/**
 * A date as data files write it, YYYY-MM-DD, that exists in the calendar: "2026-02-30"
 * is refused rather than read as 2 March (Date rolls it over), which would store another
 * day than the file says and make the file conflict with itself on every reload.
 */
export const ZCalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'YYYY-MM-DD', abort: true })
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date');
