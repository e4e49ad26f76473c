import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler, notFound } from '../src/http/error-handler.ts';
import { installRequestLog } from '../src/http/request-log.ts';
import { reviewRoutes, type TPrincipal, type TReviewDeps } from '../src/review/index.ts';
import { createTestContext, seedSite, silentLogger, type TTestContext } from './support/context.ts';
import { officerHeader, testOfficer } from './support/officer-header.ts';
import { AGENCY_B, officer, seedReviewCases } from './support/review-cases.ts';

let ctx: TTestContext;
let server: Server;
let base: string;

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db, { site: 'HCM-1', cameras: ['HCM-CAM'] });
  const deps: TReviewDeps = { db: ctx.db, leaseSeconds: 600, supervisorThresholdVnd: 20_000_000, qaSampleRate: 0 };
  const app = express();
  installRequestLog(app, silentLogger);
  app.use(reviewRoutes(deps, testOfficer));
  app.use(notFound);
  app.use(errorHandler);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await ctx.close();
});

const call = async (p: TPrincipal | null, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(p ? officerHeader(p) : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
};

describe('review API', () => {
  it('queue, next, renew, release and a decision over HTTP', async () => {
    const [soon] = await seedReviewCases(ctx.db, 'HCM-1', 1, { dueInDays: 0, flags: ['LOW_CONFIDENCE_READ'] });
    await seedReviewCases(ctx.db, 'HCM-1', 2, { dueInDays: 4 });
    const a = officer();
    expect((await call(null, 'GET', '/v1/review/queue')).status).toBe(401);

    const q = await call(a, 'GET', '/v1/review/queue?violation=RED_LIGHT&site=HCM-1');
    expect(q.status).toBe(200);
    expect(q.body).toMatchObject({ total: 3, flagCounts: { LOW_CONFIDENCE_READ: 1 } });
    expect((q.body!.cases as { id: string; dueSoon: boolean }[]).map((c) => c.dueSoon)).toEqual([true, false, false]);
    expect((await call(a, 'GET', '/v1/review/queue?flag=LOW_CONFIDENCE_READ')).body).toMatchObject({ total: 1 });
    expect((await call(a, 'GET', '/v1/review/queue?violation=FLYING')).status).toBe(400);

    const next = await call(a, 'POST', '/v1/review/next');
    expect(next.status).toBe(200);
    expect(next.body).toMatchObject({ id: soon, queue: 'REVIEW', status: 'PENDING_REVIEW', plate: expect.any(String), claim: { id: expect.any(String) } });
    expect((await call(a, 'POST', `/v1/review/claims/${soon}/renew`)).body).toMatchObject({ id: (next.body!.claim as { id: string }).id });
    expect((await call(a, 'DELETE', `/v1/review/claims/${soon}`)).status).toBe(204);
    expect((await call(a, 'DELETE', `/v1/review/claims/${soon}`)).body).toEqual({ error: { code: 'CONFLICT', message: 'you hold no live claim on this case', details: { status: 'PENDING_REVIEW' } } });

    expect((await call(a, 'POST', '/v1/review/next', {})).body).toMatchObject({ id: soon });
    const bad = await call(a, 'POST', `/v1/cases/${soon}/decision`, { decision: 'REJECT', reason: 'OTHER' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ path: 'note' }] } });
    expect((await call(a, 'POST', `/v1/cases/${soon}/decision`, { decision: 'REJECT', reason: 'NOT_A_CODE' })).status).toBe(400);
    expect((await call(a, 'POST', `/v1/cases/${soon}/decision`, { decision: 'APPROVE', extra: 1 })).status).toBe(400);
    const done = await call(a, 'POST', `/v1/cases/${soon}/decision`, { decision: 'REJECT', reason: 'OTHER', note: 'xe cứu thương' });
    expect(done).toMatchObject({ status: 200, body: { kind: 'REJECT', status: 'REJECTED', replayed: false } });
    // The same submit again: the decision recorded, answered again.
    expect((await call(a, 'POST', `/v1/cases/${soon}/decision`, { decision: 'REJECT', reason: 'OTHER', note: 'xe cứu thương' })).body).toMatchObject({ replayed: true, decisionId: done.body!.decisionId });
    // Another decision on the moved case: 409 with its state.
    expect(await call(a, 'POST', `/v1/cases/${soon}/decision`, { decision: 'APPROVE' })).toMatchObject({ status: 409, body: { error: { details: { status: 'REJECTED' } } } });
  });

  it("answers 404 for another agency's case, 204 when nothing waits", async () => {
    const [id] = await seedReviewCases(ctx.db, 'HCM-1', 1);
    const other = officer(['REVIEWER'], AGENCY_B);
    expect((await call(other, 'POST', '/v1/review/next')).status).toBe(204);
    expect((await call(other, 'POST', `/v1/cases/${id}/decision`, { decision: 'APPROVE' })).status).toBe(404);
    expect((await call(other, 'POST', `/v1/review/claims/${id}/renew`)).status).toBe(404);
    expect((await call(other, 'DELETE', `/v1/review/claims/not-a-uuid`)).status).toBe(404);
    expect((await call(other, 'POST', '/v1/review/next', { queue: 'ESCALATED' })).status).toBe(404);
    // An ADMIN alone reviews nothing: the review routes are not theirs.
    const admin = officer(['ADMIN']);
    expect((await call(admin, 'GET', '/v1/review/queue')).status).toBe(404);
    expect((await call(admin, 'POST', '/v1/review/next')).status).toBe(404);
  });
});
