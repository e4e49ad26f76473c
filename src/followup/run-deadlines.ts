import type { TDb } from '../db/index.ts';
import type { TLogger } from '../shared/logger.ts';
import { noticeLimitWarnings } from './notice-limit.ts';
import { escalateOverdue, notifiedWithoutDueDate, type TOverdueReport } from './overdue.ts';
import { timeBarCases, type TTimeBarReport } from './time-bar.ts';

export type TDeadlinesReport = {
  overdue: TOverdueReport;
  timeBarred: TTimeBarReport;
  noticeLimit: { approaching: number; missed: number; first: { id: string; plate: string; noticeDueAt: string }[] };
  /** NOTIFIED cases the clock cannot run for (no response date on their notice). */
  notifiedWithoutDueDate: number;
};

export type TDeadlinesHooks = {
  /** Metrics: the notice-limit gauge and the moves made. */
  observe?: (r: TDeadlinesReport) => void;
};

/**
 * One run of the statutory clock after sending (the `deadlines` maintenance task, or
 * `admin deadlines run`): the limitation first (a case past it must not be escalated),
 * then the 20-day period, then the cases close to the 10-day notice limit, for the
 * supervisors' warning (their pages read it live; here a log line and a metric). Each part
 * is set-based and takes at most `batch` cases; a run that finds nothing due changes
 * nothing, so a second run straight after does nothing more.
 */
export const runDeadlines = async (db: TDb, opts: { now: Date; batch: number; log: TLogger } & TDeadlinesHooks): Promise<TDeadlinesReport> => {
  const timeBarred = await timeBarCases(db, opts);
  const overdue = await escalateOverdue(db, opts);
  const warnings = await noticeLimitWarnings(db, { now: opts.now, scope: null, limit: 20 });
  const report: TDeadlinesReport = {
    overdue,
    timeBarred,
    noticeLimit: {
      approaching: warnings.approaching,
      missed: warnings.missed,
      first: warnings.cases.map((c) => ({ id: c.id, plate: c.plate, noticeDueAt: c.noticeDueAt.toISOString() })),
    },
    notifiedWithoutDueDate: await notifiedWithoutDueDate(db),
  };
  if (timeBarred.timeBarred > 0) opts.log.warn({ ...timeBarred }, 'deadlines: cases past their 1-year limitation are time-barred');
  if (overdue.overdue > 0) opts.log.info({ ...overdue }, 'deadlines: no response in 20 days, cases overdue and escalated');
  if (warnings.approaching + warnings.missed > 0) {
    opts.log.warn({ approaching: warnings.approaching, missed: warnings.missed, first: report.noticeLimit.first.slice(0, 5) }, 'deadlines: cases close to or past the 10-day notice limit');
  }
  if (report.notifiedWithoutDueDate > 0) opts.log.error({ count: report.notifiedWithoutDueDate }, 'deadlines: notified cases without a response date; the 20-day clock cannot run for them');
  opts.observe?.(report);
  return report;
};
