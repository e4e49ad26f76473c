import type { Job, Queue } from 'bullmq';
import { Prisma } from '../generated/prisma/client.ts';
import type { TDb } from '../db/index.ts';
import type { TLogger } from '../shared/logger.ts';
import type { TStageQueue } from './names.ts';
import { enqueueViaOutbox } from './outbox.ts';
import { ZStageJob } from './payloads.ts';

/**
 * What the reconciler needs of a state machine (src/workflow's Machine provides it): its
 * table, and the states in which an entity waits for an automated stage. A stage added
 * to a machine's transition table is covered without further code.
 */
export type TReconcilable = {
  entity: string;
  table: string;
  statusType: string;
  waiting(): readonly { state: string; queue: TStageQueue }[];
};

export type TRedrive = { entity: string; state: string; queue: TStageQueue; ids: string[] };

export type TReconcilerDeps = {
  db: TDb;
  queues: Record<TStageQueue, Queue>;
  machines: readonly TReconcilable[];
  /** An entity waiting longer than this with nothing in flight for it is re-driven. */
  afterSeconds: number;
  /** At most this many entities per (state, queue) in one run; the next run takes the rest. */
  batch: number;
  logger: TLogger;
  /** Called with each run's re-drives (metrics). */
  onRedrive?: (r: TRedrive) => void;
};

/**
 * An entity `t` (of a machine's table, in a waiting state) is overdue when it has waited
 * longer than `afterSeconds` with no outbox row and no open dead letter for `queue`.
 * Overdue entities are re-driven unless a job in Redis still carries them; the pipeline
 * status and its gauges count them with the same condition.
 */
export const overdueSql = (queue: TStageQueue, afterSeconds: number): Prisma.Sql => Prisma.sql`
  t.updated_at < now() - ${afterSeconds} * interval '1 second'
  AND NOT EXISTS (SELECT 1 FROM outbox_message o WHERE o.entity_id = t.id AND o.queue = ${queue})
  AND NOT EXISTS (SELECT 1 FROM failed_job f WHERE f.redriven_at IS NULL AND f.queue = ${queue}
    AND f.payload @> jsonb_build_object('ids', jsonb_build_array(t.id::text)))`;

/**
 * Job states in which a job still carries its entities. A failed job is not among them:
 * its dead letter in `failed_job` speaks for it, and where writing that record failed the
 * entities are re-driven, which is what the lost record would have been for.
 */
const LIVE = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;
const PAGE = 500;

/**
 * Finds entities that wait in an automated state longer than `afterSeconds` with nothing
 * in flight for them and hands them to their stage again through the outbox. In flight
 * means an outbox row, a job in Redis that carries the entity (waiting, active, or
 * delayed while a dependency is down), or a dead letter not yet re-driven. What is left
 * was lost: Redis dropped its jobs (no persistence, a failover, a FLUSHALL), which no
 * retry inside BullMQ can notice. Stages are idempotent, so a
 * re-drive that races a late job changes nothing.
 */
export class Reconciler {
  constructor(private readonly deps: TReconcilerDeps) {}

  async runOnce(): Promise<TRedrive[]> {
    const done: TRedrive[] = [];
    // What each queue's jobs carry, read at most once per run (two states may share a queue).
    const carriedIn = new Map<TStageQueue, Set<string>>();
    for (const m of this.deps.machines) {
      for (const { state, queue } of m.waiting()) {
        const candidates = await this.stale(m, state, queue);
        if (candidates.length === 0) continue;
        const carried = carriedIn.get(queue) ?? (await this.carriedByJobs(this.deps.queues[queue]));
        carriedIn.set(queue, carried);
        const ids = candidates.filter((id) => !carried.has(id));
        if (ids.length === 0) continue;
        await enqueueViaOutbox(this.deps.db, queue, ids);
        const r = { entity: m.entity, state, queue, ids };
        this.deps.logger.warn({ entity: m.entity, state, queue, count: ids.length, ids: ids.slice(0, 20) }, 'reconciler: re-driven entities that waited with no job in flight');
        this.deps.onRedrive?.(r);
        done.push(r);
      }
    }
    return done;
  }

  private async stale(m: TReconcilable, state: string, queue: TStageQueue): Promise<string[]> {
    const rows = await this.deps.db.$queryRaw<{ id: string }[]>`
      SELECT t.id::text FROM ${Prisma.raw(m.table)} t
      WHERE t.status = ${state}::${Prisma.raw(m.statusType)} AND ${overdueSql(queue, this.deps.afterSeconds)}
      ORDER BY t.updated_at LIMIT ${this.deps.batch}`;
    return rows.map((r) => r.id);
  }

  /**
   * Every id a live job of the queue carries, read page by page (a page is up to PAGE
   * jobs of each list). Only read when some entity is overdue, that is, when the queue is
   * backed up or has lost jobs; a backed-up queue costs one read of its jobs per run.
   */
  private async carriedByJobs(queue: Queue): Promise<Set<string>> {
    const carried = new Set<string>();
    for (let start = 0; ; start += PAGE) {
      const jobs: (Job | undefined)[] = await queue.getJobs([...LIVE], start, start + PAGE - 1, true);
      if (jobs.length === 0) return carried;
      for (const job of jobs) for (const id of ZStageJob.safeParse(job?.data).data?.ids ?? []) carried.add(id);
    }
  }
}
