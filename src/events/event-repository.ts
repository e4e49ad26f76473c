import type { TDb } from '../db/client.ts';
import type { TAuditRow } from '../audit/index.ts';
import type { TCameraEvent } from './camera-event.schema.ts';

export type TStoredEvidence = { position: number; kind: string; contentType: string; sha256: string; sizeBytes: number };

export type TNewEvent = {
  id: string;
  cameraId: string;
  payloadSha256: string;
  capturedAt: Date;
  event: TCameraEvent;
  evidence: TStoredEvidence[];
  status: 'RECEIVED' | 'REJECTED';
  rejectReason: string | null;
  outbox: { queue: string; jobId: string; payload: unknown } | null;
  audit: TAuditRow;
};

/**
 * Stores events, their evidence rows, their audit entries and (for those that go on)
 * their outbox rows in ONE statement, hence one transaction and one round trip for the
 * whole batch. An event whose (camera, eventId) is already stored is skipped with all its
 * dependent rows. Returns the ids of the events inserted now.
 */
export const insertEvents = async (db: TDb, events: TNewEvent[]): Promise<Set<string>> => {
  const col = <T>(f: (e: TNewEvent) => T) => events.map(f);
  const evidence = events.flatMap((e) => e.evidence.map((x) => ({ eventId: e.id, ...x })));
  const outbox = events.filter((e) => e.outbox !== null);
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH input AS (
      SELECT * FROM unnest(
        ${col((e) => e.id)}::uuid[], ${col((e) => e.cameraId)}::uuid[], ${col((e) => e.event.eventId)}::text[],
        ${col((e) => e.payloadSha256)}::text[], ${col((e) => e.capturedAt.toISOString())}::timestamptz[],
        ${col((e) => e.event.violation)}::"Violation"[], ${col((e) => e.event.vehicleClass)}::"VehicleClass"[],
        ${col((e) => e.event.plate.text)}::text[], ${col((e) => e.event.plate.confidence)}::float8[],
        ${col((e) => e.event.plate.color)}::"PlateColor"[], ${col((e) => e.event.speed?.measuredKmh ?? null)}::int[],
        ${col((e) => e.event.speed?.limitKmh ?? null)}::int[], ${col((e) => e.event.lane ?? null)}::text[],
        ${col((e) => e.event.signalPhase ?? null)}::text[], ${col((e) => e.event.passengerCount ?? null)}::int[],
        ${col((e) => e.event.location?.lat ?? null)}::float8[], ${col((e) => e.event.location?.lng ?? null)}::float8[],
        ${col((e) => e.event.location?.description ?? null)}::text[], ${col((e) => e.status)}::"EventStatus"[],
        ${col((e) => e.rejectReason)}::text[]
      ) AS t(id, camera_id, device_event_id, payload_sha256, captured_at, violation, vehicle_class, plate_raw,
             plate_confidence, plate_color, speed_measured_kmh, speed_limit_kmh, lane, signal_phase, passenger_count,
             latitude, longitude, location_description, status, reject_reason)
    ), ev AS (
      INSERT INTO camera_event (id, camera_id, device_event_id, payload_sha256, captured_at, violation, vehicle_class,
        plate_raw, plate_confidence, plate_color, speed_measured_kmh, speed_limit_kmh, lane, signal_phase, passenger_count,
        latitude, longitude, location_description, status, reject_reason)
      SELECT * FROM input
      ON CONFLICT (camera_id, device_event_id) DO NOTHING
      RETURNING id
    ), evidence_rows AS (
      INSERT INTO evidence (id, event_id, position, kind, content_type, sha256, size_bytes)
      SELECT gen_random_uuid(), x.event_id, x.position, x.kind, x.content_type, x.sha256, x.size_bytes
      FROM unnest(${evidence.map((x) => x.eventId)}::uuid[], ${evidence.map((x) => x.position)}::int[],
        ${evidence.map((x) => x.kind)}::text[], ${evidence.map((x) => x.contentType)}::text[],
        ${evidence.map((x) => x.sha256)}::text[], ${evidence.map((x) => x.sizeBytes)}::int[])
        AS x(event_id, position, kind, content_type, sha256, size_bytes)
      JOIN ev ON ev.id = x.event_id
    ), outbox_rows AS (
      INSERT INTO outbox_message (queue, job_id, payload)
      SELECT x.queue, x.job_id, x.payload
      FROM unnest(${outbox.map((e) => e.id)}::uuid[], ${outbox.map((e) => e.outbox!.queue)}::text[],
        ${outbox.map((e) => e.outbox!.jobId)}::text[], ${outbox.map((e) => JSON.stringify(e.outbox!.payload))}::jsonb[])
        AS x(event_id, queue, job_id, payload)
      JOIN ev ON ev.id = x.event_id
    ), audit_rows AS (
      INSERT INTO audit_entry (at, actor, entity_type, entity_id, action, from_state, to_state, reason, data, prev_hash, hash)
      SELECT x.at, x.actor, x.entity_type, x.entity_id, x.action, x.from_state, x.to_state, x.reason, x.data, x.prev_hash, x.hash
      FROM unnest(${col((e) => e.id)}::uuid[], ${col((e) => e.audit.at.toISOString())}::timestamptz[],
        ${col((e) => e.audit.actor)}::text[], ${col((e) => e.audit.entityType)}::text[], ${col((e) => e.audit.entityId)}::text[],
        ${col((e) => e.audit.action)}::text[], ${col((e) => e.audit.fromState ?? null)}::text[],
        ${col((e) => e.audit.toState ?? null)}::text[], ${col((e) => e.audit.reason ?? null)}::text[],
        ${col((e) => JSON.stringify(e.audit.data ?? null))}::jsonb[], ${col((e) => e.audit.prevHash)}::text[],
        ${col((e) => e.audit.hash)}::text[])
        AS x(event_id, at, actor, entity_type, entity_id, action, from_state, to_state, reason, data, prev_hash, hash)
      JOIN ev ON ev.id = x.event_id
    )
    SELECT id::text FROM ev`;
  return new Set(rows.map((r) => r.id));
};

export const findByDeviceEventId = (db: TDb, cameraId: string, deviceEventId: string) =>
  db.cameraEvent.findUnique({
    where: { cameraId_deviceEventId: { cameraId, deviceEventId } },
    select: { id: true, payloadSha256: true, status: true, rejectReason: true },
  });
