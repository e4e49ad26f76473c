import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import { dedupEvent } from '../src/cases/index.ts';
import type { TDb } from '../src/db/client.ts';
import { QUEUES, ZDedupJob } from '../src/queues/index.ts';
import type { TLogger } from '../src/shared/logger.ts';

export type TDedupWorkerDeps = {
  db: TDb;
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  windowSeconds: number;
  logger: TLogger;
};

/** The `dedup` stage: parse the payload, run the domain function, log the outcome. */
export const createDedupWorker = (deps: TDedupWorkerDeps): Worker => {
  const worker = new Worker(
    QUEUES.dedup,
    async (job) => {
      const payload = ZDedupJob.safeParse(job.data);
      if (!payload.success) throw new UnrecoverableError(`bad dedup payload: ${payload.error.message}`);
      const outcome = await dedupEvent(deps.db, payload.data.eventId, deps.windowSeconds);
      deps.logger.debug({ jobId: job.id, eventId: payload.data.eventId, outcome }, 'dedup');
      return outcome;
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency },
  );
  worker.on('error', (err) => deps.logger.warn({ err: err.message }, 'dedup worker error'));
  worker.on('failed', (job, err) => deps.logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'dedup job failed'));
  return worker;
};
