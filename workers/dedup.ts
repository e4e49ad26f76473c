import { UnrecoverableError, type Worker } from 'bullmq';
import { dedupEvents, type TDedupOptions } from '../src/cases/index.ts';
import { createStageWorker, QUEUES, ZStageJob, type TStageWorkerDeps } from '../src/queues/index.ts';
import { countOutcomes } from './outcomes.ts';

/** The `dedup` stage: a job's events are deduplicated together, in one transaction. */
export const createDedupWorker = (deps: TStageWorkerDeps & TDedupOptions): Worker =>
  createStageWorker(QUEUES.dedup, deps, async (job) => {
    const payload = ZStageJob.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`bad dedup payload: ${payload.error.message}`);
    return countOutcomes(await dedupEvents(deps.db, payload.data.ids, deps));
  });
