import type { JobsOptions } from 'bullmq';
import type { TStageQueue } from './names.ts';

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

export const JOB_OPTIONS: Record<TStageQueue, JobsOptions> = {
  dedup: STAGE,
  // A registry outage does not spend attempts: the job waits (see the stage runner).
  owner: STAGE,
  fine: STAGE,
  notice: STAGE,
  // An SMTP or provider outage does not spend attempts either: the deliveries wait.
  dispatch: STAGE,
  // A registry endpoint outage does not spend attempts: the escalations wait.
  escalation: STAGE,
};

/** Scheduled housekeeping: a run that fails is simply done again at the next tick. */
export const MAINTENANCE_JOB_OPTIONS: JobsOptions = { attempts: 1, removeOnComplete: 100, removeOnFail: 100 };
