// Runs the pipeline's stages in one process: `npm run workers` (all of them) or
// `npm run workers -- dedup owner` to run a subset; run more processes to scale out.
import type { Worker } from 'bullmq';
import { config } from '../src/config/index.ts';
import { createDb } from '../src/db/client.ts';
import { RuleCache } from '../src/fines/index.ts';
import { createQueues, createRedis, OutboxRelay } from '../src/queues/index.ts';
import { createRegistry } from '../src/registry/index.ts';
import { createLogger } from '../src/shared/logger.ts';
import { onShutdown } from '../src/shared/shutdown.ts';
import { createDedupWorker } from './dedup.ts';
import { createFineWorker } from './fine.ts';
import { createOwnerWorker } from './owner.ts';

const STAGES = ['relay', 'dedup', 'owner', 'fine'] as const;
type TStage = (typeof STAGES)[number];

const asked = process.argv.slice(2);
const unknown = asked.filter((s) => !(STAGES as readonly string[]).includes(s));
if (unknown.length > 0) {
  process.stderr.write(`unknown stage(s): ${unknown.join(', ')}; known: ${STAGES.join(', ')}\n`);
  process.exit(64);
}
const stages = new Set<TStage>(asked.length > 0 ? (asked as TStage[]) : STAGES);

const cfg = config();
const logger = createLogger(cfg.LOG_LEVEL, 'workers');
const db = createDb(cfg.DATABASE_URL, cfg.DB_POOL_MAX);
const workerRedis = createRedis(cfg.REDIS_URL);
// The relay must fail fast while Redis is down, so its transaction never waits on Redis.
const relayRedis = createRedis(cfg.REDIS_URL, { failFast: true, commandTimeout: 5_000 });
for (const r of [workerRedis, relayRedis]) r.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));

const queues = createQueues(relayRedis, cfg.QUEUE_PREFIX);
for (const q of Object.values(queues)) q.on('error', (err) => logger.warn({ err: err.message }, 'queue error'));

const relay = stages.has('relay')
  ? new OutboxRelay({ db, queues, logger, batchSize: cfg.OUTBOX_BATCH_SIZE, pollMs: cfg.OUTBOX_POLL_MS, jobBatch: cfg.OUTBOX_JOB_BATCH })
  : undefined;
relay?.start();

const base = { db, connection: workerRedis, prefix: cfg.QUEUE_PREFIX, concurrency: cfg.WORKER_CONCURRENCY, logger };
const workers: Worker[] = [];
if (stages.has('dedup')) {
  workers.push(createDedupWorker({ ...base, windowSeconds: cfg.DEDUP_WINDOW_SECONDS, confidenceThreshold: cfg.PLATE_CONFIDENCE_THRESHOLD }));
}
if (stages.has('owner')) workers.push(createOwnerWorker({ ...base, registry: createRegistry(cfg, db) }));
if (stages.has('fine')) workers.push(createFineWorker({ ...base, rules: new RuleCache(db), orgMultiplier: cfg.ORG_FINE_MULTIPLIER }));
logger.info({ stages: [...stages] }, 'workers started');

onShutdown(logger, [
  async () => relay?.stop(),
  () => Promise.all(workers.map((w) => w.close())),
  () => Promise.all(Object.values(queues).map((q) => q.close())),
  () => db.$disconnect(),
  () => Promise.all([workerRedis.quit(), relayRedis.quit()]),
]);
