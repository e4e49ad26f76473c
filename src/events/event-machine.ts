import type { EventStatus } from '../generated/prisma/enums.ts';
import { QUEUES } from '../queues/index.ts';
import { Machine } from '../workflow/index.ts';

/**
 * A camera event's transition table: a camera creates it RECEIVED (or REJECTED when its
 * calibration certificate had expired at capture time); the dedup stage merges it into a
 * case, opens one, or rejects it.
 */
export const EVENT_MACHINE = new Machine<EventStatus>({
  entity: 'camera_event',
  table: 'camera_event',
  statusType: '"EventStatus"',
  transitions: [
    { from: null, to: 'RECEIVED', by: { party: 'camera' }, action: 'event.receive' },
    { from: null, to: 'REJECTED', by: { party: 'camera' }, action: 'event.receive' },
    { from: 'RECEIVED', to: 'OPENED_CASE', by: { stage: QUEUES.dedup }, action: 'event.dedup' },
    { from: 'RECEIVED', to: 'MERGED', by: { stage: QUEUES.dedup }, action: 'event.dedup' },
    { from: 'RECEIVED', to: 'REJECTED', by: { stage: QUEUES.dedup }, action: 'event.reject' },
  ],
});
