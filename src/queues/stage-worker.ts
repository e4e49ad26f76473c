import { Worker, type ConnectionOptions, type Job, type Processor } from 'bullmq';
import type { TDb } from '../db/client.ts';
import type { TLogger } from '../shared/logger.ts';
import type { TQueueName } from './names.ts';

export type TStageWorkerDeps = {
  db: TDb;
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  logger: TLogger;
};

/** A job has failed for good when it used its last attempt or was marked unrecoverable. */
const failedForGood = (job: Job, err: Error): boolean =>
  err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);

/**
 * A BullMQ worker for one pipeline stage. A job that fails for good is written to the
 * `failed_job` table (the dead-letter record the admin CLI lists and re-drives), since
 * BullMQ has no dead-letter queue and Redis trims its own history.
 */
export const createStageWorker = (queue: TQueueName, deps: TStageWorkerDeps, processor: Processor): Worker => {
  const worker = new Worker(queue, processor, { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency });
  worker.on('error', (err) => deps.logger.warn({ queue, err: err.message }, 'worker error'));
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = failedForGood(job, err);
    deps.logger.warn({ queue, jobId: job.id, attempts: job.attemptsMade, final, err: err.message }, 'job failed');
    if (!final) return;
    deps.db.failedJob
      .create({ data: { queue, jobId: job.id ?? '', payload: job.data, reason: err.message.slice(0, 2000), attempts: job.attemptsMade } })
      .catch((dbErr: unknown) => deps.logger.error({ queue, jobId: job.id, err: dbErr }, 'could not record a dead letter'));
  });
  return worker;
};
