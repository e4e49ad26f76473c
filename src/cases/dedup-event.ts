import type { TDb } from '../db/client.ts';
import { appendAudit } from '../audit/index.ts';
import { parsePlate } from '../plates/index.ts';
import { nextStageRow } from '../queues/outbox-row.ts';
import { FLAGS } from './flags.ts';

export type TDedupOutcome =
  | { kind: 'opened'; caseId: string }
  | { kind: 'merged'; caseId: string }
  | { kind: 'rejected'; reason: string }
  | { kind: 'already-done' }
  | { kind: 'missing' };

type TEventRow = {
  id: string;
  status: string;
  captured_at: Date;
  violation: string;
  vehicle_class: string;
  plate_raw: string;
  plate_color: string;
  plate_confidence: number;
  site_id: string;
  agency: string;
};

export type TDedupOptions = { windowSeconds: number; confidenceThreshold: number };

const ACTOR = 'system:dedup';

/**
 * Merges a camera event into the open case of the same act (same normalised plate, same
 * violation, same site, captured within `windowSeconds` of the case's captures), or
 * opens a new case. One transaction: the event row is locked, then an advisory lock on
 * the act's key serialises concurrent workers seeing the same act, so two events of one
 * act never open two cases. An event that is no longer RECEIVED was handled by an
 * earlier run of this job: nothing changes. A new case is handed to the owner stage
 * through the outbox, in the same transaction.
 *
 * A case is flagged LOW_CONFIDENCE_READ while none of its captures read the plate with
 * at least `confidenceThreshold`; a confident capture merged later lifts the flag.
 */
export const dedupEvent = async (db: TDb, eventId: string, { windowSeconds, confidenceThreshold }: TDedupOptions): Promise<TDedupOutcome> =>
  db.$transaction(async (tx) => {
    const [ev] = await tx.$queryRaw<TEventRow[]>`
      SELECT e.id::text, e.status::text, e.captured_at, e.violation::text, e.vehicle_class::text, e.plate_raw,
             e.plate_color::text, e.plate_confidence, c.site_id::text, c.agency
      FROM camera_event e JOIN camera c ON c.id = e.camera_id
      WHERE e.id = ${eventId}::uuid FOR UPDATE OF e`;
    if (!ev) return { kind: 'missing' };
    if (ev.status !== 'RECEIVED') return { kind: 'already-done' };

    const parsed = parsePlate(ev.plate_raw);
    if (!parsed.ok) {
      await tx.cameraEvent.update({ where: { id: ev.id }, data: { status: 'REJECTED', rejectReason: 'INVALID_PLATE' } });
      await appendAudit(tx, { actor: ACTOR, entityType: 'camera_event', entityId: ev.id, action: 'event.reject', fromState: 'RECEIVED', toState: 'REJECTED', reason: `INVALID_PLATE: ${parsed.reason}` });
      return { kind: 'rejected', reason: 'INVALID_PLATE' };
    }
    const plate = parsed.plate.normalised;
    const actKey = `${plate}|${ev.violation}|${ev.site_id}`;
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${actKey}, 0))`;

    const [open] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM "case"
      WHERE plate = ${plate} AND violation = ${ev.violation}::"Violation" AND site_id = ${ev.site_id}::uuid
        AND first_captured_at - ${windowSeconds} * interval '1 second' <= ${ev.captured_at}
        AND last_captured_at + ${windowSeconds} * interval '1 second' >= ${ev.captured_at}
      ORDER BY first_captured_at LIMIT 1 FOR UPDATE`;

    const confident = ev.plate_confidence >= confidenceThreshold;
    if (open) {
      await tx.$executeRaw`
        UPDATE "case" SET first_captured_at = least(first_captured_at, ${ev.captured_at}),
          last_captured_at = greatest(last_captured_at, ${ev.captured_at}), event_count = event_count + 1, updated_at = now(),
          flags = CASE WHEN ${confident} THEN array_remove(flags, ${FLAGS.LOW_CONFIDENCE_READ}) ELSE flags END
        WHERE id = ${open.id}::uuid`;
      await markEvent(tx, ev.id, 'MERGED', open.id, plate);
      return { kind: 'merged', caseId: open.id };
    }

    const created = await tx.case.create({
      data: {
        plate,
        plateRaw: ev.plate_raw,
        plateColor: ev.plate_color as never,
        violation: ev.violation as never,
        vehicleClass: ev.vehicle_class as never,
        siteId: ev.site_id,
        firstCapturedAt: ev.captured_at,
        lastCapturedAt: ev.captured_at,
        detectingUnit: ev.agency,
        flags: confident ? [] : [FLAGS.LOW_CONFIDENCE_READ],
      },
      select: { id: true },
    });
    await appendAudit(tx, {
      actor: ACTOR,
      entityType: 'case',
      entityId: created.id,
      action: 'case.open',
      toState: 'DETECTED',
      reason: confident ? 'first capture of this act' : `first capture; plate read with confidence ${ev.plate_confidence} < ${confidenceThreshold}`,
      data: { eventId: ev.id },
    });
    await tx.outboxMessage.createMany({ data: [nextStageRow('owner', created.id)] });
    await markEvent(tx, ev.id, 'OPENED_CASE', created.id, plate);
    return { kind: 'opened', caseId: created.id };
  });

type TTx = Parameters<Parameters<TDb['$transaction']>[0]>[0];

const markEvent = async (tx: TTx, id: string, status: 'MERGED' | 'OPENED_CASE', caseId: string, plate: string) => {
  // Compare-and-set: only a RECEIVED event moves; the row lock above makes this certain.
  const moved = await tx.cameraEvent.updateMany({ where: { id, status: 'RECEIVED' }, data: { status, caseId, plate } });
  if (moved.count !== 1) throw new Error(`event ${id} left RECEIVED during dedup`);
  await appendAudit(tx, { actor: ACTOR, entityType: 'camera_event', entityId: id, action: 'event.dedup', fromState: 'RECEIVED', toState: status, data: { caseId } });
};
