import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ZCalendarDate } from './calendar-date.ts';

const ZEntry = z
  .object({
    date: ZCalendarDate,
    /** What the day is, in Vietnamese, e.g. "Tết Âm lịch (mùng 1 Tết)". */
    name: z.string().min(1),
    /** The provision or notice that makes it a day off (or a working day). */
    basis: z.string().min(1),
  })
  .strict();

/**
 * One year of the Vietnamese public calendar for state offices: the days off that fall
 * on Monday–Friday (holidays, compensatory days, swapped days) and the Saturdays or
 * Sundays worked to make up a swap. Weekends need not be listed.
 *
 * `status`: `announced` once the year's official schedule (the Prime Minister's decision
 * on Tết and National Day under BLLĐ 2019 Art 112.3, and any swap notice) has been
 * checked; `provisional` while only the Labour Code's fixed days and compensatory days
 * are known. Deadlines counted over a provisional year are flagged for a person to check.
 */
export const ZHolidayYear = z
  .object({
    year: z.number().int().min(2000).max(2200),
    status: z.enum(['announced', 'provisional']),
    sources: z.array(z.string().min(1)).min(1),
    daysOff: z.array(ZEntry),
    workingDays: z.array(ZEntry),
    note: z.string().optional(),
  })
  .strict()
  .superRefine((y, ctx) => {
    const seen = new Set<string>();
    for (const [list, entries] of [['daysOff', y.daysOff], ['workingDays', y.workingDays]] as const) {
      entries.forEach((e, i) => {
        if (!e.date.startsWith(`${y.year}-`)) ctx.addIssue({ code: 'custom', path: [list, i, 'date'], message: `not in ${y.year}` });
        if (seen.has(e.date)) ctx.addIssue({ code: 'custom', path: [list, i, 'date'], message: 'listed twice' });
        seen.add(e.date);
        const wd = new Date(`${e.date}T00:00:00Z`).getUTCDay();
        const weekend = wd === 0 || wd === 6;
        if (list === 'daysOff' && weekend) ctx.addIssue({ code: 'custom', path: [list, i, 'date'], message: 'a weekend day is off anyway: list its compensatory day instead' });
        if (list === 'workingDays' && !weekend) ctx.addIssue({ code: 'custom', path: [list, i, 'date'], message: 'a make-up working day must be a Saturday or Sunday' });
      });
    }
  });

export type THolidayYear = z.infer<typeof ZHolidayYear>;

export const readHolidayFile = (path: string): THolidayYear => ZHolidayYear.parse(JSON.parse(readFileSync(path, 'utf8')));

export const HOLIDAY_FILES_DIR = new URL('./holidays/', import.meta.url).pathname;
