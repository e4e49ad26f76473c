import { Prisma } from '../generated/prisma/client.ts';
import { DUE_SOON_SECONDS } from '../cases/index.ts';

/** A case as the review queue and `next` answer it: what an officer needs to pick it up. */
export type TCaseSummary = {
  id: string;
  status: string;
  plate: string;
  plateRaw: string;
  plateColor: string;
  vehicleClass: string;
  violation: string;
  flags: string[];
  site: string;
  firstCapturedAt: Date;
  eventCount: number;
  noticeDueAt: Date | null;
  /** Within 2 days of the notice deadline (or past it). */
  dueSoon: boolean;
  fineMin: number | null;
  fineMax: number | null;
  /** The proposed amount; the amount a first reviewer approved is not shown (QA is blind). */
  fineAmount: number | null;
  points: number | null;
  legalBasis: string | null;
  createdAt: Date;
};


/** The select list of TCaseSummary over `c` (case) and `s` (site). */
export const SUMMARY_COLUMNS = Prisma.raw(`c.id::text AS id, c.status::text AS status, c.plate, c.plate_raw AS "plateRaw", c.plate_color::text AS "plateColor",
  c.vehicle_class::text AS "vehicleClass", c.violation::text AS violation, c.flags, s.code AS site, c.first_captured_at AS "firstCapturedAt",
  c.event_count AS "eventCount", c.notice_due_at AS "noticeDueAt", coalesce(c.notice_due_at < now() + interval '${DUE_SOON_SECONDS} seconds', false) AS "dueSoon",
  c.fine_min AS "fineMin", c.fine_max AS "fineMax", c.fine_amount AS "fineAmount", c.points, c.legal_basis AS "legalBasis", c.created_at AS "createdAt"`);
