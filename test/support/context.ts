import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { addCamera, addSite, CameraDirectory } from '../../src/cameras/index.ts';
import { createDb, type TDb } from '../../src/db/client.ts';
import { createDatabase, dropDatabase } from '../../src/db/ensure-database.ts';
import { EventWriter, EvidenceStore } from '../../src/events/index.ts';
import { createApp } from '../../src/http/app.ts';
import type { TLogger } from '../../src/shared/logger.ts';
import { REDIS_URL, templateDb, testDbUrl } from './urls.ts';

export const SECRET_KEY = randomBytes(32);
export const silentLogger = pino({ level: 'silent' });

export type TTestContext = {
  dbUrl: string;
  db: TDb;
  pool: pg.Pool;
  prefix: string;
  evidenceDir: string;
  redis: Redis;
  close: () => Promise<void>;
};

/** A database of its own (copied from the migrated template), a queue prefix and a directory. */
export const createTestContext = async (): Promise<TTestContext> => {
  const name = `pn_t_${randomBytes(6).toString('hex')}`;
  const dbUrl = testDbUrl(name);
  await createDatabase(dbUrl, templateDb());
  const db = createDb(dbUrl, 10);
  const pool = new pg.Pool({ connectionString: dbUrl, max: 3 });
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const evidenceDir = mkdtempSync(join(tmpdir(), 'pn-evidence-'));
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  return {
    dbUrl,
    db,
    pool,
    prefix,
    evidenceDir,
    redis,
    close: async () => {
      const keys = await redis.keys(`${prefix}:*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      await redis.quit();
      await db.$disconnect();
      await pool.end();
      await dropDatabase(dbUrl);
      rmSync(evidenceDir, { recursive: true, force: true });
    },
  };
};

export const CAMERA_SECRET = 'a-test-camera-secret-of-at-least-32-chars';

/** A site with cameras, all sharing CAMERA_SECRET. */
export const seedSite = async (
  db: TDb,
  opts: { site?: string; cameras?: string[]; certExpiresAt?: Date; isExpressway?: boolean } = {},
) => {
  const site = opts.site ?? 'SITE-1';
  const deps = { db, secretKey: SECRET_KEY, actor: 'test' };
  await addSite(deps, { code: site, name: 'Ngã tư Hàng Xanh', address: 'Điện Biên Phủ, Bình Thạnh', province: 'TP. Hồ Chí Minh', isExpressway: opts.isExpressway ?? false });
  for (const code of opts.cameras ?? ['CAM-1']) {
    await addCamera(deps, {
      code,
      siteCode: site,
      agency: 'Phòng CSGT Công an TP. Hồ Chí Minh',
      certNumber: `KD-${code}`,
      certExpiresAt: opts.certExpiresAt ?? new Date(Date.now() + 365 * 86400_000),
      secret: CAMERA_SECRET,
    });
  }
};

/** Starts the real API on an ephemeral port. */
export const startApi = async (
  ctx: Pick<TTestContext, 'db' | 'evidenceDir'>,
  opts: { redis?: Redis; bodyLimitBytes?: number; bodyBudgetBytes?: number; db?: TDb; cameras?: CameraDirectory; logger?: TLogger } = {},
): Promise<{ baseUrl: string; server: Server; close: () => Promise<void> }> => {
  const db = opts.db ?? ctx.db;
  const redis = opts.redis ?? new Redis(REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const app = createApp({
    db,
    redis,
    logger: opts.logger ?? silentLogger,
    bodyLimitBytes: opts.bodyLimitBytes ?? 10 * 1024 * 1024,
    bodyBudgetBytes: opts.bodyBudgetBytes ?? 64 * 1024 * 1024,
    ingest: {
      db,
      writer: new EventWriter(db),
      cameras: opts.cameras ?? new CameraDirectory(db, SECRET_KEY, 0),
      evidence: new EvidenceStore(ctx.evidenceDir, false),
      toleranceSeconds: 300,
      clockSkewSeconds: 300,
    },
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    server,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!opts.redis) redis.disconnect();
    },
  };
};
