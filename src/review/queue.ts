import { queryRows, type TDb } from '../db/index.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { Violation } from '../generated/prisma/enums.ts';
import { SUMMARY_COLUMNS, type TCaseSummary } from './case-summary.ts';
import type { TPrincipal } from './principal.ts';
import { QUEUE_STATE, queuesOf } from './rules.ts';

export type TQueueFilters = { flag?: string; violation?: Violation; camera?: string; site?: string; limit?: number };
export type TQueueItem = TCaseSummary & { claimed: boolean };
export type TQueue = { cases: TQueueItem[]; total: number; flagCounts: Record<string, number> };

const DEFAULT_LIMIT = 100;

/**
 * The cases waiting in the officer's queues (their scope; escalated ones for supervisors),
 * by notice deadline then age, those within 2 days of the deadline marked `dueSoon`;
 * with how many wait under the filters but the flag, per flag (the page's tabs).
 */
export const listQueue = async (db: TDb, p: TPrincipal, filters: TQueueFilters = {}): Promise<TQueue> => {
  const states = queuesOf(p).map((k) => QUEUE_STATE[k]);
  if (states.length === 0) return { cases: [], total: 0, flagCounts: {} };
  const where = [
    Prisma.sql`c.status::text = ANY(${states}::text[])`,
    Prisma.sql`c.detecting_agency_id = ANY(${p.scopeAgencyIds}::uuid[])`,
    ...(filters.violation ? [Prisma.sql`c.violation = ${filters.violation}::"Violation"`] : []),
    ...(filters.site ? [Prisma.sql`s.code = ${filters.site}`] : []),
    ...(filters.camera
      ? [Prisma.sql`EXISTS (SELECT 1 FROM camera_event e JOIN camera k ON k.id = e.camera_id WHERE e.case_id = c.id AND k.code = ${filters.camera})`]
      : []),
  ];
  const from = Prisma.sql`FROM "case" c JOIN site s ON s.id = c.site_id`;
  const base = Prisma.sql`${from} WHERE ${Prisma.join(where, ' AND ')}`;
  const flagged = filters.flag ? Prisma.sql`AND ${filters.flag} = ANY(c.flags)` : Prisma.empty;
  const [cases, counts, total] = await Promise.all([
    queryRows<TQueueItem>(
      db,
      Prisma.sql`SELECT ${SUMMARY_COLUMNS}, coalesce(c.claim_expires_at > now(), false) AS claimed ${base} ${flagged}
        ORDER BY c.notice_due_at, c.created_at LIMIT ${filters.limit ?? DEFAULT_LIMIT}`,
    ),
    queryRows<{ flag: string; n: number }>(db, Prisma.sql`SELECT f AS flag, count(*)::int AS n ${from} CROSS JOIN LATERAL unnest(c.flags) AS f WHERE ${Prisma.join(where, ' AND ')} GROUP BY f`),
    queryRows<{ n: number }>(db, Prisma.sql`SELECT count(*)::int AS n ${base} ${flagged}`),
  ]);
  return { cases, total: total[0]!.n, flagCounts: Object.fromEntries(counts.map((r) => [r.flag, r.n])) };
};
