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
 * Stores an event, its evidence rows, its audit entry and (when it goes on) its outbox
 * row in ONE statement, hence one transaction and one round trip. Returns false when the
 * camera already sent this eventId; then nothing is written.
 */
export const insertEvent = async (db: TDb, e: TNewEvent): Promise<boolean> => {
  const ev = e.event;
  const a = e.audit;
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH ev AS (
      INSERT INTO camera_event (id, camera_id, device_event_id, payload_sha256, captured_at, violation,
        vehicle_class, plate_raw, plate_confidence, plate_color, speed_measured_kmh, speed_limit_kmh, lane,
        signal_phase, passenger_count, latitude, longitude, location_description, status, reject_reason)
      VALUES (${e.id}::uuid, ${e.cameraId}::uuid, ${ev.eventId}, ${e.payloadSha256}, ${e.capturedAt},
        ${ev.violation}::"Violation", ${ev.vehicleClass}::"VehicleClass", ${ev.plate.text}, ${ev.plate.confidence},
        ${ev.plate.color}::"PlateColor", ${ev.speed?.measuredKmh ?? null}::int, ${ev.speed?.limitKmh ?? null}::int,
        ${ev.lane ?? null}, ${ev.signalPhase ?? null}, ${ev.passengerCount ?? null}::int, ${ev.location?.lat ?? null}::float8,
        ${ev.location?.lng ?? null}::float8, ${ev.location?.description ?? null}, ${e.status}::"EventStatus", ${e.rejectReason})
      ON CONFLICT (camera_id, device_event_id) DO NOTHING
      RETURNING id
    ), evidence_rows AS (
      INSERT INTO evidence (id, event_id, position, kind, content_type, sha256, size_bytes)
      SELECT gen_random_uuid(), ev.id, x.position, x.kind, x.content_type, x.sha256, x.size_bytes
      FROM ev, unnest(${e.evidence.map((x) => x.position)}::int[], ${e.evidence.map((x) => x.kind)}::text[],
        ${e.evidence.map((x) => x.contentType)}::text[], ${e.evidence.map((x) => x.sha256)}::text[],
        ${e.evidence.map((x) => x.sizeBytes)}::int[]) AS x(position, kind, content_type, sha256, size_bytes)
    ), outbox_rows AS (
      INSERT INTO outbox_message (queue, job_id, payload)
      SELECT ${e.outbox?.queue ?? ''}, ${e.outbox?.jobId ?? ''}, ${JSON.stringify(e.outbox?.payload ?? null)}::jsonb
      FROM ev WHERE ${e.outbox !== null}
    ), audit_rows AS (
      INSERT INTO audit_entry (at, actor, entity_type, entity_id, action, from_state, to_state, reason, data, prev_hash, hash)
      SELECT ${a.at}, ${a.actor}, ${a.entityType}, ${a.entityId}, ${a.action}, ${a.fromState ?? null}, ${a.toState ?? null},
        ${a.reason ?? null}, ${JSON.stringify(a.data ?? null)}::jsonb, ${a.prevHash}, ${a.hash}
      FROM ev
    )
    SELECT id::text FROM ev`;
  return rows.length === 1;
};

export const findByDeviceEventId = (db: TDb, cameraId: string, deviceEventId: string) =>
  db.cameraEvent.findUnique({
    where: { cameraId_deviceEventId: { cameraId, deviceEventId } },
    select: { id: true, payloadSha256: true, status: true, rejectReason: true },
  });
