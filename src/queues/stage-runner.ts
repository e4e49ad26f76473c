import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { TDb } from '../db/index.ts';
import type { TMetrics } from '../metrics/index.ts';
import type { TLogger } from '../shared/logger.ts';
import { STAGE_QUEUES, type TStageQueue } from './names.ts';
import { ZStageJob } from './payloads.ts';

/** What a stage did with one item (`{ kind }`), or why it could not. */
export type TItemOutcome = { kind: string } | Error;

/**
 * A pipeline stage: a set-based handler over a job's ids, one outcome per id in order.
 * An item whose error `waitsOn` accepts (its dependency is down) waits: the job keeps
 * only such items and is put back (1 s doubling to 5 min) without spending an attempt.
 * Any other error fails the job, which BullMQ retries with backoff.
 */
export type TStage = {
  handle: (ids: string[]) => Promise<TItemOutcome[]>;
  waitsOn?: (err: Error) => boolean;
};

export type TStages = Record<TStageQueue, TStage>;

export type TStageRunnerDeps = {
  db: TDb;
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  logger: TLogger;
  /** First wait of items whose dependency is down (default 1 s). */
  baseWaitMs?: number;
  metrics?: Pick<TMetrics, 'stageItems' | 'stageJobSeconds' | 'deadLetters'>;
};

const MAX_WAIT_MS = 5 * 60_000;

/** A job's result as BullMQ keeps it: how many items ended which way. */
const countOutcomes = (outcomes: TItemOutcome[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const k = o instanceof Error ? 'waiting' : o.kind;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
};

/** A job has failed for good when it used its last attempt or was marked unrecoverable. */
const failedForGood = (job: Job, err: Error): boolean => err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);

/** Log bindings of a job: its id and the ids it carries (the first 20 and how many). */
const jobBindings = (queue: string, job: Job, ids: string[] = []) => ({ queue, jobId: job.id, ids: ids.slice(0, 20), idCount: ids.length });

const stageWorker = (queue: TStageQueue, stage: TStage, deps: TStageRunnerDeps): Worker => {
  const worker = new Worker(
    queue,
    async (job, token) => {
      const payload = ZStageJob.safeParse(job.data);
      if (!payload.success) throw new UnrecoverableError(`bad ${queue} payload: ${payload.error.message}`);
      const { ids, waits = 0 } = payload.data;
      const log = deps.logger.child(jobBindings(queue, job, ids));
      const timer = deps.metrics?.stageJobSeconds.startTimer({ queue });
      let outcomes: TItemOutcome[];
      try {
        outcomes = await stage.handle(ids);
      } catch (err) {
        timer?.({ result: 'failed' });
        throw err;
      }
      const failed = outcomes.find((o): o is Error => o instanceof Error && !stage.waitsOn?.(o));
      timer?.({ result: failed ? 'failed' : outcomes.some((o) => o instanceof Error) ? 'waiting' : 'done' });
      if (failed) throw failed;
      const waiting = ids.filter((_, i) => outcomes[i] instanceof Error);
      const counts = countOutcomes(outcomes);
      for (const [outcome, n] of Object.entries(counts)) deps.metrics?.stageItems.inc({ queue, outcome }, n);
      log.debug({ outcomes: counts }, 'job done');
      if (waiting.length === 0) return counts;
      const delay = Math.min((deps.baseWaitMs ?? 1_000) * 2 ** waits, MAX_WAIT_MS);
      log.warn({ waitingIds: waiting, waits, delayMs: delay, err: (outcomes.find((o) => o instanceof Error) as Error).message }, 'dependency unavailable; items wait');
      await job.updateData({ ids: waiting, waits: waits + 1 });
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency },
  );
  worker.on('error', (err) => deps.logger.warn({ queue, err }, 'worker error'));
  // BullMQ has no dead-letter queue and trims its own history: a job that failed for good
  // is written to `failed_job`, the record `admin jobs failed` lists and re-drives.
  worker.on('failed', (job, err) => {
    if (!job) return;
    const ids = ZStageJob.safeParse(job.data).data?.ids ?? [];
    const final = failedForGood(job, err);
    deps.logger.warn({ ...jobBindings(queue, job), ids, attempts: job.attemptsMade, final, err }, 'job failed');
    if (!final) return;
    deps.metrics?.deadLetters.inc({ queue });
    deps.db.failedJob
      .create({ data: { queue, jobId: job.id ?? '', payload: job.data, reason: err.message.slice(0, 2000), attempts: job.attemptsMade } })
      .catch((dbErr: unknown) => deps.logger.error({ ...jobBindings(queue, job), ids, err: dbErr }, 'could not record a dead letter'));
  });
  return worker;
};

/**
 * One worker per stage queue named in `run` (all by default). Every stage queue must have
 * a stage: a queue nobody consumes would fill silently, so a missing one stops start-up.
 */
export const startStageWorkers = (stages: TStages, deps: TStageRunnerDeps, run: readonly TStageQueue[] = STAGE_QUEUES): Worker[] => {
  const missing = STAGE_QUEUES.filter((q) => typeof stages[q]?.handle !== 'function');
  if (missing.length > 0) throw new Error(`no stage handles queue(s) ${missing.join(', ')}`);
  return run.map((q) => stageWorker(q, stages[q], deps));
};
