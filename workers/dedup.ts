import { UnrecoverableError, type Worker } from 'bullmq';
import { dedupEvent, type TDedupOptions } from '../src/cases/index.ts';
import { createStageWorker, QUEUES, ZDedupJob, type TStageWorkerDeps } from '../src/queues/index.ts';

/** The `dedup` stage: parse the payload, run the domain function, return its outcome. */
export const createDedupWorker = (deps: TStageWorkerDeps & TDedupOptions): Worker =>
  createStageWorker(QUEUES.dedup, deps, async (job) => {
    const payload = ZDedupJob.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`bad dedup payload: ${payload.error.message}`);
    return dedupEvent(deps.db, payload.data.eventId, deps);
  });
