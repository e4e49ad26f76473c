import { appendAudit } from '../audit/index.ts';
import type { TDb, TTx } from '../db/index.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { ZHolidayYear, type THolidayYear } from './holiday-file.ts';
import { WorkCalendar } from './work-calendar.ts';

/** What loading a year would change, entry by entry ("2026-02-16 off: Tết Âm lịch"). */
export type THolidayPlan = {
  year: number;
  kind: 'new' | 'unchanged' | 'replaced';
  added: string[];
  removed: string[];
};

const lines = (y: THolidayYear): string[] => [
  `status: ${y.status}`,
  ...y.daysOff.map((d) => `${d.date} off: ${d.name}`),
  ...y.workingDays.map((d) => `${d.date} worked: ${d.name}`),
];

export const loadHolidayYears = async (db: TTx): Promise<THolidayYear[]> =>
  (await db.holidayYear.findMany({ orderBy: { year: 'asc' } })).map((r) => ZHolidayYear.parse(r.calendar));

/** What loading this year would change; nothing is written. */
export const planHolidayYear = async (db: TTx, year: THolidayYear): Promise<THolidayPlan> => {
  const row = await db.holidayYear.findUnique({ where: { year: year.year } });
  const now = lines(year);
  if (!row) return { year: year.year, kind: 'new', added: now, removed: [] };
  const stored = ZHolidayYear.parse(row.calendar);
  const before = lines(stored);
  const added = now.filter((l) => !before.includes(l));
  const removed = before.filter((l) => !now.includes(l));
  // Sources, names' bases and the note count too: a corrected citation is a change.
  return { year: year.year, kind: canonicalJson(stored) === canonicalJson(year) ? 'unchanged' : 'replaced', added, removed };
};

/**
 * Stores a year, replacing what was loaded for it: unlike a fine rule, a year's schedule
 * may change after loading (a provisional year becomes announced; the government swaps a
 * day). Audited with the entries added and removed. Dates already stored on cases are not
 * recomputed.
 */
export const applyHolidayYear = async (db: TDb, year: THolidayYear, actor: string): Promise<THolidayPlan> =>
  db.$transaction(async (tx) => {
    const plan = await planHolidayYear(tx, year);
    if (plan.kind === 'unchanged') return plan;
    const calendar = year as unknown as Prisma.InputJsonValue;
    await tx.holidayYear.upsert({
      where: { year: year.year },
      create: { year: year.year, status: year.status, calendar },
      update: { status: year.status, calendar, loadedAt: new Date() },
    });
    await appendAudit(tx, {
      actor,
      entityType: 'holiday_year',
      entityId: String(year.year),
      action: 'holidays.load',
      data: { kind: plan.kind, added: plan.added, removed: plan.removed },
    });
    return plan;
  });

/**
 * The working-day calendar as the stages read it: loaded from the database and kept for
 * `ttlMs`, so a year loaded by an operator reaches running workers within that time.
 */
export class CalendarCache {
  private calendar: WorkCalendar | undefined;
  private loadedAt = 0;

  constructor(
    private readonly db: TDb,
    private readonly ttlMs = 60_000,
  ) {}

  async get(): Promise<WorkCalendar> {
    if (!this.calendar || Date.now() - this.loadedAt > this.ttlMs) {
      this.calendar = new WorkCalendar(await loadHolidayYears(this.db));
      this.loadedAt = Date.now();
    }
    return this.calendar;
  }
}
