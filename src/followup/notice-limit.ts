import { DUE_SOON_SECONDS } from '../cases/index.ts';
import { PERIODS } from '../clock/index.ts';
import type { TDb } from '../db/index.ts';
import { Prisma } from '../generated/prisma/client.ts';

/**
 * States of a case whose notice has not reached the owner yet: the 10-day limit (Circular
 * 73/2024 Art 24.1) is about sending, so a notice issued but still in dispatch (SMTP down,
 * waiting for the print batch) counts too.
 */
export const PRE_NOTICE = ['DETECTED', 'OWNER_RESOLVED', 'FINE_ASSESSED', 'PENDING_REVIEW', 'ESCALATED_REVIEW', 'QA_REVIEW', 'APPROVED', 'NOTICE_ISSUED'] as const;

export type TNoticeLimitCase = {
  id: string;
  plate: string;
  status: string;
  /** The notice deadline: the fine stage's, or (not assessed yet) the nominal 10 days from the capture. */
  noticeDueAt: Date;
  /** True when it comes from the capture (no working-day move applied: never later than the real one). */
  nominal: boolean;
  missed: boolean;
};

export type TNoticeLimitWarnings = { cases: TNoticeLimitCase[]; approaching: number; missed: number };

/**
 * Cases that will miss the 10-day notice limit, or have missed it: not yet NOTICE_ISSUED,
 * deadline within DUE_SOON_SECONDS (the rule the review queue marks `dueSoon` with).
 * A case the pipeline has not assessed yet (no noticeDueAt: stuck at the look-up, say)
 * counts from its capture, so it is warned about too. `scope`: only cases of these
 * detecting agencies (a supervisor's); null: all (the task's log line and metric).
 */
export const noticeLimitWarnings = async (db: TDb, opts: { now: Date; scope: readonly string[] | null; limit: number }): Promise<TNoticeLimitWarnings> => {
  const bound = new Date(opts.now.getTime() + DUE_SOON_SECONDS * 1000);
  const days = PERIODS.noticeDue.length;
  const scope = opts.scope ? Prisma.sql`AND c.detecting_agency_id = ANY(${[...opts.scope]}::uuid[])` : Prisma.empty;
  const rows = await db.$queryRaw<(TNoticeLimitCase & { approaching: number; missedCount: number })[]>`
    WITH w AS (
      SELECT c.id, c.plate, c.status, coalesce(c.notice_due_at, c.first_captured_at + make_interval(days => ${days}::int)) AS due, c.notice_due_at IS NULL AS nominal
      FROM "case" c
      WHERE c.status::text = ANY(${[...PRE_NOTICE]}::text[]) ${scope}
        AND (c.notice_due_at < ${bound} OR (c.notice_due_at IS NULL AND c.first_captured_at < ${bound}::timestamptz - make_interval(days => ${days}::int)))
    )
    SELECT w.id::text, w.plate, w.status::text AS status, w.due AS "noticeDueAt", w.nominal, w.due < ${opts.now} AS missed,
      (SELECT count(*)::int FROM w WHERE w.due >= ${opts.now}) AS approaching, (SELECT count(*)::int FROM w WHERE w.due < ${opts.now}) AS "missedCount"
    FROM w ORDER BY w.due LIMIT ${opts.limit}`;
  const first = rows[0];
  return {
    cases: rows.map(({ approaching: _a, missedCount: _m, ...c }) => c),
    approaching: first?.approaching ?? 0,
    missed: first?.missedCount ?? 0,
  };
};
