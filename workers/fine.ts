import { UnrecoverableError, type Worker } from 'bullmq';
import { assessCases, type TAssessOutcome } from '../src/cases/index.ts';
import type { RuleCache } from '../src/fines/index.ts';
import { createStageWorker, QUEUES, ZCaseJob, type TStageWorkerDeps } from '../src/queues/index.ts';
import { Batcher } from '../src/shared/batcher.ts';

/** The `fine` stage: rule engine, then the case waits in PENDING_REVIEW for an officer. */
export const createFineWorker = (deps: TStageWorkerDeps & { rules: RuleCache; orgMultiplier: number }): Worker => {
  const batcher = new Batcher<string, TAssessOutcome>((ids) => assessCases(deps.db, deps.rules, deps.orgMultiplier, ids), { maxBatch: 200, maxInflight: 3 });
  return createStageWorker(QUEUES.fine, deps, async (job) => {
    const payload = ZCaseJob.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`bad fine payload: ${payload.error.message}`);
    return batcher.submit(payload.data.caseId);
  });
};
