import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postEvent, type TCameraCredentials } from '../scripts/camera-client.ts';
import { verifyAuditChain } from '../src/audit/index.ts';
import { dedupEvent } from '../src/cases/index.ts';
import { createQueues, OutboxRelay, QUEUES } from '../src/queues/index.ts';
import { CAMERA_SECRET, createTestContext, seedSite, silentLogger, startApi, startPipeline, type TTestContext } from './support/context.ts';
import { eventually, makeEvent } from './support/events.ts';
import { DEAD_PORT, REDIS_URL } from './support/urls.ts';

let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;
let cam: (code: string) => TCameraCredentials;
const closers: (() => Promise<unknown>)[] = [];

const WINDOW = 300;
const DEDUP = { windowSeconds: WINDOW, confidenceThreshold: 0.85 };

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db, { site: 'SITE-A', cameras: ['A-1', 'A-2'] });
  await seedSite(ctx.db, { site: 'SITE-B', cameras: ['B-1'] });
  api = await startApi(ctx);
  cam = (code) => ({ baseUrl: api.baseUrl, cameraCode: code, secret: CAMERA_SECRET });
});

afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

afterAll(async () => {
  await api.close();
  await ctx.close();
});

const redisAt = (url: string, failFast: boolean) => {
  const r = new Redis(url, failFast ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 200 } : { maxRetriesPerRequest: null });
  r.on('error', () => {});
  closers.push(async () => r.disconnect());
  return r;
};

const relayWith = (redisUrl: string, afterEnqueue?: ConstructorParameters<typeof OutboxRelay>[0]['afterEnqueue']) => {
  const queues = createQueues(redisAt(redisUrl, true), ctx.prefix);
  for (const q of Object.values(queues)) q.on('error', () => {});
  closers.push(() => Promise.all(Object.values(queues).map((q) => q.close())));
  return new OutboxRelay({ db: ctx.db, queues, logger: silentLogger, batchSize: 100, pollMs: 20, enqueueTimeoutMs: 1_000, afterEnqueue });
};

const startDedup = () => {
  const p = startPipeline(ctx, { parts: ['dedup'], env: { DEDUP_WINDOW_SECONDS: String(WINDOW) } });
  closers.push(p.stop);
};

const eventRow = (deviceEventId: string) => ctx.db.cameraEvent.findFirstOrThrow({ where: { deviceEventId } });
const settled = (ids: string[]) => async () => {
  const rows = await ctx.db.cameraEvent.findMany({ where: { deviceEventId: { in: ids } } });
  return rows.length === ids.length && rows.every((r) => r.status !== 'RECEIVED') ? rows : null;
};
const casesOf = (plate: string) => ctx.db.case.findMany({ where: { plate }, include: { events: true } });

describe('outbox → dedup → case', () => {
  it('merges two cameras of one site on one act into one case', async () => {
    const capturedAt = new Date(Date.now() - 120_000);
    const plate = { text: '30A-111.11', confidence: 0.95, color: 'WHITE' };
    const e1 = makeEvent({ plate, capturedAt: capturedAt.toISOString() });
    const e2 = makeEvent({ plate: { ...plate, text: '30A 111 11' }, capturedAt: new Date(capturedAt.getTime() + 2_000).toISOString() });
    expect((await postEvent(cam('A-1'), e1)).status).toBe(202);
    expect((await postEvent(cam('A-2'), e2)).status).toBe(202);
    const relay = relayWith(REDIS_URL);
    relay.start();
    closers.push(() => relay.stop());
    startDedup();
    const rows = await eventually(settled([e1.eventId, e2.eventId]), 15_000, 'both events deduplicated');
    expect(rows.map((r) => r.status).sort()).toEqual(['MERGED', 'OPENED_CASE']);
    const cases = await casesOf('30A11111');
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ status: 'DETECTED', eventCount: 2, violation: 'RED_LIGHT' });
    expect(cases[0]!.events).toHaveLength(2);
    expect(await ctx.db.outboxMessage.count({ where: { queue: 'dedup' } })).toBe(0);
    expect(await ctx.db.auditEntry.count({ where: { entityType: 'case', entityId: cases[0]!.id, action: 'case.open' } })).toBe(1);
  });

  it('opens separate cases for another site, another act, or a capture outside the window', async () => {
    const t = Date.now() - 3 * 3600_000;
    const plate = { text: '30A-222.22', confidence: 0.95, color: 'WHITE' };
    const events = [
      [cam('A-1'), makeEvent({ plate, capturedAt: new Date(t).toISOString() })],
      [cam('B-1'), makeEvent({ plate, capturedAt: new Date(t + 1_000).toISOString() })],
      [cam('A-1'), makeEvent({ plate, violation: 'WRONG_LANE', capturedAt: new Date(t + 1_000).toISOString() })],
      [cam('A-1'), makeEvent({ plate, capturedAt: new Date(t + (WINDOW + 60) * 1000).toISOString() })],
    ] as const;
    for (const [c, e] of events) expect((await postEvent(c, e)).status).toBe(202);
    const relay = relayWith(REDIS_URL);
    await relay.relayOnce();
    startDedup();
    await eventually(settled(events.map(([, e]) => e.eventId)), 15_000, 'events deduplicated');
    expect(await casesOf('30A22222')).toHaveLength(4);
  });

  it('processes an event once when the relay crashes between enqueue and delete', async () => {
    const e = makeEvent({ plate: { text: '51G-333.33', confidence: 0.9, color: 'WHITE' } });
    expect((await postEvent(cam('A-1'), e)).status).toBe(202);
    const crashing = relayWith(REDIS_URL, async () => {
      throw new Error('simulated crash after enqueue');
    });
    await expect(crashing.relayOnce()).rejects.toThrow('simulated crash');
    expect(await ctx.db.outboxMessage.count({ where: { queue: 'dedup' } })).toBe(1);

    startDedup();
    await eventually(settled([e.eventId]), 15_000, 'first delivery processed');
    // The row is still there; a healthy relay sends it again once its retry delay passes.
    const relay = relayWith(REDIS_URL);
    relay.start();
    closers.push(() => relay.stop());
    await eventually(async () => (await ctx.db.outboxMessage.count({ where: { queue: 'dedup' } })) === 0, 15_000, 'outbox drained');
    const cases = await casesOf('51G33333');
    expect(cases).toHaveLength(1);
    expect(cases[0]!.eventCount).toBe(1);
    expect((await eventRow(e.eventId)).status).toBe('OPENED_CASE');
  });

  it('keeps accepting events while Redis is unreachable and processes each once when it is back', async () => {
    const dead = relayWith(`redis://127.0.0.1:${DEAD_PORT}`);
    const events = [0, 1, 2].map((i) => makeEvent({ plate: { text: `51H-44${i}.44`, confidence: 0.9, color: 'WHITE' } }));
    for (const e of events) expect((await postEvent(cam('A-1'), e)).status).toBe(202);
    await expect(dead.relayOnce()).rejects.toThrow();
    const waiting = await ctx.db.outboxMessage.findMany({ where: { queue: 'dedup' } });
    expect(waiting).toHaveLength(3);
    expect(waiting.every((r) => r.attempts === 1 && r.lastError)).toBe(true);

    const relay = relayWith(REDIS_URL);
    relay.start();
    closers.push(() => relay.stop());
    startDedup();
    await eventually(settled(events.map((e) => e.eventId)), 20_000, 'events processed after Redis is back');
    for (let i = 0; i < 3; i++) {
      const cases = await casesOf(`51H44${i}44`);
      expect(cases).toHaveLength(1);
      expect(cases[0]!.eventCount).toBe(1);
    }
    const queue = new Queue(QUEUES.dedup, { connection: redisAt(REDIS_URL, false), prefix: ctx.prefix });
    closers.push(() => queue.close());
    expect((await queue.getJobCounts()).failed).toBe(0);
  });
});

describe('dedup stage', () => {
  it('opens one case when many workers see captures of the same act at once', async () => {
    const capturedAt = Date.now() - 600_000;
    const events = Array.from({ length: 12 }, (_, i) =>
      makeEvent({ plate: { text: '29B-555.55', confidence: 0.9, color: 'WHITE' }, capturedAt: new Date(capturedAt + i * 1000).toISOString() }),
    );
    for (const [i, e] of events.entries()) expect((await postEvent(cam(i % 2 ? 'A-1' : 'A-2'), e)).status).toBe(202);
    const ids = await Promise.all(events.map(async (e) => (await eventRow(e.eventId)).id));
    // Two independent callers per event, all at once: concurrency and duplicate delivery.
    const outcomes = await Promise.all([...ids, ...ids].map((id) => dedupEvent(ctx.db, id, DEDUP)));
    expect(outcomes.filter((o) => o.kind === 'opened')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'merged')).toHaveLength(11);
    expect(outcomes.filter((o) => o.kind === 'already-done')).toHaveLength(12);
    const cases = await casesOf('29B55555');
    expect(cases).toHaveLength(1);
    expect(cases[0]!.eventCount).toBe(12);
  });

  it('audits a capture merged into a case opened by an earlier job', async () => {
    const plate = { text: '29C-444.44', confidence: 0.6, color: 'WHITE' };
    const [e1, e2] = [makeEvent({ plate }), makeEvent({ plate: { ...plate, confidence: 0.95 } })];
    for (const e of [e1, e2]) expect((await postEvent(cam('A-1'), e)).status).toBe(202);
    const opened = await dedupEvent(ctx.db, (await eventRow(e1!.eventId)).id, DEDUP);
    expect(opened.kind).toBe('opened');
    expect(await dedupEvent(ctx.db, (await eventRow(e2!.eventId)).id, DEDUP)).toMatchObject({ kind: 'merged' });
    const [c] = await casesOf('29C44444');
    expect(c).toMatchObject({ eventCount: 2, flags: [] });
    const trail = await ctx.db.auditEntry.findMany({ where: { entityType: 'case', entityId: c!.id }, orderBy: { id: 'asc' } });
    expect(trail.map((a) => [a.action, a.reason])).toEqual([
      ['case.open', 'no capture read the plate with confidence ≥ 0.85'],
      ['case.merge', '1 more capture(s) of this act, one read with confidence'],
    ]);
    expect(await verifyAuditChain(ctx.db, 'case', c!.id)).toBeNull();
  });

  it('changes nothing when a job runs a second time', async () => {
    const e = makeEvent({ plate: { text: '29C-666.66', confidence: 0.9, color: 'WHITE' } });
    expect((await postEvent(cam('A-1'), e)).status).toBe(202);
    const { id } = await eventRow(e.eventId);
    expect((await dedupEvent(ctx.db, id, DEDUP)).kind).toBe('opened');
    const snapshot = async () => ({
      cases: await casesOf('29C66666'),
      event: await eventRow(e.eventId),
      audit: await ctx.db.auditEntry.count(),
    });
    const before = await snapshot();
    expect(await dedupEvent(ctx.db, id, DEDUP)).toEqual({ kind: 'already-done' });
    expect(await snapshot()).toEqual(before);
  });
});

describe('outbox relay', () => {
  it('turns an undeliverable outbox row into a dead letter and delivers the rest', async () => {
    const e = makeEvent({ plate: { text: '29D-777.77', confidence: 0.9, color: 'WHITE' } });
    expect((await postEvent(cam('A-1'), e)).status).toBe(202);
    const bad = await ctx.db.outboxMessage.create({ data: { queue: 'nowhere', entityId: '00000000-0000-4000-8000-000000000000' } });
    const relay = relayWith(REDIS_URL);
    expect(await relay.relayOnce()).toBeGreaterThanOrEqual(2);
    const letters = await ctx.db.failedJob.findMany({ where: { queue: 'nowhere' } });
    expect(letters.map((l) => [l.jobId, l.reason, l.payload])).toEqual([
      [`outbox-row-${bad.id}`, expect.stringMatching(/unknown queue nowhere/), { ids: ['00000000-0000-4000-8000-000000000000'] }],
    ]);
    expect(await ctx.db.outboxMessage.count({ where: { id: bad.id } })).toBe(0);
    startDedup();
    await eventually(settled([e.eventId]), 15_000, 'the good row delivered');
  });
});
