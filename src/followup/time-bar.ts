import { CASE_MACHINE, CLAIM_RELEASED, UNRESOLVED } from '../cases/index.ts';
import { limitationEnds, PERIODS } from '../clock/index.ts';
import type { TDb } from '../db/index.ts';
import type { CaseStatus } from '../generated/prisma/enums.ts';
import { moveEntities } from '../workflow/index.ts';
import { liftEscalations, type TLiftReport } from './lift-escalations.ts';
import { DEADLINES_ACTOR } from './overdue.ts';

type TCandidate = { id: string; status: (typeof UNRESOLVED)[number]; firstCapturedAt: Date; limitationEndsAt: Date | null };

export type TTimeBarReport = { timeBarred: number; byState: Partial<Record<CaseStatus, number>> } & TLiftReport;

/** The end of a case's limitation: as the fine stage recorded it, else from the first capture. */
const limitationEnd = (c: TCandidate): Date => c.limitationEndsAt ?? limitationEnds(c.firstCapturedAt).at;

/**
 * Unresolved cases whose 1-year limitation (Decree 168/2024 Art 4.1) ended before `now`
 * move to TIME_BARRED: "no longer usable" (Art 4.2), audited with the basis. A case in
 * review loses its claim (the officer's next decision finds it moved: 409); escalations of
 * an OVERDUE case are lifted in the same transaction. The SQL picks candidates by an early
 * estimate (a year less a day after the capture: never later than the true end, whatever
 * the time zone and 29 February do), the exact end comes from src/clock. Oldest first, at
 * most `batch` per run; candidates not past yet are the youngest, so none is skipped.
 */
export const timeBarCases = async (db: TDb, opts: { now: Date; batch: number }): Promise<TTimeBarReport> => {
  const rows = await db.$queryRaw<TCandidate[]>`
    SELECT id::text, status::text AS status, first_captured_at AS "firstCapturedAt", limitation_ends_at AS "limitationEndsAt"
    FROM "case"
    WHERE status::text = ANY(${[...UNRESOLVED]}::text[])
      AND coalesce(limitation_ends_at, first_captured_at + interval '1 year' - interval '1 day') < ${opts.now}
    ORDER BY coalesce(limitation_ends_at, first_captured_at + interval '1 year' - interval '1 day') LIMIT ${opts.batch}`;
  const past = rows.filter((c) => opts.now.getTime() > limitationEnd(c).getTime());
  if (past.length === 0) return { timeBarred: 0, byState: {}, liftRequested: 0, withdrawn: 0 };
  return db.$transaction(async (tx) => {
    const byState: Partial<Record<CaseStatus, number>> = {};
    const moved: string[] = [];
    for (const status of UNRESOLVED) {
      const group = past.filter((c) => c.status === status);
      const ids = await moveEntities(tx, CASE_MACHINE, {
        path: [status, 'TIME_BARRED'],
        rows: group,
        id: (c) => c.id,
        actor: DEADLINES_ACTOR,
        set: CLAIM_RELEASED,
        why: (c) => ({
          reason: 'the 1-year limitation ended: the capture can no longer be used',
          data: { basis: PERIODS.limitation.basis, limitationEndsAt: limitationEnd(c).toISOString() },
        }),
      });
      if (ids.size > 0) byState[status] = ids.size;
      moved.push(...ids);
    }
    const lifted = await liftEscalations(tx, moved, { actor: DEADLINES_ACTOR, cause: 'TIME_BARRED' });
    return { timeBarred: moved.length, byState, ...lifted };
  });
};
