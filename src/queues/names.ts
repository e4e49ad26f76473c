/**
 * Queue names, job ids and dedup keys are built here and nowhere else. BullMQ job ids
 * must not contain ':' nor be all digits, hence the prefixes.
 */
export const QUEUES = {
  dedup: 'dedup',
  owner: 'owner',
  fine: 'fine',
} as const;

export type TQueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const jobIds = {
  /** A job carrying several outbox rows: named by the first and last row it carries. */
  batch: (queue: TQueueName, firstRow: bigint, lastRow: bigint) => `${queue}-rows-${firstRow}-${lastRow}`,
  dedup: (eventId: string) => `evt-${eventId}`,
  owner: (caseId: string) => `case-${caseId}-owner`,
  fine: (caseId: string) => `case-${caseId}-fine`,
};
