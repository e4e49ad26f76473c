import { appendAudit } from '../audit/index.ts';
import type { TDb, TTx } from '../db/index.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { StampedCache } from '../shared/stamped-cache.ts';
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
 * The working-day calendar as the stages read it: loaded from the database, kept for
 * `ttlMs`, and loaded again as soon as a year was loaded or replaced (one small aggregate
 * query per call tells), so the cases a replaced year sends back to the fine stage are
 * counted with it, not with the calendar it replaced.
 */
export class CalendarCache {
  private readonly cache: StampedCache<WorkCalendar>;

  constructor(db: TDb, ttlMs = 60_000) {
    this.cache = new StampedCache(
      async () => {
        const [row] = await db.$queryRaw<{ stamp: string }[]>`
          SELECT count(*) || '/' || coalesce(max(loaded_at)::text, '') AS stamp FROM holiday_year`;
        return row!.stamp;
      },
      async () => new WorkCalendar(await loadHolidayYears(db)),
      ttlMs,
    );
  }

  get(): Promise<WorkCalendar> {
    return this.cache.get();
  }
}
