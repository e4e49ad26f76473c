import { Prisma } from '../generated/prisma/client.ts';
import type { TDb } from '../db/index.ts';
import type { TQueues } from './queues.ts';
import { overdueSql, type TReconcilable } from './reconciler.ts';
import type { TStageQueue } from './names.ts';

export type TStateStatus = {
  entity: string;
  state: string;
  queue: TStageQueue;
  count: number;
  /** Waiting longer than the reconciler's age with no outbox row nor open dead letter: re-driven unless a job still carries them. */
  overdue: number;
  oldestSeconds: number | null;
};

export type TQueueStatus = {
  queue: TStageQueue;
  outbox: number;
  outboxOldestSeconds: number | null;
  deadLetters: number;
  /** Job counts in Redis; null when Redis cannot be asked. */
  jobs: Record<string, number> | null;
};

export type TPipelineStatus = { states: TStateStatus[]; queues: TQueueStatus[] };

/**
 * Where the pipeline's work stands: per automated state, how many entities wait, how
 * many are overdue and how old the oldest is; per stage queue, the outbox backlog, dead
 * letters not yet re-driven and BullMQ's job counts.
 */
export const pipelineStatus = async (
  db: TDb,
  machines: readonly TReconcilable[],
  afterSeconds: number,
  queues?: TQueues,
): Promise<TPipelineStatus> => {
  const states: TStateStatus[] = [];
  for (const m of machines) {
    for (const { state, queue } of m.waiting()) {
      const [row] = await db.$queryRaw<{ count: number; overdue: number; oldest: number | null }[]>`
        SELECT count(*)::int AS count,
          count(*) FILTER (WHERE ${overdueSql(queue, afterSeconds)})::int AS overdue,
          extract(epoch FROM now() - min(t.updated_at))::float8 AS oldest
        FROM ${Prisma.raw(m.table)} t WHERE t.status = ${state}::${Prisma.raw(m.statusType)}`;
      states.push({ entity: m.entity, state, queue, count: row!.count, overdue: row!.overdue, oldestSeconds: row!.oldest });
    }
  }
  const outbox = await db.$queryRaw<{ queue: string; n: number; oldest: number }[]>`
    SELECT queue, count(*)::int AS n, extract(epoch FROM now() - min(created_at))::float8 AS oldest FROM outbox_message GROUP BY queue`;
  const letters = await db.$queryRaw<{ queue: string; n: number }[]>`
    SELECT queue, count(*)::int AS n FROM failed_job WHERE redriven_at IS NULL GROUP BY queue`;
  const stageQueues = [...new Set(states.map((s) => s.queue))];
  const jobCounts = async (q: TStageQueue) => {
    if (!queues) return null;
    try {
      return await queues[q].getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
    } catch {
      return null;
    }
  };
  return {
    states,
    queues: await Promise.all(
      stageQueues.map(async (queue) => {
        const o = outbox.find((r) => r.queue === queue);
        return {
          queue,
          outbox: o?.n ?? 0,
          outboxOldestSeconds: o?.oldest ?? null,
          deadLetters: letters.find((r) => r.queue === queue)?.n ?? 0,
          jobs: await jobCounts(queue),
        };
      }),
    ),
  };
};
