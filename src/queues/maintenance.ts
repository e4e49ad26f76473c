import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { TLogger } from '../shared/logger.ts';
import { MAINTENANCE_JOB_OPTIONS } from './job-options.ts';
import { maintenanceQueue } from './names.ts';

/** A housekeeping task run on a schedule. */
export type TMaintenanceTask = { name: string; everyMs: number; run: (log: TLogger) => Promise<unknown> };

export type TMaintenanceDeps = {
  /** For the queues' own commands (fails fast while Redis is down). */
  queueConnection: ConnectionOptions;
  /** For the workers' blocking commands. */
  workerConnection: ConnectionOptions;
  prefix: string;
  logger: TLogger;
  /** How often each process checks that every schedule is in place (default: each task's period, at most 30 s). */
  checkEveryMs?: number;
};

export type TMaintenance = { queues: Queue[]; close: () => Promise<void> };

/**
 * Runs the tasks on BullMQ job schedulers, each task on a queue of its own that runs one
 * job at a time across all processes, so a task never overlaps itself and a long sweep
 * never holds up the reconciler. A scheduler lives in Redis: if Redis loses it (a restart
 * without persistence, a failover, a FLUSHALL: what the reconciler exists for), no job
 * would ever come again. So every process checks on a timer of its own that each task
 * has its scheduler, a pending run and its concurrency of one, and puts back what is
 * missing; the check is idempotent, several processes may race on it.
 */
export const startMaintenance = async (tasks: readonly TMaintenanceTask[], deps: TMaintenanceDeps): Promise<TMaintenance> => {
  const parts = tasks.map((task) => {
    const name = maintenanceQueue(task.name);
    const queue = new Queue(name, { connection: deps.queueConnection, prefix: deps.prefix });
    queue.on('error', (err) => deps.logger.warn({ queue: name, err: err.message }, 'queue error'));
    let declared = false;
    const ensure = async () => {
      const pending = Object.values(await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized')).reduce((a, b) => a + b, 0);
      const scheduler = await queue.getJobScheduler(task.name);
      if (!scheduler || pending === 0) {
        if (scheduler) await queue.removeJobScheduler(task.name);
        await queue.upsertJobScheduler(task.name, { every: task.everyMs }, { name: task.name, opts: MAINTENANCE_JOB_OPTIONS });
        if (declared) deps.logger.warn({ task: task.name }, 'maintenance schedule was gone from Redis; declared again');
      }
      declared = true;
      if ((await queue.getGlobalConcurrency()) !== 1) await queue.setGlobalConcurrency(1);
    };
    const worker = new Worker(name, (job) => task.run(deps.logger.child({ task: task.name, jobId: job.id })), {
      connection: deps.workerConnection,
      prefix: deps.prefix,
      concurrency: 1,
    });
    worker.on('error', (err) => deps.logger.warn({ queue: name, err }, 'worker error'));
    worker.on('failed', (job, err) => deps.logger.error({ task: task.name, jobId: job?.id, err }, 'maintenance task failed'));
    return { task, queue, worker, ensure };
  });
  await Promise.all(parts.map((p) => p.ensure()));
  const timers = parts.map((p) =>
    setInterval(() => {
      p.ensure().catch((err: unknown) => deps.logger.warn({ task: p.task.name, err }, 'could not check the maintenance schedule'));
    }, deps.checkEveryMs ?? Math.min(p.task.everyMs, 30_000)),
  );
  return {
    queues: parts.map((p) => p.queue),
    close: async () => {
      for (const t of timers) clearInterval(t);
      await Promise.all(parts.map((p) => p.worker.close()));
      await Promise.all(parts.map((p) => p.queue.close()));
    },
  };
};
