import { DelayedError, UnrecoverableError, type Worker } from 'bullmq';
import { resolveOwners } from '../src/cases/index.ts';
import { createStageWorker, QUEUES, ZStageJob, type TStageWorkerDeps } from '../src/queues/index.ts';
import { RegistryUnavailableError, type VehicleRegistry } from '../src/registry/index.ts';
import { countOutcomes } from './outcomes.ts';

/** Longest wait between two tries of an unavailable registry. */
const MAX_WAIT_MS = 5 * 60_000;

/**
 * The `owner` stage: a job's cases are looked up and moved together. Cases the registry
 * could not answer for stay in the job, which is put back to wait (1 s, doubling, at most
 * 5 min) without spending an attempt: they wait in DETECTED, neither failed nor guessed.
 */
export const createOwnerWorker = (deps: TStageWorkerDeps & { registry: VehicleRegistry; baseWaitMs?: number }): Worker =>
  createStageWorker(QUEUES.owner, deps, async (job, token) => {
    const payload = ZStageJob.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`bad owner payload: ${payload.error.message}`);
    const { ids } = payload.data;
    const outcomes = await resolveOwners(deps.db, deps.registry, ids);
    const waiting = ids.filter((_, i) => outcomes[i] instanceof RegistryUnavailableError);
    const failed = outcomes.find((o) => o instanceof Error && !(o instanceof RegistryUnavailableError));
    if (failed) throw failed;
    if (waiting.length === 0) return countOutcomes(outcomes);
    const waits = payload.data.waits ?? 0;
    const delay = Math.min((deps.baseWaitMs ?? 1_000) * 2 ** waits, MAX_WAIT_MS);
    deps.logger.warn({ jobId: job.id, cases: waiting.length, waits, delayMs: delay }, 'registry unavailable; cases wait');
    await job.updateData({ ids: waiting, waits: waits + 1 });
    await job.moveToDelayed(Date.now() + delay, token);
    throw new DelayedError();
  });
