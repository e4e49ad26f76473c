import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requireAuditKey } from '../src/config/index.ts';
import { randomUUID } from 'node:crypto';
import { createRedis } from '../src/queues/index.ts';
import { REDIS_URL } from './support/urls.ts';

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

  it('keeps the budget of bodies in flight at least one body at the limit', () => {
    expect(loadConfig({}).BODY_BUDGET_BYTES).toBe(32 * 1024 * 1024);
    expect(loadConfig({ BODY_BUDGET_MB: '20', BODY_LIMIT_MB: '20' }).BODY_BUDGET_BYTES).toBe(20 * 1024 * 1024);
    expect(() => loadConfig({ BODY_BUDGET_MB: '5' })).toThrow(/BODY_BUDGET_MB/);
  });

  it('multiplies organisation fines only on a named provision (none in Decree 168 for Art 6/7 acts)', () => {
    expect(loadConfig({}).ORG_FINE_MULTIPLIER).toBe(1);
    expect(() => loadConfig({ ORG_FINE_MULTIPLIER: '2' })).toThrow(/ORG_FINE_MULTIPLIER_BASIS: required when ORG_FINE_MULTIPLIER > 1/);
    expect(loadConfig({ ORG_FINE_MULTIPLIER: '2', ORG_FINE_MULTIPLIER_BASIS: 'khoản 1 Điều 24 Luật Xử lý vi phạm hành chính' })).toMatchObject({ ORG_FINE_MULTIPLIER: 2 });
  });

  it('requires CAMERA_SECRET_KEY in production and checks its length', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/CAMERA_SECRET_KEY/);
    expect(() => loadConfig({ CAMERA_SECRET_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/CAMERA_SECRET_KEY/);
  });

  it('requires AUDIT_CHECKPOINT_KEY in production where checkpoints are signed or verified, of at least 32 bytes', () => {
    const cameraKey = { CAMERA_SECRET_KEY: Buffer.alloc(32, 1).toString('base64') };
    // The API runs without it; the parts that sign or verify checkpoints refuse to.
    const withoutKey = loadConfig({ NODE_ENV: 'production', ...cameraKey });
    expect(withoutKey.AUDIT_CHECKPOINT_KEY).toBeUndefined();
    expect(() => requireAuditKey(withoutKey)).toThrow('AUDIT_CHECKPOINT_KEY: required in production');
    expect(() => loadConfig({ AUDIT_CHECKPOINT_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/AUDIT_CHECKPOINT_KEY: must be base64 of at least 32 bytes/);
    expect(() => loadConfig({ AUDIT_CHECKPOINT_KEY: 'not base64 but long enough to pass a length check' })).toThrow(/AUDIT_CHECKPOINT_KEY: must be base64/);
    const key = Buffer.alloc(48, 3);
    const cfg = loadConfig({ NODE_ENV: 'production', ...cameraKey, AUDIT_CHECKPOINT_KEY: key.toString('base64') });
    expect(requireAuditKey(cfg).equals(key)).toBe(true);
    expect(cfg.AUDIT_CHECKPOINT_INTERVAL_SECONDS).toBe(3600);
    // Outside production a fixed development key, fit for nothing else.
    expect(loadConfig({}).AUDIT_CHECKPOINT_KEY).toHaveLength(32);
  });

  it('honours the db index in REDIS_URL', async () => {
    // The test's server, another db index than the one REDIS_URL names, a key of this run.
    const url = new URL(REDIS_URL);
    const base = Number(url.pathname.slice(1) || 0);
    url.pathname = `/${(base + 1) % 16}`;
    const key = `pn-config-test-${randomUUID()}`;
    const redis = createRedis(url.toString());
    try {
      expect(redis.options.db).toBe((base + 1) % 16);
      await redis.set(key, '1', 'EX', 5);
      const other = createRedis(REDIS_URL);
      expect(await other.get(key)).toBeNull();
      await other.quit();
    } finally {
      await redis.quit();
    }
  });
});
