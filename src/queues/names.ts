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
  dedup: (eventId: string) => `evt-${eventId}`,
  owner: (caseId: string) => `case-${caseId}-owner`,
  fine: (caseId: string) => `case-${caseId}-fine`,
};
