import cluster from 'node:cluster';
import { config } from './config/index.ts';
import { CameraDirectory } from './cameras/index.ts';
import { createDb } from './db/client.ts';
import { EventWriter, EvidenceStore } from './events/index.ts';
import { createApp } from './http/app.ts';
import { createRedis } from './queues/connection.ts';
import { createLogger } from './shared/logger.ts';
import { onShutdown } from './shared/shutdown.ts';

const cfg = config();

if (cfg.API_WORKERS > 1 && cluster.isPrimary) {
  // The processes share the port; each is stateless, so any of them may take a request.
  const logger = createLogger(cfg.LOG_LEVEL, 'api-primary');
  for (let i = 0; i < cfg.API_WORKERS; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) {
      logger.error({ pid: worker.process.pid, code, signal }, 'api worker died; starting another');
      cluster.fork();
    }
  });
  let stopping = false;
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} else {
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
      writer: new EventWriter(db),
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
}
