/**
 * Queue names and job ids are built here and nowhere else. BullMQ job ids must not
 * contain ':' nor be all digits, hence the prefixes.
 */
export const QUEUES = {
  dedup: 'dedup',
  owner: 'owner',
  fine: 'fine',
  /** Housekeeping on a schedule: the reconciler, the evidence sweep, audit checkpoints. */
  maintenance: 'maintenance',
} as const;

export type TQueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** The queues whose jobs carry pipeline entities (events or cases) through the outbox. */
export type TStageQueue = Exclude<TQueueName, 'maintenance'>;
export const STAGE_QUEUES: readonly TStageQueue[] = [QUEUES.dedup, QUEUES.owner, QUEUES.fine];

export const jobIds = {
  /**
   * A stage job is named by the outbox rows it carries (first and last id). A row the
   * relay sends twice (it crashed before deleting it) is the same job, which BullMQ
   * ignores while it holds it; a new hand-over of the same entity (a re-drive) is a new
   * row, hence a new job, even while the failed one is kept.
   */
  rows: (queue: TStageQueue, firstRow: bigint, lastRow: bigint) => `${queue}-rows-${firstRow}-${lastRow}`,
};
