import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postEvent, type TCameraCredentials } from '../scripts/camera-client.ts';
import { applyRules, readRuleFile, RULE_TABLES_DIR } from '../src/fines/index.ts';
import { maintenanceQueue, pipelineStatus, startMaintenance } from '../src/queues/index.ts';
import { RegistryUnavailableError, type VehicleRegistry } from '../src/registry/index.ts';
import { ContentStore } from '../src/storage/index.ts';
import { CAMERA_SECRET, createTestContext, seedSite, startApi, startPipeline, testServices, type TTestContext } from './support/context.ts';
import { eventually, makeEvent } from './support/events.ts';

let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;
let cam: TCameraCredentials;
const closers: (() => Promise<unknown>)[] = [];
const FAST = { RECONCILE_AFTER_SECONDS: '1' };

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db, { site: 'R-1', cameras: ['R-CAM'] });
  await applyRules(ctx.db, readRuleFile(join(RULE_TABLES_DIR, 'decree-168-2024.json')), 'test');
  api = await startApi(ctx);
  cam = { baseUrl: api.baseUrl, cameraCode: 'R-CAM', secret: CAMERA_SECRET };
});
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
afterAll(async () => {
  await api.close();
  await ctx.close();
});

/** What a Redis restart without persistence (or a FLUSHALL) does to this file's queues. */
const wipeQueues = async () => {
  const keys = await ctx.redis.keys(`${ctx.prefix}:*`);
  if (keys.length) await ctx.redis.del(...keys);
};

const plates = (n: number, series: string) => Array.from({ length: n }, (_, i) => `${series}-${String(100 + i).padStart(3, '0')}.${String(i % 100).padStart(2, '0')}`);
const post = async (texts: string[]) => {
  const events = texts.map((text) => makeEvent({ plate: { text, confidence: 0.95, color: 'WHITE' } }));
  for (const e of events) expect((await postEvent(cam, e)).status).toBe(202);
  return events;
};
const outboxEmpty = async () => (await ctx.db.outboxMessage.count()) === 0;
const ages = () => new Promise((r) => setTimeout(r, 1_100));

describe('reconciler', () => {
  it('re-drives events and cases whose jobs Redis lost, and each case reaches PENDING_REVIEW exactly once', async () => {
    const events = await post(plates(60, '51F'));
    // The relay alone: every event becomes a job in Redis, no outbox row remains...
    const relayOnly = startPipeline(ctx, { parts: ['relay'] });
    await eventually(outboxEmpty, 15_000, 'outbox drained into Redis');
    await relayOnly.stop();
    // ...then Redis loses them: the events would wait RECEIVED for ever.
    await wipeQueues();
    await ages();
    const services = testServices(ctx, { env: FAST });
    closers.push(services.close);
    const before = await pipelineStatus(services.db(), services.machines, 1, services.queues());
    expect(before.states.find((s) => s.state === 'RECEIVED')).toMatchObject({ count: 60, overdue: 60 });

    const redriven = await services.reconciler().runOnce();
    expect(redriven.map((r) => [r.entity, r.state, r.queue, r.ids.length])).toEqual([['camera_event', 'RECEIVED', 'dedup', 60]]);
    const counted = (await services.metrics().redriven.get()).values;
    expect(counted).toEqual([{ labels: { entity: 'camera_event', state: 'RECEIVED', queue: 'dedup' }, value: 60 }]);
    // A second run finds every event in flight (outbox row) and re-drives nothing.
    expect(await services.reconciler().runOnce()).toEqual([]);

    // Dedup and owner run; the fine stage does not, and Redis is lost again mid-pipeline.
    const early = startPipeline(ctx, { parts: ['relay', 'dedup', 'owner'] });
    await eventually(async () => (await ctx.db.case.count({ where: { status: 'OWNER_RESOLVED' } })) === 60 && (await outboxEmpty()), 20_000, 'cases waiting for the fine stage');
    await early.stop();
    await wipeQueues();
    await ages();
    expect((await services.reconciler().runOnce()).map((r) => [r.entity, r.state, r.ids.length])).toEqual([['case', 'OWNER_RESOLVED', 60]]);

    const all = startPipeline(ctx);
    closers.push(all.stop);
    await eventually(async () => (await ctx.db.case.count({ where: { status: 'PENDING_REVIEW' } })) === 60, 20_000, 'every case in review');
    await new Promise((r) => setTimeout(r, 300));

    const cases = await ctx.db.case.findMany({ include: { events: true } });
    expect(cases).toHaveLength(60);
    expect(cases.every((c) => c.events.length === 1 && c.status === 'PENDING_REVIEW')).toBe(true);
    expect(new Set(cases.flatMap((c) => c.events.map((e) => e.deviceEventId)))).toEqual(new Set(events.map((e) => e.eventId)));
    // Exactly once: each case has one entry per transition, each event one per move.
    const trail = await ctx.db.auditEntry.groupBy({ by: ['entityType', 'action'], _count: true, orderBy: { action: 'asc' } });
    expect(Object.fromEntries(trail.map((t) => [`${t.entityType} ${t.action}`, t._count]))).toMatchObject({
      'camera_event event.receive': 60,
      'camera_event event.dedup': 60,
      'case case.open': 60,
      'case case.owner': 60,
      'case case.assess': 60,
      'case case.queue-for-review': 60,
    });
    const after = await pipelineStatus(services.db(), services.machines, 1, services.queues());
    expect(after.states.every((s) => s.count === 0)).toBe(true);
  });

  it('leaves alone what is in flight: an outbox row, a job waiting for the registry, a dead letter', async () => {
    const down: VehicleRegistry = {
      lookup: async () => {
        throw new RegistryUnavailableError('registry down');
      },
      lookupMany: async (qs) => qs.map(() => new RegistryUnavailableError('registry down')),
    };
    const [waiting, lettered] = await post(['30G-111.11', '30G-222.22']);
    const p = startPipeline(ctx, { registry: down });
    closers.push(p.stop);
    const caseOf = async (deviceEventId: string) => (await ctx.db.cameraEvent.findFirst({ where: { deviceEventId } }))?.caseId;
    const waitingCase = await eventually(() => caseOf(waiting!.eventId), 15_000, 'case opened');
    const letteredCase = await eventually(() => caseOf(lettered!.eventId), 15_000, 'case opened');
    await eventually(outboxEmpty, 15_000, 'outbox drained');
    // The second case's job is recorded as a dead letter (as if it had failed for good).
    await ctx.db.failedJob.create({ data: { queue: 'owner', jobId: 'x', payload: { ids: [letteredCase] }, reason: 'test', attempts: 10 } });
    await ages();
    // An event whose outbox row the relay has not taken yet (the relay is stopped).
    await p.stop();
    closers.pop();
    const [queued] = await post(['30G-333.33']);
    const queuedEvent = (await ctx.db.cameraEvent.findFirstOrThrow({ where: { deviceEventId: queued!.eventId } })).id;
    await ages();
    const services = testServices(ctx, { env: FAST });
    closers.push(services.close);
    const redriven = (await services.reconciler().runOnce()).flatMap((r) => r.ids);
    expect(redriven).not.toContain(waitingCase);
    expect(redriven).not.toContain(letteredCase);
    expect(redriven).not.toContain(queuedEvent);
    expect(await ctx.db.outboxMessage.count({ where: { entityId: queuedEvent } })).toBe(1);
    expect(await ctx.db.case.count({ where: { id: { in: [waitingCase, letteredCase] }, status: 'DETECTED' } })).toBe(2);
  });

  it('runs on a schedule, one run at a time across processes, and keeps running after Redis loses its keys', async () => {
    const services = testServices(ctx, { env: { ...FAST, RECONCILE_INTERVAL_SECONDS: '1' } });
    closers.push(services.close);
    // Each run takes 600 ms while two processes poll a 1 s schedule: the runs must never overlap.
    const runs: [number, number][] = [];
    const slowRun = async () => {
      const start = Date.now();
      await new Promise((r) => setTimeout(r, 600));
      runs.push([start, Date.now()]);
    };
    const tasks = services.maintenanceTasks().map((t) => (t.name === 'reconcile' ? { ...t, run: slowRun } : t));
    const deps = { queueConnection: services.redis(), workerConnection: services.workerRedis(), prefix: ctx.prefix, logger: services.logger, checkEveryMs: 300 };
    const processes = [await startMaintenance(tasks, deps), await startMaintenance(tasks, deps)];
    closers.push(() => Promise.all(processes.map((p) => p.close())));
    const reconcileQueue = processes[0]!.queues.find((q) => q.name === maintenanceQueue('reconcile'))!;
    expect(processes[0]!.queues.map((q) => q.name).sort()).toEqual([
      'maintenance-audit-checkpoint',
      'maintenance-deadlines',
      'maintenance-expire-review-claims',
      'maintenance-post-batch',
      'maintenance-reassess-stale',
      'maintenance-reconcile',
      'maintenance-sweep-evidence',
    ]);
    expect(await reconcileQueue.getGlobalConcurrency()).toBe(1);
    await eventually(async () => runs.length >= 2, 15_000, 'two scheduled runs');

    // Redis forgets everything: the schedules come back by themselves and the runs go on.
    await wipeQueues();
    const seen = runs.length;
    await eventually(async () => runs.length >= seen + 2, 15_000, 'scheduled runs after the wipe');
    expect(await reconcileQueue.getGlobalConcurrency()).toBe(1);
    const sorted = runs.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]![0]).toBeGreaterThanOrEqual(sorted[i - 1]![1]);
  });
});

describe('evidence sweep (a maintenance task)', () => {
  it('removes the files a refused event left behind and keeps every file an event refers to', async () => {
    const first = makeEvent({ plate: { text: '51K-777.77', confidence: 0.95, color: 'WHITE' } });
    expect((await postEvent(cam, first)).status).toBe(202);
    // The same eventId with another image: refused with 409 after its evidence was written.
    const conflicting = { ...makeEvent(), eventId: first.eventId };
    expect((await postEvent(cam, conflicting)).status).toBe(409);
    const services = testServices(ctx, { env: { EVIDENCE_ORPHAN_AGE_SECONDS: '1', EVIDENCE_SWEEP_PARTS: '1' } });
    closers.push(services.close);
    const orphanPath = services.evidence().pathOf(ContentStore.sha256(Buffer.from(conflicting.evidence[0]!.data, 'base64')));
    expect(existsSync(orphanPath)).toBe(true);
    await ages();
    const sweep = services.maintenanceTasks().find((t) => t.name === 'sweep-evidence')!;
    const report = (await sweep.run(services.logger)) as { removed: number };
    expect(report.removed).toBeGreaterThanOrEqual(1);
    expect(existsSync(orphanPath)).toBe(false);
    const kept = await ctx.db.evidence.findMany({ select: { sha256: true } });
    expect(kept.length).toBeGreaterThan(0);
    for (const { sha256 } of kept) expect(existsSync(services.evidence().pathOf(sha256))).toBe(true);
  });
});
