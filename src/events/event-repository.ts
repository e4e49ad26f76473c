import type { EventStatus } from '../generated/prisma/enums.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { queryRows, unnestSql, type TDb, type TTx } from '../db/index.ts';
import { enterSql } from '../workflow/index.ts';
import type { TCameraEvent } from './camera-event.schema.ts';
import { EVENT_MACHINE } from './event-machine.ts';

export type TStoredEvidence = { position: number; kind: string; contentType: string; sha256: string; sizeBytes: number };

export type TNewEvent = {
  id: string;
  cameraId: string;
  cameraCode: string;
  siteId: string;
  detectingUnit: string;
  detectingAgencyId: string;
  payloadSha256: string;
  capturedAt: Date;
  event: TCameraEvent;
  plate: { normalised: string; format: string; uncertain: string | null };
  evidence: TStoredEvidence[];
  status: Extract<EventStatus, 'RECEIVED' | 'REJECTED'>;
  rejectReason: string | null;
};

/**
 * Stores events, their evidence rows, their first audit entries and (for those that go
 * on) their outbox rows in ONE statement, hence one transaction and one round trip for
 * the whole batch. An event whose (camera, eventId) is already stored is skipped with all
 * its dependent rows. Returns the ids of the events inserted now.
 */
export const insertEvents = async (db: TDb, events: TNewEvent[]): Promise<Set<string>> => {
  const evidence = events.flatMap((e) => e.evidence.map((x) => ({ eventId: e.id, ...x })));
  const input = unnestSql(events, {
    id: ['uuid', (e) => e.id],
    camera_id: ['uuid', (e) => e.cameraId],
    device_event_id: ['text', (e) => e.event.eventId],
    payload_sha256: ['text', (e) => e.payloadSha256],
    captured_at: ['timestamptz', (e) => e.capturedAt],
    violation: ['"Violation"', (e) => e.event.violation],
    vehicle_class: ['"VehicleClass"', (e) => e.event.vehicleClass],
    plate_raw: ['text', (e) => e.event.plate.text],
    plate: ['text', (e) => e.plate.normalised],
    plate_format: ['text', (e) => e.plate.format],
    plate_uncertain: ['text', (e) => e.plate.uncertain],
    plate_confidence: ['float8', (e) => e.event.plate.confidence],
    plate_color: ['"PlateColor"', (e) => e.event.plate.color],
    speed_measured_kmh: ['int', (e) => e.event.speed?.measuredKmh],
    speed_limit_kmh: ['int', (e) => e.event.speed?.limitKmh],
    lane: ['text', (e) => e.event.lane],
    signal_phase: ['text', (e) => e.event.signalPhase],
    passenger_count: ['int', (e) => e.event.passengerCount],
    latitude: ['float8', (e) => e.event.location?.lat],
    longitude: ['float8', (e) => e.event.location?.lng],
    location_description: ['text', (e) => e.event.location?.description],
    site_id: ['uuid', (e) => e.siteId],
    detecting_unit: ['text', (e) => e.detectingUnit],
    detecting_agency_id: ['uuid', (e) => e.detectingAgencyId],
    status: ['"EventStatus"', (e) => e.status],
    reject_reason: ['text', (e) => e.rejectReason],
  });
  const evidenceInput = unnestSql(evidence, {
    event_id: ['uuid', (x) => x.eventId],
    position: ['int', (x) => x.position],
    kind: ['text', (x) => x.kind],
    content_type: ['text', (x) => x.contentType],
    sha256: ['text', (x) => x.sha256],
    size_bytes: ['int', (x) => x.sizeBytes],
  }, 'x');
  // Straight on pg (queryRows): at a few events per batch Prisma's per-call cost was
  // most of the statement's CPU in this process.
  const rows = await queryRows<{ id: string }>(db, Prisma.sql`
    WITH input AS (SELECT * FROM ${input}),
    ev AS (
      INSERT INTO camera_event (id, camera_id, device_event_id, payload_sha256, captured_at, violation, vehicle_class,
        plate_raw, plate, plate_format, plate_uncertain, plate_confidence, plate_color, speed_measured_kmh, speed_limit_kmh, lane, signal_phase,
        passenger_count, latitude, longitude, location_description, site_id, detecting_unit, detecting_agency_id, status, reject_reason)
      SELECT * FROM input
      ON CONFLICT (camera_id, device_event_id) DO NOTHING
      RETURNING id, status
    ), evidence_rows AS (
      INSERT INTO evidence (id, event_id, position, kind, content_type, sha256, size_bytes)
      SELECT gen_random_uuid(), x.* FROM ${evidenceInput} JOIN ev ON ev.id = x.event_id
    )${enterSql(EVENT_MACHINE, {
      cte: 'ev',
      rows: events,
      id: (e) => e.id,
      state: (e) => e.status,
      actor: (e) => `camera:${e.cameraCode}`,
      why: (e) => ({ reason: e.rejectReason }),
    })}
    SELECT id::text FROM ev`);
  return new Set(rows.map((r) => r.id));
};

export const findByDeviceEventId = (db: TDb, cameraId: string, deviceEventId: string) =>
  db.cameraEvent.findUnique({
    where: { cameraId_deviceEventId: { cameraId, deviceEventId } },
    select: { id: true, payloadSha256: true, status: true, rejectReason: true },
  });

/** Which of these content hashes evidence rows still refer to (for the content store's sweep). */
export const referencedEvidence = async (tx: TTx, sha256s: string[]): Promise<Set<string>> => {
  const rows = await tx.$queryRaw<{ sha256: string }[]>`SELECT DISTINCT sha256 FROM evidence WHERE sha256 = ANY(${sha256s}::text[])`;
  return new Set(rows.map((r) => r.sha256));
};

