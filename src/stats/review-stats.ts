import { officerNames } from '../accounts/index.ts';
import { describeCameras } from '../cameras/index.ts';
import { queryRows, type TDb } from '../db/index.ts';
import { caseCamerasSql } from '../events/index.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { decisionFactsSql } from '../review/index.ts';
import type { TDay } from '../clock/index.ts';
import type { TStatsRange } from './date-range.ts';

/** A camera's reject rate is shown once this many of its cases were settled in the range: fewer say little. */
export const DEFAULT_MIN_SETTLED = 20;

export type TReviewerStats = {
  officerId: string;
  username: string;
  fullName: string;
  decisions: number;
  /** Days of the range with at least one decision. */
  activeDays: number;
  /** Decisions per active day. */
  perDay: number;
  approvals: number;
  rejections: number;
  /** Median seconds from claiming a case to deciding it; null when no claim is known. */
  medianSeconds: number | null;
};

export type TCameraStats = {
  cameraId: string;
  code: string;
  /** Cases settled by review (approved or rejected) in the range whose captures are the camera's. */
  settled: number;
  rejected: number;
  /** rejected / settled, or null below the minimum count. */
  rate: number | null;
};

export type TReviewStats = {
  range: { from: TDay; to: TDay; days: TDay[] };
  reviewers: TReviewerStats[];
  /** Decisions per reviewer per Vietnam day (days without any are absent). */
  daily: { officerId: string; day: TDay; decisions: number }[];
  /** Rejections that settled a case, by reason code, most frequent first. */
  rejectReasons: { code: string; count: number }[];
  /** Blind second reviews, those that disagreed with the first decision, and their share. */
  qa: { reviews: number; disagreements: number; rate: number | null };
  /** Highest reject rate first; cameras under the minimum count after them. */
  cameras: TCameraStats[];
  minSettled: number;
};

/** Vietnam's calendar day of a timestamptz column (UTC+7, no daylight saving). */
const vnDay = (col: string) => Prisma.raw(`to_char(${col} AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')`);
const SETTLED = Prisma.raw(`('APPROVED', 'REJECTED')`);

/**
 * The supervisor's figures over decisions made in the range on cases in `scopeAgencyIds`
 * (the supervisor's agency and those below it). A decision settles a case when it moves
 * it to APPROVED or REJECTED; a case is settled once (an escalation or a QA sample is
 * decided again, by another officer, and only that last decision settles it), so the
 * reject rates count cases, not decisions. Each figure is one aggregate query over
 * src/review's decision facts.
 */
export const reviewStats = async (
  db: TDb,
  scopeAgencyIds: readonly string[],
  range: TStatsRange,
  opts: { minSettled?: number } = {},
): Promise<TReviewStats> => {
  const minSettled = opts.minSettled ?? DEFAULT_MIN_SETTLED;
  const d = Prisma.sql`(${decisionFactsSql(scopeAgencyIds, range.start, range.end)}) d`;
  const [reviewers, daily, reasons, qa, cameras] = await Promise.all([
    queryRows<Omit<TReviewerStats, 'username' | 'fullName' | 'perDay'>>(
      db,
      Prisma.sql`SELECT d.officer_id::text AS "officerId", count(*)::int AS decisions, count(DISTINCT ${vnDay('d.at')})::int AS "activeDays",
        count(*) FILTER (WHERE d.kind = 'APPROVE')::int AS approvals, count(*) FILTER (WHERE d.kind = 'REJECT')::int AS rejections,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.at - d.claimed_at)) AS "medianSeconds"
      FROM ${d} GROUP BY d.officer_id`,
    ),
    queryRows<TReviewStats['daily'][number]>(
      db,
      Prisma.sql`SELECT d.officer_id::text AS "officerId", ${vnDay('d.at')} AS day, count(*)::int AS decisions FROM ${d} GROUP BY 1, 2 ORDER BY 2, 1`,
    ),
    queryRows<{ code: string; count: number }>(
      db,
      Prisma.sql`SELECT coalesce(d.reason_code, 'OTHER') AS code, count(*)::int AS count FROM ${d}
        WHERE d.kind = 'REJECT' AND d.to_state = 'REJECTED' GROUP BY 1 ORDER BY 2 DESC, 1`,
    ),
    queryRows<{ reviews: number; disagreements: number }>(
      db,
      Prisma.sql`SELECT count(*)::int AS reviews, count(*) FILTER (WHERE d.qa_disagrees)::int AS disagreements FROM ${d} WHERE d.qa`,
    ),
    queryRows<{ cameraId: string; settled: number; rejected: number }>(
      db,
      Prisma.sql`SELECT k.camera_id::text AS "cameraId", count(*)::int AS settled, count(*) FILTER (WHERE d.to_state = 'REJECTED')::int AS rejected
        FROM ${d} CROSS JOIN LATERAL (${caseCamerasSql(Prisma.sql`d.case_id`)}) k
        WHERE d.to_state IN ${SETTLED} GROUP BY 1`,
    ),
  ]);
  const [names, described] = await Promise.all([
    officerNames(db, reviewers.map((r) => r.officerId)),
    describeCameras(db, { cameraIds: cameras.map((c) => c.cameraId), siteIds: [] }),
  ]);
  const q = qa[0] ?? { reviews: 0, disagreements: 0 };
  const cameraStats = cameras.map(
    (c): TCameraStats => ({ ...c, code: described.cameras.get(c.cameraId)?.code ?? c.cameraId, rate: c.settled >= minSettled ? c.rejected / c.settled : null }),
  );
  return {
    range: { from: range.from, to: range.to, days: range.days },
    reviewers: reviewers
      .map((r) => ({
        ...r,
        ...(names.get(r.officerId) ?? { username: r.officerId, fullName: '' }),
        perDay: r.activeDays ? r.decisions / r.activeDays : 0,
        medianSeconds: r.medianSeconds === null ? null : Number(r.medianSeconds),
      }))
      .sort((a, b) => b.decisions - a.decisions || a.username.localeCompare(b.username)),
    daily,
    rejectReasons: reasons,
    qa: { ...q, rate: q.reviews ? q.disagreements / q.reviews : null },
    cameras: cameraStats.sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1) || b.settled - a.settled || a.code.localeCompare(b.code)),
    minSettled,
  };
};
