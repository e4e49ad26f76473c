import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { TDb } from '../db/client.ts';
import { withTimeout } from '../shared/with-timeout.ts';


/** `/healthz`: the process answers. `/readyz`: PostgreSQL and Redis answer too. */
export const healthRoutes = (db: TDb, redis: Redis): Router => {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const check = async (fn: () => Promise<unknown>) => {
      try {
        await withTimeout(fn(), 2000, 'check');
        return 'ok';
      } catch (err) {
        return `down: ${(err as Error).message}`;
      }
    };
    const [postgres, redisState] = await Promise.all([check(() => db.$queryRaw`SELECT 1`), check(() => redis.ping())]);
    const ready = postgres === 'ok' && redisState === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', postgres, redis: redisState });
  });
  return router;
};
