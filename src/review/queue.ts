import { queryRows, type TDb } from '../db/index.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { z } from 'zod';
import { Violation } from '../generated/prisma/enums.ts';
import { SUMMARY_COLUMNS, type TCaseSummary } from './case-summary.ts';
import type { TPrincipal } from './principal.ts';
import { QUEUE_STATE, queuesOf, type TQueueKind } from './rules.ts';

/** The queue's filters as a query string carries them (the API's `GET /v1/review/queue` and the queue page). */
export const ZQueueQuery = z.object({
  flag: z.string().regex(/^[A-Z_]{2,40}$/).optional(),
  violation: z.enum(Violation).optional(),
  camera: z.string().min(1).max(64).optional(),
  site: z.string().min(1).max(64).optional(),
});

export type TQueueFilters = {
  flag?: string;
  violation?: Violation;
  camera?: string;
  site?: string;
  limit?: number;
  /** Only these of the officer's queues (the supervisor page lists the escalated ones). */
  queues?: readonly TQueueKind[];
};
export type TQueueItem = TCaseSummary & { claimed: boolean };
export type TQueue = { cases: TQueueItem[]; total: number; flagCounts: Record<string, number> };

const DEFAULT_LIMIT = 100;

/**
 * The cases waiting in the officer's queues (their scope; escalated ones for supervisors),
 * by notice deadline then age, those within 2 days of the deadline marked `dueSoon`;
 * with how many wait under the filters but the flag, per flag (the page's tabs).
 */
export const listQueue = async (db: TDb, p: TPrincipal, filters: TQueueFilters = {}): Promise<TQueue> => {
  const states = queuesOf(p)
    .filter((k) => !filters.queues || filters.queues.includes(k))
    .map((k) => QUEUE_STATE[k]);
  if (states.length === 0) return { cases: [], total: 0, flagCounts: {} };
  const conditions = [
    ...(filters.violation ? [Prisma.sql`c.violation = ${filters.violation}::"Violation"`] : []),
    ...(filters.site ? [Prisma.sql`s.code = ${filters.site}`] : []),
    ...(filters.camera
      ? [Prisma.sql`EXISTS (SELECT 1 FROM camera_event e JOIN camera k ON k.id = e.camera_id WHERE e.case_id = c.id AND k.code = ${filters.camera})`]
      : []),
  ];
  const flagged = filters.flag ? [Prisma.sql`${filters.flag} = ANY(c.flags)`] : [];
  const inScope = [Prisma.sql`c.status::text = ANY(${states}::text[])`, Prisma.sql`c.detecting_agency_id = ANY(${p.scopeAgencyIds}::uuid[])`];
  const from = Prisma.sql`FROM "case" c JOIN site s ON s.id = c.site_id`;
  const whereOf = (parts: Prisma.Sql[]) => Prisma.sql`WHERE ${Prisma.join(parts, ' AND ')}`;
  // In the SQL, not a parameter: see CANDIDATES in claims.ts (a generic plan costing the whole queue is JIT-compiled).
  const limit = Prisma.raw(String(Math.max(1, Math.min(500, Math.trunc(filters.limit ?? DEFAULT_LIMIT)))));
  // The page: per state and agency an ordered scan of the queue index, merged (as claims read them).
  const page = Prisma.sql`
    SELECT q.* FROM unnest(${states}::text[]) AS st(status) CROSS JOIN unnest(${p.scopeAgencyIds}::uuid[]) AS a(id) CROSS JOIN LATERAL (
      SELECT ${SUMMARY_COLUMNS}, coalesce(c.claim_expires_at > now(), false) AS claimed, c.notice_due_at AS due
      ${from} ${whereOf([Prisma.sql`c.status = st.status::"CaseStatus"`, Prisma.sql`c.detecting_agency_id = a.id`, ...conditions, ...flagged])}
      ORDER BY c.notice_due_at, c.created_at LIMIT ${limit}) q
    ORDER BY q.due, q."createdAt" LIMIT ${limit}`;
  const [rows, counts, total] = await Promise.all([
    queryRows<TQueueItem & { due: Date | null }>(db, page),
    queryRows<{ flag: string; n: number }>(db, Prisma.sql`SELECT f AS flag, count(*)::int AS n ${from} CROSS JOIN LATERAL unnest(c.flags) AS f ${whereOf([...inScope, ...conditions])} GROUP BY f`),
    queryRows<{ n: number }>(db, Prisma.sql`SELECT count(*)::int AS n ${from} ${whereOf([...inScope, ...conditions, ...flagged])}`),
  ]);
  const cases = rows.map(({ due: _due, ...c }) => c);
  return { cases, total: total[0]!.n, flagCounts: Object.fromEntries(counts.map((r) => [r.flag, r.n])) };
};
