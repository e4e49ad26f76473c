import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { addAgency } from '../../src/accounts/index.ts';
import { addCamera, addSite } from '../../src/cameras/index.ts';
import { compose, type TComposeOptions, type TServices } from '../../src/compose.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createDb, type TDb } from '../../src/db/index.ts';
import { createDatabase, dropDatabase } from '../../src/db/ensure-database.ts';
import { startStageWorkers, STAGE_QUEUES, type TStageQueue } from '../../src/queues/index.ts';
import { REDIS_URL, templateDb, testDbUrl } from './urls.ts';

export const SECRET_KEY = randomBytes(32);
export const silentLogger = pino({ level: 'silent' });

export type TTestContext = {
  dbUrl: string;
  db: TDb;
  pool: pg.Pool;
  prefix: string;
  evidenceDir: string;
  /** The notice PDF store's directory (NOTICE_DIR). */
  noticeDir: string;
  redis: Redis;
  close: () => Promise<void>;
};

/** A database of its own (copied from the run's migrated template), a queue prefix and a directory. */
export const createTestContext = async (): Promise<TTestContext> => {
  const name = `pn_t_${randomBytes(6).toString('hex')}`;
  const dbUrl = testDbUrl(name);
  await createDatabase(dbUrl, templateDb());
  const db = createDb(dbUrl, 10);
  const pool = new pg.Pool({ connectionString: dbUrl, max: 3 });
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const evidenceDir = mkdtempSync(join(tmpdir(), 'pn-evidence-'));
  const noticeDir = mkdtempSync(join(tmpdir(), 'pn-notices-'));
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  return {
    dbUrl,
    db,
    pool,
    prefix,
    evidenceDir,
    noticeDir,
    redis,
    close: async () => {
      const keys = await redis.keys(`${prefix}:*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      await redis.quit();
      await db.$disconnect();
      await pool.end();
      await dropDatabase(dbUrl);
      rmSync(evidenceDir, { recursive: true, force: true });
      rmSync(noticeDir, { recursive: true, force: true });
    },
  };
};

/** The service's configuration for this test file: its database, prefix and directory; `env` overrides. */
export const testConfig = (ctx: TTestContext, env: Record<string, string> = {}) =>
  loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: ctx.dbUrl,
    REDIS_URL,
    QUEUE_PREFIX: ctx.prefix,
    EVIDENCE_DIR: ctx.evidenceDir,
    NOTICE_DIR: ctx.noticeDir,
    EVIDENCE_FSYNC: 'false',
    CAMERA_CACHE_TTL_MS: '0',
    CAMERA_SECRET_KEY: SECRET_KEY.toString('base64'),
    OUTBOX_POLL_MS: '20',
    LOG_LEVEL: 'silent',
    ...env,
  });

export type TServiceOptions = { env?: Record<string, string> } & Partial<Pick<TComposeOptions, 'registry' | 'rules' | 'logger' | 'now' | 'officerAuth'>>;

/** The service's parts, wired by the composition root as in production (the test file's db client unless env names another database). */
export const testServices = (ctx: TTestContext, opts: TServiceOptions = {}): TServices =>
  compose(testConfig(ctx, opts.env), {
    name: 'test',
    logger: opts.logger ?? silentLogger,
    db: opts.env?.DATABASE_URL ? undefined : ctx.db,
    registry: opts.registry,
    rules: opts.rules,
    now: opts.now,
    officerAuth: opts.officerAuth,
  });

/** The agency test cameras belong to. */
export const TEST_AGENCY = { code: 'PC08-HCM', name: 'Phòng CSGT Công an TP. Hồ Chí Minh', province: 'TP. Hồ Chí Minh' } as const;

/** Adds TEST_AGENCY unless the database has it. */
export const ensureTestAgency = async (db: TDb) => {
  const found = await db.agency.findUnique({ where: { code: TEST_AGENCY.code } });
  return found ?? addAgency({ db, actor: 'test' }, TEST_AGENCY);
};

export const CAMERA_SECRET = 'a-test-camera-secret-of-at-least-32-chars';

/** A site with cameras, all sharing CAMERA_SECRET. */
export const seedSite = async (
  db: TDb,
  opts: { site?: string; cameras?: string[]; certExpiresAt?: Date; isExpressway?: boolean } = {},
) => {
  const site = opts.site ?? 'SITE-1';
  const deps = { db, secretKey: SECRET_KEY, actor: 'test' };
  await ensureTestAgency(db);
  await addSite(deps, { code: site, name: 'Ngã tư Hàng Xanh', address: 'Điện Biên Phủ, Bình Thạnh', province: 'TP. Hồ Chí Minh', isExpressway: opts.isExpressway ?? false });
  for (const code of opts.cameras ?? ['CAM-1']) {
    await addCamera(deps, {
      code,
      siteCode: site,
      agency: TEST_AGENCY.code,
      certNumber: `KD-${code}`,
      certExpiresAt: opts.certExpiresAt ?? new Date(Date.now() + 365 * 86400_000),
      secret: CAMERA_SECRET,
    });
  }
};

/** Starts the real API (as src/main.ts wires it) on an ephemeral port. */
export const startApi = async (
  ctx: TTestContext,
  opts: TServiceOptions = {},
): Promise<{ baseUrl: string; server: Server; services: TServices; close: () => Promise<void> }> => {
  const services = testServices(ctx, opts);
  const server = await new Promise<Server>((resolve) => {
    const s = services.apiServer().listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    server,
    services,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
    },
  };
};

/**
 * The pipeline as workers/all.ts runs it: the outbox relay and a worker per stage (or
 * the `parts` named). Registry waits start at 100 ms instead of 1 s.
 */
export const startPipeline = (ctx: TTestContext, opts: TServiceOptions & { parts?: readonly ('relay' | TStageQueue)[]; concurrency?: number } = {}) => {
  const services = testServices(ctx, opts);
  const parts = new Set(opts.parts ?? ['relay', ...STAGE_QUEUES]);
  const relay = parts.has('relay') ? services.relay() : undefined;
  relay?.start();
  const workers: Worker[] = startStageWorkers(
    services.stages(),
    { ...services.stageRunnerDeps(), concurrency: opts.concurrency ?? 5, baseWaitMs: 100 },
    STAGE_QUEUES.filter((q) => parts.has(q)),
  );
  return {
    services,
    workers,
    stop: async () => {
      await relay?.stop();
      await Promise.all(workers.map((w) => w.close()));
      await services.close();
    },
  };
};
