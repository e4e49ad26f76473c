import type { Queue } from 'bullmq';
import type { TDb } from '../db/index.ts';
import type { TLogger } from '../shared/logger.ts';
import { withTimeout } from '../shared/with-timeout.ts';
import { JOB_OPTIONS } from './job-options.ts';
import { jobIds, STAGE_QUEUES, type TStageQueue } from './names.ts';

type TOutboxRow = { id: bigint; queue: string; entity_id: string };

export type TOutboxRelayDeps = {
  db: TDb;
  queues: Record<TStageQueue, Queue>;
  logger: TLogger;
  batchSize: number;
  pollMs: number;
  /** Outbox rows packed into one job (default 200). */
  jobBatch?: number;
  /**
   * BullMQ waits for a Redis connection indefinitely; the relay gives up after this long so
   * its transaction (and the row locks) never outlive a Redis outage. Default 5 s.
   */
  enqueueTimeoutMs?: number;
  /** Test seam: runs after the jobs are in Redis and before the rows are deleted. */
  afterEnqueue?: (rows: TOutboxRow[]) => Promise<void>;
};

/**
 * Moves outbox rows into BullMQ. Rows are locked with SKIP LOCKED (several relays may run),
 * packed per queue into jobs of up to `jobBatch` ids (a job is named by its first and
 * last row), enqueued, then deleted in the same transaction. A crash after enqueue and before the delete re-sends the rows
 * later: BullMQ ignores a job id it still holds, and every stage is idempotent for one it
 * no longer holds. While Redis is down the rows wait, with a growing delay, and nothing
 * is lost.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly deps: TOutboxRelayDeps) {}

  /** Relays one batch; returns how many rows it moved. */
  async relayOnce(): Promise<number> {
    const { db, queues, batchSize } = this.deps;
    let claimed: TOutboxRow[] = [];
    try {
      return await db.$transaction(async (tx) => {
        claimed = await tx.$queryRaw<TOutboxRow[]>`
          SELECT id, queue, entity_id::text FROM outbox_message
          WHERE available_at <= now() ORDER BY id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
        if (claimed.length === 0) return 0;
        // A row that names no stage queue can never be delivered: it becomes a dead letter
        // (listed by `admin jobs failed`) instead of blocking the rest.
        const byQueue = new Map<TStageQueue, TOutboxRow[]>();
        const undeliverable: TOutboxRow[] = [];
        for (const row of claimed) {
          const name = row.queue as TStageQueue;
          if (!STAGE_QUEUES.includes(name)) undeliverable.push(row);
          else byQueue.set(name, [...(byQueue.get(name) ?? []), row]);
        }
        if (undeliverable.length > 0) {
          await tx.failedJob.createMany({
            data: undeliverable.map((row) => ({ queue: row.queue, jobId: `outbox-row-${row.id}`, payload: { ids: [row.entity_id] }, reason: `outbox row ${row.id}: unknown queue ${row.queue}`, attempts: 0 })),
          });
        }
        const per = this.deps.jobBatch ?? 200;
        for (const [name, rows] of byQueue) {
          const jobs = [];
          for (let i = 0; i < rows.length; i += per) {
            const chunk = rows.slice(i, i + per);
            const jobId = jobIds.rows(name, chunk.map((r) => r.id));
            const ids = chunk.map((r) => r.entity_id);
            jobs.push({ name, data: { ids }, opts: { ...JOB_OPTIONS[name], jobId } });
          }
          await withTimeout(queues[name].addBulk(jobs), this.deps.enqueueTimeoutMs ?? 5_000, `enqueue to ${name} (is Redis reachable?)`);
        }
        await this.deps.afterEnqueue?.(claimed);
        await tx.$executeRaw`DELETE FROM outbox_message WHERE id = ANY(${claimed.map((r) => r.id)}::bigint[])`;
        return claimed.length;
      });
    } catch (err) {
      if (claimed.length > 0) await this.postpone(claimed, err as Error);
      throw err;
    }
  }

  /** Pushes failed rows back with exponential delay (1 s doubling to 60 s). */
  private async postpone(rows: TOutboxRow[], err: Error): Promise<void> {
    try {
      await this.deps.db.$executeRaw`
        UPDATE outbox_message SET attempts = attempts + 1, last_error = ${err.message.slice(0, 500)},
          available_at = now() + least(60, power(2, attempts)) * interval '1 second'
        WHERE id = ANY(${rows.map((r) => r.id)}::bigint[])`;
    } catch (updateErr) {
      this.deps.logger.warn({ err: updateErr }, 'outbox: could not record the failure');
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let moved = 0;
      try {
        moved = await this.relayOnce();
      } catch (err) {
        this.deps.logger.warn({ err }, 'outbox relay: batch failed; rows kept for retry');
      }
      if (moved < this.deps.batchSize && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.deps.pollMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }
}

