import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection from REDIS_URL (its db index is honoured by ioredis). Workers need
 * `maxRetriesPerRequest: null` so BullMQ's blocking calls wait out an outage; clients
 * that answer HTTP should fail fast instead (`failFast`).
 */
export const createRedis = (url: string, opts: { failFast?: boolean } & RedisOptions = {}): Redis => {
  const { failFast, ...rest } = opts;
  return new Redis(url, {
    maxRetriesPerRequest: failFast ? 1 : null,
    enableOfflineQueue: !failFast,
    lazyConnect: false,
    ...rest,
  });
};
