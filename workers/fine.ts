import { UnrecoverableError, type Worker } from 'bullmq';
import { assessCases } from '../src/cases/index.ts';
import type { RuleCache } from '../src/fines/index.ts';
import { createStageWorker, QUEUES, ZStageJob, type TStageWorkerDeps } from '../src/queues/index.ts';
import { countOutcomes } from './outcomes.ts';

/** The `fine` stage: rule engine, then the cases wait in PENDING_REVIEW for an officer. */
export const createFineWorker = (deps: TStageWorkerDeps & { rules: RuleCache; orgMultiplier: number }): Worker =>
  createStageWorker(QUEUES.fine, deps, async (job) => {
    const payload = ZStageJob.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`bad fine payload: ${payload.error.message}`);
    return countOutcomes(await assessCases(deps.db, deps.rules, deps.orgMultiplier, payload.data.ids));
  });
