import { DelayedError, UnrecoverableError, type Worker } from 'bullmq';
import { resolveOwners, type TOwnerOutcome } from '../src/cases/index.ts';
import { createStageWorker, QUEUES, ZCaseJob, type TStageWorkerDeps } from '../src/queues/index.ts';
import { RegistryUnavailableError, type VehicleRegistry } from '../src/registry/index.ts';
import { Batcher } from '../src/shared/batcher.ts';

/** Longest wait between two tries of an unavailable registry. */
const MAX_WAIT_MS = 5 * 60_000;

/**
 * The `owner` stage. Jobs running at the same time are resolved as one batch. While the
 * registry cannot answer for a case, its job is put back to wait (1 s, doubling, at most
 * 5 min) without spending an attempt: the case waits in DETECTED, neither failed nor
 * guessed.
 */
export const createOwnerWorker = (deps: TStageWorkerDeps & { registry: VehicleRegistry; baseWaitMs?: number }): Worker => {
  const batcher = new Batcher<string, TOwnerOutcome>((ids) => resolveOwners(deps.db, deps.registry, ids), { maxBatch: 200, maxInflight: 3 });
  return createStageWorker(QUEUES.owner, deps, async (job, token) => {
    const payload = ZCaseJob.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`bad owner payload: ${payload.error.message}`);
    try {
      return await batcher.submit(payload.data.caseId);
    } catch (err) {
      if (!(err instanceof RegistryUnavailableError)) throw err;
      const waits = payload.data.waits ?? 0;
      const delay = Math.min((deps.baseWaitMs ?? 1_000) * 2 ** waits, MAX_WAIT_MS);
      deps.logger.warn({ jobId: job.id, waits, delayMs: delay, err: err.message }, 'registry unavailable; case waits');
      await job.updateData({ ...payload.data, waits: waits + 1 });
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
  });
};
