import { config } from './config/index.ts';
import { CameraDirectory } from './cameras/index.ts';
import { createDb } from './db/client.ts';
import { EvidenceStore } from './events/index.ts';
import { createApp } from './http/app.ts';
import { createRedis } from './queues/connection.ts';
import { createLogger } from './shared/logger.ts';
import { onShutdown } from './shared/shutdown.ts';

const cfg = config();
const logger = createLogger(cfg.LOG_LEVEL, 'api');
const db = createDb(cfg.DATABASE_URL, cfg.DB_POOL_MAX);
const redis = createRedis(cfg.REDIS_URL, { failFast: true });
redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));

const app = createApp({
  db,
  redis,
  logger,
  bodyLimitBytes: cfg.BODY_LIMIT_BYTES,
  ingest: {
    db,
    cameras: new CameraDirectory(db, cfg.CAMERA_SECRET_KEY, cfg.CAMERA_CACHE_TTL_MS),
    evidence: new EvidenceStore(cfg.EVIDENCE_DIR, cfg.EVIDENCE_FSYNC),
    toleranceSeconds: cfg.SIGNATURE_TOLERANCE_SECONDS,
    clockSkewSeconds: cfg.CLOCK_SKEW_SECONDS,
  },
});

const server = app.listen(cfg.PORT, () => logger.info({ port: cfg.PORT }, 'api listening'));
onShutdown(logger, [
  () => new Promise<void>((resolve) => server.close(() => resolve())),
  () => db.$disconnect(),
  async () => {
    await redis.quit();
  },
]);
