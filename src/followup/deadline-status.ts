import type { TDb } from '../db/index.ts';
import type { EscalationStatus } from '../generated/prisma/enums.ts';
import { noticeLimitWarnings } from './notice-limit.ts';
import { notifiedWithoutDueDate } from './overdue.ts';

export type TDeadlineStatus = {
  cases: { notified: number; overdue: number; responded: number; timeBarred: number };
  /** NOTIFIED cases past their response date: the next run makes them OVERDUE. */
  dueForEscalation: number;
  escalations: Record<EscalationStatus, number>;
  noticeLimit: { approaching: number; missed: number };
  notifiedWithoutDueDate: number;
};

/** What the statutory clock stands at (`admin deadlines status`). */
export const deadlineStatus = async (db: TDb, now: Date): Promise<TDeadlineStatus> => {
  const [byStatus, escalations, [due], warnings, noDue] = await Promise.all([
    db.$queryRaw<{ status: string; n: number }[]>`
      SELECT status::text AS status, count(*)::int AS n FROM "case" WHERE status IN ('NOTIFIED', 'OVERDUE', 'RESPONDED', 'TIME_BARRED') GROUP BY status`,
    db.$queryRaw<{ status: EscalationStatus; n: number }[]>`SELECT status::text AS status, count(*)::int AS n FROM escalation GROUP BY status`,
    db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM "case" c JOIN notice n ON n.case_id = c.id WHERE c.status = 'NOTIFIED' AND n.response_due_at < ${now}`,
    noticeLimitWarnings(db, { now, scope: null, limit: 1 }),
    notifiedWithoutDueDate(db),
  ]);
  const count = (s: string) => byStatus.find((r) => r.status === s)?.n ?? 0;
  const esc = { PENDING: 0, SENT: 0, LIFT_PENDING: 0, LIFTED: 0 } satisfies Record<EscalationStatus, number>;
  for (const r of escalations) esc[r.status] = r.n;
  return {
    cases: { notified: count('NOTIFIED'), overdue: count('OVERDUE'), responded: count('RESPONDED'), timeBarred: count('TIME_BARRED') },
    dueForEscalation: due!.n,
    escalations: esc,
    noticeLimit: { approaching: warnings.approaching, missed: warnings.missed },
    notifiedWithoutDueDate: noDue,
  };
};
