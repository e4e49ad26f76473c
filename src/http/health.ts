import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { TDb } from '../db/index.ts';
import type { TLogger } from '../shared/logger.ts';
import { withTimeout } from '../shared/with-timeout.ts';

/**
 * `/healthz`: the process answers. `/readyz`: the API can take camera events, which needs
 * PostgreSQL only (while Redis is down events are stored and wait in the outbox), so a
 * load balancer keeps sending them; Redis is reported beside it. Both are public, so
 * they say only `up` or `down`; why a dependency is down (host, port, driver message)
 * goes to the log.
 */
export const healthRoutes = (db: TDb, redis: Redis, logger: TLogger): Router => {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const check = async (name: string, fn: () => Promise<unknown>) => {
      try {
        await withTimeout(fn(), 2000, `${name} check`);
        return 'up';
      } catch (err) {
        logger.warn({ dependency: name, err }, 'readiness check failed');
        return 'down';
      }
    };
    const [postgres, redisState] = await Promise.all([check('postgres', () => db.$queryRaw`SELECT 1`), check('redis', () => redis.ping())]);
    const ready = postgres === 'up';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', postgres, redis: redisState });
  });
  return router;
};
