import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, startApi, type TTestContext } from './support/context.ts';
import { DEAD_PORT } from './support/urls.ts';

let ctx: TTestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.close();
});

describe('health endpoints', () => {
  it('healthz answers; readyz is ready with PostgreSQL and Redis up; every answer has a request id', async () => {
    const api = await startApi(ctx);
    try {
      const h = await fetch(`${api.baseUrl}/healthz`);
      expect(h.status).toBe(200);
      expect(h.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const r = await fetch(`${api.baseUrl}/readyz`, { headers: { 'X-Request-Id': 'trace-123' } });
      expect(r.headers.get('x-request-id')).toBe('trace-123');
      expect(await r.json()).toEqual({ status: 'ready', postgres: 'up', redis: 'up' });
    } finally {
      await api.close();
    }
  });

  it('readyz stays ready while only Redis is down (events wait in the outbox), and says so', async () => {
    const api = await startApi(ctx, { env: { REDIS_URL: `redis://127.0.0.1:${DEAD_PORT}` } });
    try {
      const r = await fetch(`${api.baseUrl}/readyz`);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ status: 'ready', postgres: 'up', redis: 'down' });
    } finally {
      await api.close();
    }
  });

  it('serves the OpenAPI document generated from the zod schemas, and its viewer', async () => {
    const api = await startApi(ctx);
    try {
      const doc = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as { components: { schemas: Record<string, { properties?: Record<string, { enum?: string[] }> }> }; paths: Record<string, unknown> };
      expect(Object.keys(doc.paths)).toContain('/v1/camera-events');
      expect(doc.components.schemas.CameraEvent!.properties!.violation!.enum).toContain('RED_LIGHT');
      // The review routes, the decision's body variants and the 409 shape with the case's state.
      for (const path of ['/v1/review/queue', '/v1/review/next', '/v1/review/claims/{caseId}/renew', '/v1/review/claims/{caseId}', '/v1/cases/{id}/decision']) expect(Object.keys(doc.paths)).toContain(path);
      const decision = JSON.stringify((doc.paths['/v1/cases/{id}/decision'] as Record<string, unknown>).post);
      for (const kind of ['APPROVE', 'REJECT', 'CORRECT_PLATE', 'CHANGE_ACT', 'ESCALATE', 'PRIORITY_VEHICLE_ON_DUTY']) expect(decision).toContain(kind);
      expect(JSON.stringify(doc.components.schemas.ReviewConflict)).toContain('status');
      const ui = await fetch(`${api.baseUrl}/docs/`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger-ui');
    } finally {
      await api.close();
    }
  });
});
