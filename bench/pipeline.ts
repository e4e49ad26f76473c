// Pipeline throughput: N stored events drained through dedup → owner → fine to
// PENDING_REVIEW by the real workers, against PostgreSQL and Redis; and, in the same run,
// N no-op BullMQ jobs (one job per item) through the same number of queues, at the
// concurrency where BullMQ does best here (100), so the baseline is not handicapped.
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { addAgency } from '../src/accounts/index.ts';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { addCamera, addSite } from '../src/cameras/index.ts';
import { applyHolidayYear, HOLIDAY_FILES_DIR, readHolidayFile } from '../src/clock/index.ts';
import { compose } from '../src/compose.ts';
import { loadConfig } from '../src/config/index.ts';
import { createDatabase, dropDatabase } from '../src/db/ensure-database.ts';
import { applyMigrations } from '../src/db/migrations.ts';
import { insertEvents, type TNewEvent } from '../src/events/event-repository.ts';
import { applyRules, readRuleFile, RULE_TABLES_DIR } from '../src/fines/index.ts';
import { startStageWorkers } from '../src/queues/index.ts';

export type TPipelineResult = { events: number; seconds: number; casesPerSecond: number; noopPerSecond: number; concurrency: number; noopConcurrency: number };

const logger = pino({ level: 'silent' });
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** Plates 51F-000.00 … in a run-unique series so every event is its own case. */
const plateOf = (i: number) => `51F${String(i).padStart(5, '0')}`;

const seedRegistry = async (client: pg.Client, n: number) => {
  const ids = Array.from({ length: n }, () => randomUUID());
  await client.query(
    `INSERT INTO owner (id, owner_type, name, id_number, address, province, province_code)
     SELECT id, 'PERSON', 'Chủ xe ' || i, lpad(i::text, 12, '0'), 'Địa chỉ ' || i, 'TP. Hồ Chí Minh', '79'
     FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, i)`,
    [ids],
  );
  await client.query(
    `INSERT INTO registration (id, plate, plate_color, vehicle_class, make, model, color, owner_id, valid_from)
     SELECT gen_random_uuid(), p, 'WHITE', 'CAR', 'Toyota', 'Vios', 'Trắng', o, '2024-01-01'
     FROM unnest($1::text[], $2::uuid[]) AS t(p, o)`,
    [Array.from({ length: n }, (_, i) => plateOf(i)), ids],
  );
};

const noopChain = async (n: number, concurrency: number, prefix: string): Promise<number> => {
  const conns: Redis[] = [];
  const conn = () => {
    const r = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    conns.push(r);
    return r;
  };
  const names = ['noop-1', 'noop-2', 'noop-3'];
  const queues = names.map((name) => new Queue(name, { connection: conn(), prefix }));
  for (let i = 0; i < n; i += 1000) {
    await queues[0]!.addBulk(Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: { removeOnComplete: true } })));
  }
  let done = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const start = performance.now();
  const workers = names.map(
    (name, stage) =>
      new Worker(
        name,
        async (job) => {
          if (stage < 2) await queues[stage + 1]!.add('noop', job.data, { removeOnComplete: true });
          else if (++done === n) finish();
        },
        { connection: conn(), prefix, concurrency },
      ),
  );
  await finished;
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(workers.map((w) => w.close()));
  await Promise.all(queues.map((q) => q.obliterate({ force: true }).then(() => q.close())));
  for (const c of conns) c.disconnect();
  return n / seconds;
};

export const runPipelineBench = async (n: number, concurrency: number, noopConcurrency: number, pgBase: string): Promise<TPipelineResult> => {
  const url = new URL(pgBase);
  url.pathname = `/pn_bench_pipe_${randomBytes(4).toString('hex')}`;
  const dbUrl = url.toString();
  const prefix = `bench${randomBytes(3).toString('hex')}`;
  await createDatabase(dbUrl);
  await applyMigrations(dbUrl);
  const services = compose(
    loadConfig({ DATABASE_URL: dbUrl, REDIS_URL, QUEUE_PREFIX: prefix, DB_POOL_MAX: '20', OUTBOX_BATCH_SIZE: '1000', OUTBOX_POLL_MS: '20', OUTBOX_JOB_BATCH: '200', LOG_LEVEL: 'silent' }),
    { name: 'bench', logger },
  );
  const db = services.db();
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const deps = { db, secretKey: randomBytes(32), actor: 'bench' };
    await addSite(deps, { code: 'BENCH', name: 'Bench', address: 'n/a', province: 'TP. Hồ Chí Minh' });
    const agency = await addAgency(deps, { code: 'PC08-HCM', name: 'Phòng CSGT Công an TP. Hồ Chí Minh', province: 'TP. Hồ Chí Minh' });
    const { camera } = await addCamera(deps, { code: 'BENCH-CAM', siteCode: 'BENCH', agency: agency.code, certNumber: 'b', certExpiresAt: new Date(Date.now() + 86400_000), secret: 'x'.repeat(40) });
    await applyRules(db, readRuleFile(join(RULE_TABLES_DIR, 'decree-168-2024.json')), 'bench');
    for (const f of readdirSync(HOLIDAY_FILES_DIR).filter((x) => x.endsWith('.json'))) await applyHolidayYear(db, readHolidayFile(join(HOLIDAY_FILES_DIR, f)), 'bench');
    await seedRegistry(client, n);

    // The backlog: N accepted events, each with its outbox row, as ingest stores them.
    const capturedAt = new Date(Date.now() - 3600_000);
    for (let i = 0; i < n; i += 1000) {
      const batch: TNewEvent[] = Array.from({ length: Math.min(1000, n - i) }, (_, k) => {
        return {
          id: randomUUID(),
          cameraId: camera.id,
          cameraCode: camera.code,
          siteId: camera.siteId,
          detectingUnit: agency.name,
          detectingAgencyId: agency.id,
          payloadSha256: 'bench',
          capturedAt,
          event: {
            eventId: `bench-${i + k}`,
            capturedAt: capturedAt.toISOString(),
            violation: 'RED_LIGHT',
            vehicleClass: 'CAR',
            plate: { text: plateOf(i + k), confidence: 0.95, color: 'WHITE' },
            evidence: [],
          },
          plate: { normalised: plateOf(i + k), format: 'CAR_OR_OLD_MOTORBIKE', uncertain: null },
          evidence: [],
          status: 'RECEIVED',
          rejectReason: null,
        };
      });
      await insertEvents(db, batch);
    }

    const relay = services.relay();
    const start = performance.now();
    relay.start();
    const workers = startStageWorkers(services.stages(), { ...services.stageRunnerDeps(), concurrency });
    for (;;) {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM "case" WHERE status = 'PENDING_REVIEW'`);
      if (rows[0].n >= n) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - start) / 1000;
    await relay.stop();
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all(Object.values(services.queues()).map((q) => q.obliterate({ force: true })));

    const noopPerSecond = await noopChain(n, noopConcurrency, `${prefix}noop`);
    return { events: n, seconds, casesPerSecond: n / seconds, noopPerSecond, concurrency, noopConcurrency };
  } finally {
    await client.end();
    await services.close();
    await dropDatabase(dbUrl);
  }
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.env.BENCH_EVENTS ?? 20_000);
  const r = await runPipelineBench(n, Number(process.env.BENCH_CONCURRENCY ?? 4), Number(process.env.BENCH_NOOP_CONCURRENCY ?? 100), process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
