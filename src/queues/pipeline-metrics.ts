import type { TDb } from '../db/index.ts';
import type { TMetrics } from '../metrics/index.ts';
import { STAGE_QUEUES } from './names.ts';
import { pipelineStatus } from './pipeline-status.ts';
import type { TQueues } from './queues.ts';
import type { TReconcilable } from './reconciler.ts';

/**
 * Sets the pipeline's gauges from PostgreSQL and Redis, just before a scrape: what waits
 * in each automated state, queue depths and the oldest waiting job, outbox backlog and
 * open dead letters. Queries use the (status, updated_at) indexes and BullMQ's counters.
 */
export const refreshPipelineMetrics = async (
  metrics: TMetrics,
  deps: { db: TDb; machines: readonly TReconcilable[]; afterSeconds: number; queues: TQueues },
): Promise<void> => {
  const status = await pipelineStatus(deps.db, deps.machines, deps.afterSeconds, deps.queues);
  for (const s of status.states) {
    const labels = { entity: s.entity, state: s.state };
    metrics.pipelineWaiting.set(labels, s.count);
    metrics.pipelineOverdue.set(labels, s.overdue);
    metrics.pipelineOldestSeconds.set(labels, s.oldestSeconds ?? 0);
  }
  for (const q of status.queues) {
    metrics.outboxRows.set({ queue: q.queue }, q.outbox);
    metrics.openDeadLetters.set({ queue: q.queue }, q.deadLetters);
    for (const [state, n] of Object.entries(q.jobs ?? {})) metrics.queueJobs.set({ queue: q.queue, state }, n);
  }
  await Promise.all(
    STAGE_QUEUES.map(async (queue) => {
      const [oldest] = await deps.queues[queue].getJobs(['waiting'], 0, 0, true).catch(() => []);
      metrics.queueOldestWaitingSeconds.set({ queue }, oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0);
    }),
  );
};
