import type { EventStatus, PlateColor, VehicleClass, Violation } from '../generated/prisma/enums.ts';
import type { TTx } from '../db/index.ts';
import { moveEntities } from '../workflow/index.ts';
import { EVENT_MACHINE } from './event-machine.ts';

/** An event as the dedup stage reads it. */
export type TEventForDedup = {
  id: string;
  status: EventStatus;
  captured_at: Date;
  violation: Violation;
  vehicle_class: VehicleClass;
  plate_raw: string;
  /** NULL on events stored before ingest parsed plates. */
  plate: string | null;
  plate_format: string | null;
  plate_uncertain: string | null;
  plate_color: PlateColor;
  plate_confidence: number;
  site_id: string;
  detecting_unit: string;
  /** NULL on events stored before agencies were data. */
  detecting_agency_id: string | null;
};

/**
 * Reads the events and locks them (in id order, so concurrent batches never deadlock) for
 * the rest of the caller's transaction: a second worker with the same events waits, then
 * sees them settled.
 */
export const lockEventsForDedup = (tx: TTx, ids: readonly string[]): Promise<TEventForDedup[]> =>
  tx.$queryRaw<TEventForDedup[]>`
    SELECT id::text, status, captured_at, violation, vehicle_class, plate_raw, plate, plate_format, plate_uncertain, plate_color,
      plate_confidence, site_id::text, detecting_unit, detecting_agency_id::text
    FROM camera_event WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;

export type TEventSettlement =
  | { id: string; to: 'OPENED_CASE' | 'MERGED'; caseId: string; plate: string; plateFormat: string }
  | { id: string; to: 'REJECTED'; reason: string };

/**
 * Moves RECEIVED events to where dedup put them (a case opened or merged into, or
 * rejected), each move a compare-and-set with its audit entry. Returns the ids moved.
 */
export const settleEvents = async (tx: TTx, settlements: readonly TEventSettlement[]): Promise<Set<string>> => {
  const moved = new Set<string>();
  for (const to of ['OPENED_CASE', 'MERGED'] as const) {
    const rows = settlements.filter((s): s is Extract<TEventSettlement, { caseId: string }> => s.to === to);
    for (const id of await moveEntities(tx, EVENT_MACHINE, {
      path: ['RECEIVED', to],
      rows,
      id: (s) => s.id,
      why: (s) => ({ reason: to === 'OPENED_CASE' ? 'first capture of this act' : 'another capture of an open case', data: { caseId: s.caseId } }),
      set: { case_id: ['uuid', (s) => s.caseId], plate: ['text', (s) => s.plate], plate_format: ['text', (s) => s.plateFormat] },
    })) moved.add(id);
  }
  const rejected = settlements.filter((s): s is Extract<TEventSettlement, { to: 'REJECTED' }> => s.to === 'REJECTED');
  for (const id of await moveEntities(tx, EVENT_MACHINE, {
    path: ['RECEIVED', 'REJECTED'],
    rows: rejected,
    id: (s) => s.id,
    why: (s) => ({ reason: `INVALID_PLATE: ${s.reason}` }),
    set: { reject_reason: ['text', () => 'INVALID_PLATE'] },
  })) moved.add(id);
  return moved;
};

/** Per case, the readings most favourable to the owner when its captures disagree. */
export type TCaseMeasurements = { case_id: string; speed_over: number | null; passengers: number | null };

export const caseMeasurements = (tx: TTx, caseIds: readonly string[]): Promise<TCaseMeasurements[]> =>
  tx.$queryRaw<TCaseMeasurements[]>`
    SELECT case_id::text, min(speed_measured_kmh - speed_limit_kmh) AS speed_over, min(passenger_count) AS passengers
    FROM camera_event WHERE case_id = ANY(${caseIds}::uuid[]) GROUP BY case_id`;
