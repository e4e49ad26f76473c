import { UnrecoverableError, type Worker } from 'bullmq';
import { dedupEvents, type TDedupOptions, type TDedupOutcome } from '../src/cases/index.ts';
import { createStageWorker, QUEUES, ZDedupJob, type TStageWorkerDeps } from '../src/queues/index.ts';
import { Batcher } from '../src/shared/batcher.ts';

/** The `dedup` stage: jobs running at the same time are deduplicated as one batch. */
export const createDedupWorker = (deps: TStageWorkerDeps & TDedupOptions): Worker => {
  const batcher = new Batcher<string, TDedupOutcome>((ids) => dedupEvents(deps.db, ids, deps), { maxBatch: 200, maxInflight: 3 });
  return createStageWorker(QUEUES.dedup, deps, async (job) => {
    const payload = ZDedupJob.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`bad dedup payload: ${payload.error.message}`);
    return batcher.submit(payload.data.eventId);
  });
};
