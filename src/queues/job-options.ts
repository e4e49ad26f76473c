import type { JobsOptions } from 'bullmq';
import type { TQueueName } from './names.ts';

/**
 * Per-queue job options, decided in one place. Failed jobs are kept (they are the
 * dead-letter record until someone re-drives them); completed ones expire, because the
 * database, not Redis, is the system of record.
 */
const STAGE: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1_000, jitter: 0.2 },
  removeOnComplete: true,
  removeOnFail: false,
};

export const JOB_OPTIONS: Record<TQueueName, JobsOptions> = {
  dedup: STAGE,
  // A registry outage does not spend attempts: the job waits (see the owner stage).
  owner: STAGE,
  fine: STAGE,
};
