import type { Redis } from 'ioredis';

export type TRateLimit = { points: number; windowSeconds: number };

/**
 * A fixed-window counter in Redis, shared by every API process: INCR, and on the first
 * hit of a window its expiry. Answers how long to wait when the count is over the limit.
 * A few lines instead of a library: the login route checks two keys (username and client
 * address) inside its handler, which request-level middlewares do not fit.
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /**
   * Counts one attempt: `wait` is 0 when allowed, else the seconds until the window ends;
   * `firstRefused` marks the one attempt of a window that crossed the limit (so the refusal
   * is recorded once per window, not once per attempt of a spray).
   */
  async hit(key: string, limit: TRateLimit): Promise<{ wait: number; firstRefused: boolean }> {
    const k = `${this.prefix}:rl:${key}`;
    const replies = (await this.redis.multi().incr(k).expire(k, limit.windowSeconds, 'NX').ttl(k).exec()) ?? [];
    const count = Number(replies[0]?.[1]);
    const ttl = Number(replies[2]?.[1]);
    return count > limit.points ? { wait: Math.max(ttl, 1), firstRefused: count === limit.points + 1 } : { wait: 0, firstRefused: false };
  }

  /**
   * Takes back one attempt counted by `hit` (an attempt that turned out right): callers that
   * throttle only failures count first and forgive after, so concurrent attempts cannot all
   * pass a check made before any of them was counted.
   */
  async forgive(key: string): Promise<void> {
    const k = `${this.prefix}:rl:${key}`;
    // Only a live counter: a DECR on an expired key would leave a -1 without expiry behind.
    await this.redis.eval("if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end return 0", 1, k);
  }
}
