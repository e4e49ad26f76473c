import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/index.ts';
import { createRedis } from '../src/queues/index.ts';

describe('configuration', () => {
  it('has local defaults that work on a developer machine', () => {
    const cfg = loadConfig({});
    expect(cfg.DATABASE_URL).toMatch(/^postgresql:\/\/.*127\.0\.0\.1:5432/);
    expect(cfg.REDIS_URL).toBe('redis://127.0.0.1:6379/0');
    expect(cfg.PORT).toBe(3000);
    expect(cfg.BODY_LIMIT_BYTES).toBe(10 * 1024 * 1024);
    expect(cfg.CAMERA_SECRET_KEY).toHaveLength(32);
  });

  it('stops with a message naming each wrong variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', REDIS_URL: 'http://x', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', REDIS_URL: 'http://x', LOG_LEVEL: 'loud' });
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).toContain('PORT');
      expect(msg).toContain('REDIS_URL');
      expect(msg).toContain('LOG_LEVEL');
    }
  });

  it('requires CAMERA_SECRET_KEY in production and checks its length', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/CAMERA_SECRET_KEY/);
    expect(() => loadConfig({ CAMERA_SECRET_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/CAMERA_SECRET_KEY/);
  });

  it('honours the db index in REDIS_URL', async () => {
    const redis = createRedis('redis://127.0.0.1:6379/5');
    try {
      expect(redis.options.db).toBe(5);
      await redis.set('pn-config-test', '1', 'EX', 5);
      const other = createRedis('redis://127.0.0.1:6379/0');
      expect(await other.get('pn-config-test')).toBeNull();
      await other.quit();
    } finally {
      await redis.quit();
    }
  });
});
