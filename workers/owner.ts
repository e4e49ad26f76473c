import { DelayedError, UnrecoverableError, type Worker } from 'bullmq';
import { resolveOwner } from '../src/cases/index.ts';
import { createStageWorker, QUEUES, ZCaseJob, type TStageWorkerDeps } from '../src/queues/index.ts';
import { RegistryUnavailableError, type VehicleRegistry } from '../src/registry/index.ts';

/** Longest wait between two tries of an unavailable registry. */
const MAX_WAIT_MS = 5 * 60_000;

/**
 * The `owner` stage. While the registry cannot answer, the job is put back to wait (1 s,
 * doubling, at most 5 min) without spending an attempt: the case waits in DETECTED; it
 * is neither failed nor guessed.
 */
export const createOwnerWorker = (deps: TStageWorkerDeps & { registry: VehicleRegistry; baseWaitMs?: number }): Worker =>
  createStageWorker(QUEUES.owner, deps, async (job, token) => {
    const payload = ZCaseJob.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`bad owner payload: ${payload.error.message}`);
    try {
      return await resolveOwner(deps.db, deps.registry, payload.data.caseId);
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
