import { UnrecoverableError, Worker, type ConnectionOptions, type Queue } from 'bullmq';
import type { TLogger } from '../shared/logger.ts';
import { MAINTENANCE_JOB_OPTIONS } from './job-options.ts';
import { QUEUES } from './names.ts';

/** A housekeeping task run on a schedule. */
export type TMaintenanceTask = { name: string; everyMs: number; run: (log: TLogger) => Promise<unknown> };

export type TMaintenanceDeps = { queue: Queue; connection: ConnectionOptions; prefix: string; logger: TLogger };

/**
 * Schedules the tasks (BullMQ job schedulers: idempotent, so every worker process may
 * declare them at start) and consumes them. The maintenance queue runs one job at a time
 * across all processes, so a task never overlaps itself. Schedulers of tasks this release
 * no longer has are removed.
 */
export const startMaintenance = async (tasks: readonly TMaintenanceTask[], deps: TMaintenanceDeps): Promise<Worker> => {
  const byName = new Map(tasks.map((t) => [t.name, t]));
  await deps.queue.setGlobalConcurrency(1);
  for (const s of await deps.queue.getJobSchedulers()) {
    if (s.key && !byName.has(s.key)) await deps.queue.removeJobScheduler(s.key);
  }
  for (const t of tasks) await deps.queue.upsertJobScheduler(t.name, { every: t.everyMs }, { name: t.name, opts: MAINTENANCE_JOB_OPTIONS });
  const worker = new Worker(
    QUEUES.maintenance,
    async (job) => {
      const task = byName.get(job.name);
      if (!task) throw new UnrecoverableError(`no maintenance task ${job.name}`);
      return task.run(deps.logger.child({ task: task.name, jobId: job.id }));
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: 1 },
  );
  worker.on('error', (err) => deps.logger.warn({ queue: QUEUES.maintenance, err }, 'worker error'));
  worker.on('failed', (job, err) => deps.logger.error({ task: job?.name, jobId: job?.id, err }, 'maintenance task failed'));
  return worker;
};
