import { createHash } from 'node:crypto';

// Queue names and job ids are built here and nowhere else. BullMQ job ids must not
// contain ':' nor be all digits, hence the prefixes.

/** The stage queues: their jobs carry pipeline entities (events or cases) from the outbox. */
export const QUEUES = {
  dedup: 'dedup',
  owner: 'owner',
  fine: 'fine',
  /** Approved cases: number the notice, render and store its PDF (src/notices). */
  notice: 'notice',
  /** Deliveries: send a notice on one channel, exactly once (src/dispatch). */
  dispatch: 'dispatch',
  /** Escalations: deliver a hold to the registries after the 20-day period, and lift it (src/followup). */
  escalation: 'escalation',
} as const;

export type TStageQueue = (typeof QUEUES)[keyof typeof QUEUES];
export const STAGE_QUEUES: readonly TStageQueue[] = [QUEUES.dedup, QUEUES.owner, QUEUES.fine, QUEUES.notice, QUEUES.dispatch, QUEUES.escalation];

/** Each housekeeping task has a queue of its own, so a long run of one never holds up another. */
export const maintenanceQueue = (task: string) => `maintenance-${task}`;

/** The housekeeping tasks src/compose.ts schedules, each on its maintenance queue (the queue dashboard lists them). */
export const MAINTENANCE_TASKS = ['reconcile', 'sweep-evidence', 'expire-review-claims', 'reassess-stale', 'audit-checkpoint', 'deadlines', 'post-batch'] as const;
export type TMaintenanceTaskName = (typeof MAINTENANCE_TASKS)[number];

export const jobIds = {
  /**
   * A stage job is named by the outbox rows it carries: first and last id, and a hash of
   * them all (rows skipped by another relay or postponed can make two jobs with the same
   * first and last row). The same rows sent twice (the relay crashed before deleting
   * them) are the same job, which BullMQ ignores while it holds it; a new hand-over of an
   * entity (a re-drive) is a new row, hence a new job, even while a failed one is kept.
   */
  rows: (queue: TStageQueue, rowIds: readonly bigint[]) =>
    `${queue}-rows-${rowIds[0]}-${rowIds.at(-1)}-${createHash('sha1').update(rowIds.join(',')).digest('hex').slice(0, 12)}`,
};
