import type { THolidayYear } from './holiday-file.ts';
import { addDays, isWeekend, yearOf, type TDay } from './vietnam-day.ts';

/** How well the calendar knows a year. */
export type TYearKnowledge = 'announced' | 'provisional' | 'missing';

/**
 * Which Vietnam days state offices work: Monday–Friday, less the listed days off, plus
 * the listed make-up weekend days. Pure: built from the loaded holiday years.
 *
 * A year with no calendar loaded is still answered (by weekends alone, so a deadline can
 * be shown) but never silently: every answer records the years it relied on, and
 * `unconfirmed` says which of them were missing or provisional.
 */
export class WorkCalendar {
  private readonly off = new Set<TDay>();
  private readonly worked = new Set<TDay>();
  private readonly years = new Map<number, 'announced' | 'provisional'>();

  constructor(years: readonly THolidayYear[]) {
    for (const y of years) {
      this.years.set(y.year, y.status);
      for (const d of y.daysOff) this.off.add(d.date);
      for (const d of y.workingDays) this.worked.add(d.date);
    }
  }

  knowledgeOf(year: number): TYearKnowledge {
    return this.years.get(year) ?? 'missing';
  }

  loadedYears(): { year: number; status: 'announced' | 'provisional' }[] {
    return [...this.years].sort(([a], [b]) => a - b).map(([year, status]) => ({ year, status }));
  }

  /** Whether state offices work on `day`; `seen` collects the year consulted. */
  isWorkingDay(day: TDay, seen?: Set<number>): boolean {
    seen?.add(yearOf(day));
    if (this.worked.has(day)) return true;
    return !isWeekend(day) && !this.off.has(day);
  }

  /** `day` itself if offices work then, else the next day they do (BLDS 2015 Art 148.5). */
  workingDayOnOrAfter(day: TDay, seen?: Set<number>): TDay {
    let d = day;
    while (!this.isWorkingDay(d, seen)) d = addDays(d, 1);
    return d;
  }

  /** The `n`th working day after `day` (`day` itself not counted). */
  addWorkingDays(day: TDay, n: number, seen?: Set<number>): TDay {
    let d = day;
    for (let left = n; left > 0; ) {
      d = addDays(d, 1);
      if (this.isWorkingDay(d, seen)) left--;
    }
    return d;
  }

  /** Of the years consulted, those not confirmed by an announced schedule, ascending. */
  unconfirmed(seen: Set<number>): number[] {
    return [...seen].filter((y) => this.knowledgeOf(y) !== 'announced').sort((a, b) => a - b);
  }
}
