import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEvent } from '../scripts/camera-client.ts';
import { CAMERA_SECRET, createTestContext, seedSite, startApi, type TTestContext } from './support/context.ts';
import { makeEvent } from './support/events.ts';
import { startTcpProxy } from './support/tcp-proxy.ts';

let ctx: TTestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db, { cameras: ['CAM-1'] });
});
afterAll(async () => {
  await ctx.close();
});

describe('a database that stops answering', () => {
  it('gives 503 with Retry-After instead of a hung request, and recovers', async () => {
    const url = new URL(ctx.dbUrl);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    const api = await startApi(ctx, {
      env: { DATABASE_URL: url.toString(), DB_CONNECT_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '800', DB_QUERY_TIMEOUT_MS: '1500' },
    });
    // A hung request would fail the test here instead of passing late.
    const post = (e: object) => postEvent({ baseUrl: api.baseUrl, cameraCode: 'CAM-1', secret: CAMERA_SECRET }, e);
    const bounded = AbortSignal.timeout;
    try {
      expect((await post(makeEvent())).status).toBe(202);
      proxy.partition();
      const event = makeEvent();
      const res = await Promise.race([post(event), new Promise<never>((_, reject) => bounded(10_000).addEventListener('abort', () => reject(new Error('request hung'))))]);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('DEPENDENCY_UNAVAILABLE');
      const ready = await fetch(`${api.baseUrl}/readyz`, { signal: bounded(10_000) });
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ postgres: 'down' });

      proxy.heal();
      let status = 0;
      for (let i = 0; i < 40 && status !== 202; i++) {
        status = (await post(makeEvent())).status;
        if (status !== 202) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(202);
      expect(await ctx.db.cameraEvent.count({ where: { deviceEventId: event.eventId } })).toBe(0);
    } finally {
      await api.close();
      await proxy.close();
    }
  });
});
