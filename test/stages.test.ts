import { join } from 'node:path';
import { Queue, UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postEvent, type TCameraCredentials } from '../scripts/camera-client.ts';
import { addAgency } from '../src/accounts/index.ts';
import { verifyAuditChain } from '../src/audit/index.ts';
import { assessCase, reresolveCases, resolveOwner } from '../src/cases/index.ts';
import { CalendarCache, limitationEnds, noticeDue, WorkCalendar } from '../src/clock/index.ts';
import { applyRules, NO_ORG_MULTIPLIER, readRuleFile, RULE_TABLES_DIR, RuleCache } from '../src/fines/index.ts';
import { listDeadLetters, QUEUES, redriveDeadLetter } from '../src/queues/index.ts';
import { DatabaseRegistry, HttpRegistry, importRegistryCsv, type VehicleRegistry } from '../src/registry/index.ts';
import { CAMERA_SECRET, createTestContext, seedSite, startApi, startPipeline as startPipelineOf, type TTestContext } from './support/context.ts';
import { eventually, makeEvent } from './support/events.ts';
import { loadTestHolidays } from './support/holidays.ts';
import { sampleRecord, startRegistryStub } from './support/registry-stub.ts';
import { REDIS_URL } from './support/urls.ts';

let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;
let cam: TCameraCredentials;
const closers: (() => Promise<unknown>)[] = [];

const REGISTRY = [
  'plate,plate_color,vehicle_class,make,model,color,owner_type,owner_name,owner_id,address,province,email,phone,valid_from,valid_to',
  '51F-100.01,WHITE,CAR,Toyota,Vios,Trắng,PERSON,Nguyễn Văn An,079085001234,"12 Lê Thánh Tôn",TP. Hồ Chí Minh,,,2024-01-01,',
  '51F-100.02,WHITE,MOTORCYCLE,Honda,Wave,Đỏ,PERSON,Lê Văn Bảo,079085005678,"3 Nguyễn Trãi",TP. Hồ Chí Minh,,,2024-01-01,',
  '60C-100.03,YELLOW,TRUCK,Hyundai,Mighty,Trắng,ORGANISATION,Công ty Vận tải Xanh,3602123456,"KCN Amata",Đồng Nai,,,2024-01-01,',
  '51F-100.04,WHITE,CAR,Kia,Morning,Xanh,PERSON,Võ Thị Cúc,079190002222,"8 Hai Bà Trưng",TP. Hồ Chí Minh,,,2024-01-01,',
].join('\n');

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db, { site: 'HCM-1', cameras: ['HCM-CAM'] });
  await addAgency({ db: ctx.db, actor: 'test' }, { code: 'PC08-DNA', name: 'Phòng CSGT Công an tỉnh Đồng Nai', province: 'Đồng Nai' });
  await ctx.db.site.update({ where: { code: 'HCM-1' }, data: { province: 'TP. Hồ Chí Minh' } });
  await applyRules(ctx.db, readRuleFile(join(RULE_TABLES_DIR, 'decree-168-2024.json')), 'test');
  await loadTestHolidays(ctx.db);
  expect((await importRegistryCsv(ctx.db, REGISTRY, 'test')).errors).toEqual([]);
  api = await startApi(ctx);
  cam = { baseUrl: api.baseUrl, cameraCode: 'HCM-CAM', secret: CAMERA_SECRET };
});
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
afterAll(async () => {
  await api.close();
  await ctx.close();
});

const conn = () => {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  closers.push(async () => r.disconnect());
  return r;
};

/** The whole pipeline in-process: relay, dedup, owner (with `registry`), fine. */
const startPipeline = (registry?: VehicleRegistry, rules?: RuleCache) => {
  const p = startPipelineOf(ctx, { registry, rules });
  closers.push(p.stop);
  return p;
};

const caseOf = async (deviceEventId: string) => {
  const ev = await ctx.db.cameraEvent.findFirst({ where: { deviceEventId } });
  return ev?.caseId ? ctx.db.case.findUnique({ where: { id: ev.caseId }, include: { owner: true, fineRule: true } }) : null;
};
const reviewed = (deviceEventId: string) => async () => {
  const c = await caseOf(deviceEventId);
  return c?.status === 'PENDING_REVIEW' ? c : null;
};
const plate = (text: string, confidence = 0.95, color = 'WHITE') => ({ text, confidence, color });

describe('dedup → owner → fine → PENDING_REVIEW', () => {
  it('brings a registered car to review with its owner, fine, legal basis, unit and dates, every step audited', async () => {
    startPipeline();
    const e = makeEvent({ plate: plate('51F-100.01') });
    expect((await postEvent(cam, e)).status).toBe(202);
    const c = await eventually(reviewed(e.eventId), 20_000, 'case in review');
    expect(c).toMatchObject({
      flags: [],
      fineMin: 18_000_000,
      fineMax: 20_000_000,
      fineAmount: 19_000_000,
      fineMultiplier: 1,
      points: 4,
      legalBasis: 'điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP',
      fineRuleVersion: 1,
      handlingUnitKind: 'DETECTING_UNIT',
      handlingUnit: 'Phòng CSGT Công an TP. Hồ Chí Minh',
      handlingProvinceCode: '79',
      detectingUnit: 'Phòng CSGT Công an TP. Hồ Chí Minh',
    });
    // The handling unit is the detecting agency, as a row.
    expect(c.handlingAgencyId).not.toBeNull();
    expect(c.handlingAgencyId).toBe(c.detectingAgencyId);
    expect(c.owner?.name).toBe('Nguyễn Văn An');
    expect(c.fineRule?.code).toBe('ND168-6.9.b:RED_LIGHT');
    const calendar = await new CalendarCache(ctx.db).get();
    expect(c.noticeDueAt).toEqual(noticeDue(c.firstCapturedAt, calendar).at);
    expect(c.limitationEndsAt).toEqual(limitationEnds(c.firstCapturedAt).at);
    const trail = await ctx.db.auditEntry.findMany({ where: { entityType: 'case', entityId: c.id }, orderBy: { id: 'asc' } });
    expect(trail.map((a) => [a.actor, a.fromState, a.toState])).toEqual([
      ['system:dedup', null, 'DETECTED'],
      ['system:owner', 'DETECTED', 'OWNER_RESOLVED'],
      ['system:fine', 'OWNER_RESOLVED', 'FINE_ASSESSED'],
      ['system:fine', 'FINE_ASSESSED', 'PENDING_REVIEW'],
    ]);
    expect(trail.every((a) => a.reason)).toBe(true);
    expect(await verifyAuditChain(ctx.db, 'case', c.id)).toBeNull();

    // A job that runs again changes nothing.
    const snapshot = await ctx.db.case.findUnique({ where: { id: c.id } });
    expect(await resolveOwner(ctx.db, new DatabaseRegistry(ctx.db), c.id)).toEqual({ kind: 'already-done' });
    expect(await assessCase(ctx.db, new RuleCache(ctx.db), new CalendarCache(ctx.db), NO_ORG_MULTIPLIER, c.id)).toEqual({ kind: 'already-done' });
    expect(await ctx.db.case.findUnique({ where: { id: c.id } })).toEqual(snapshot);
    expect(await ctx.db.auditEntry.count({ where: { entityId: c.id } })).toBe(trail.length);
  });

  it('flags what a person must look at, and still brings the case to review', async () => {
    startPipeline();
    const events = {
      unregistered: makeEvent({ plate: plate('51F-999.98') }),
      lowConfidence: makeEvent({ plate: plate('51F-100.04', 0.6) }),
      mismatch: makeEvent({ plate: plate('51F-100.02'), vehicleClass: 'CAR' }),
      noRule: makeEvent({ plate: plate('51F-100.04'), violation: 'NO_HELMET', vehicleClass: 'CAR' }),
      organisation: makeEvent({ plate: plate('60C-100.03', 0.95, 'YELLOW'), vehicleClass: 'TRUCK', violation: 'SPEEDING', speed: { measuredKmh: 83, limitKmh: 60 } }),
    };
    for (const e of Object.values(events)) expect((await postEvent(cam, e)).status).toBe(202);
    const got = Object.fromEntries(
      await Promise.all(Object.entries(events).map(async ([k, e]) => [k, await eventually(reviewed(e.eventId), 20_000, k)] as const)),
    );
    expect(got.unregistered!.flags).toEqual(['UNREGISTERED_PLATE']);
    expect(got.unregistered!.ownerId).toBeNull();
    expect(got.lowConfidence!.flags).toEqual(['LOW_CONFIDENCE_READ']);
    expect(got.mismatch!.flags).toEqual(['CLASS_MISMATCH']);
    expect(got.noRule!).toMatchObject({ flags: ['NO_RULE'], fineAmount: null, fineRuleId: null, legalBasis: null });
    // An organisation has no licence to take points from (Decree 168 Art 50), and no
    // clause of the decree doubles its amount: the individual amount, flagged for a supervisor.
    expect(got.organisation!).toMatchObject({
      flags: ['ORGANISATION_OWNER'],
      fineMultiplier: 1,
      fineAmount: 7_000_000,
      points: 0,
      legalBasis: 'điểm a khoản 6 Điều 6 Nghị định 168/2024/NĐ-CP',
      handlingUnitKind: 'PROVINCIAL_TRAFFIC_POLICE',
      handlingUnit: 'Phòng Cảnh sát giao thông Công an tỉnh Đồng Nai',
      handlingProvinceCode: '75',
      // Đồng Nai's division is on record as an agency: the case names it.
      handlingAgencyId: (await ctx.db.agency.findUniqueOrThrow({ where: { code: 'PC08-DNA' } })).id,
    });
  });

  it('lets a case wait in DETECTED while the registry is down, spending no attempts, then goes on', async () => {
    const stub = await startRegistryStub({ '30A55555|WHITE': sampleRecord('30A55555') });
    closers.push(() => stub.close());
    stub.setFallback('drop');
    const registry = new HttpRegistry({ baseUrl: stub.url, timeoutMs: 200, retries: 1, backoffMs: 10, volumeThreshold: 2, resetTimeoutMs: 200 });
    closers.push(async () => registry.shutdown());
    startPipeline(registry);
    const e = makeEvent({ plate: plate('30A-555.55') });
    expect((await postEvent(cam, e)).status).toBe(202);
    await eventually(async () => (await caseOf(e.eventId))?.status === 'DETECTED' && stub.seen.length >= 2, 20_000, 'owner look-up failing');
    await new Promise((r) => setTimeout(r, 500));
    const waiting = await caseOf(e.eventId);
    expect(waiting?.status).toBe('DETECTED');
    // The job waits without spending attempts.
    const owners = new Queue(QUEUES.owner, { connection: conn(), prefix: ctx.prefix });
    closers.push(() => owners.close());
    const job = (await owners.getJobs(['delayed', 'waiting', 'active'])).find((j) => (j.data as { ids: string[] }).ids.includes(waiting!.id));
    expect(job!.attemptsMade).toBe(0);
    expect((job!.data as { waits?: number }).waits).toBeGreaterThan(0);

    stub.setFallback('ok');
    const c = await eventually(reviewed(e.eventId), 20_000, 'case in review after the registry is back');
    expect(c.owner?.name).toBe('Đặng Thu Hà');
    expect(await listDeadLetters(ctx.db)).toEqual([]);
  });
});

describe('holiday calendar', () => {
  it('flags HOLIDAYS_UNCONFIRMED when no calendar is loaded for the notice deadline, counting weekends only', async () => {
    const loaded = await ctx.db.holidayYear.findMany();
    await ctx.db.holidayYear.deleteMany();
    try {
      startPipeline();
      const e = makeEvent({ plate: plate('51F-100.01'), violation: 'WRONG_LANE' });
      expect((await postEvent(cam, e)).status).toBe(202);
      const c = await eventually(reviewed(e.eventId), 20_000, 'case in review');
      expect(c.flags).toEqual(['HOLIDAYS_UNCONFIRMED']);
      expect(c.noticeDueAt).toEqual(noticeDue(c.firstCapturedAt, new WorkCalendar([])).at);
    } finally {
      await ctx.db.holidayYear.createMany({ data: loaded.map(({ year, status, calendar }) => ({ year, status, calendar: calendar as object })) });
    }
  });
});

describe('dead letters', () => {
  it('records a job that failed for good and re-drives it', async () => {
    let broken = true;
    const rules = new RuleCache(ctx.db);
    const flaky = {
      get: async () => {
        if (broken) throw new UnrecoverableError('rule table unreadable');
        return rules.get();
      },
      pendingAmendments: () => rules.pendingAmendments(),
    } as unknown as RuleCache;
    startPipeline(new DatabaseRegistry(ctx.db), flaky);
    const e = makeEvent({ plate: plate('51F-100.04'), violation: 'SIGN_VIOLATION' });
    expect((await postEvent(cam, e)).status).toBe(202);
    const [letter] = await eventually(async () => {
      const rows = await listDeadLetters(ctx.db);
      return rows.length ? rows : null;
    }, 20_000, 'a dead letter');
    expect(letter).toMatchObject({ queue: 'fine', reason: 'rule table unreadable' });
    const c = await caseOf(e.eventId);
    expect(c?.status).toBe('OWNER_RESOLVED');
    expect(letter!.payload).toEqual({ ids: [c!.id] });

    broken = false;
    expect(await redriveDeadLetter(ctx.db, letter!.id, 'test')).toBe('1 item(s) handed to fine again');
    const done = await eventually(reviewed(e.eventId), 20_000, 'case in review after re-drive');
    expect(done.fineAmount).toBe(500_000);
    expect(await listDeadLetters(ctx.db)).toEqual([]);
    await expect(redriveDeadLetter(ctx.db, letter!.id, 'test')).rejects.toThrow(/already re-driven/);
  });
});

describe('re-resolving after a registry import', () => {
  it('sends UNREGISTERED_PLATE cases back to the look-up, which now finds the owner, audited as the operator', async () => {
    startPipeline();
    const e = makeEvent({ plate: plate('51F-777.01') });
    expect((await postEvent(cam, e)).status).toBe(202);
    const before = await eventually(reviewed(e.eventId), 20_000, 'case in review, unregistered');
    expect(before.flags).toEqual(['UNREGISTERED_PLATE']);
    expect(await reresolveCases(ctx.db, { flag: 'UNREGISTERED_PLATE', since: new Date(Date.now() + 86_400_000), actor: 'admin-cli:ops', reason: 'x' })).toBe(0);

    const row = '51F-777.01,WHITE,CAR,Mazda,CX-5,Đỏ,PERSON,Trần Thị Hoa,079190007777,"9 Pasteur",TP. Hồ Chí Minh,,,2024-01-01,';
    expect((await importRegistryCsv(ctx.db, `${REGISTRY.split('\n')[0]}\n${row}`, 'test')).errors).toEqual([]);
    const flagged = await ctx.db.case.count({ where: { status: 'PENDING_REVIEW', flags: { has: 'UNREGISTERED_PLATE' } } });
    expect(flagged).toBeGreaterThanOrEqual(1);
    expect(await reresolveCases(ctx.db, { flag: 'UNREGISTERED_PLATE', actor: 'admin-cli:ops', reason: 'registry imported' })).toBe(flagged);

    const after = await eventually(async () => {
      const c = await caseOf(e.eventId);
      return c?.status === 'PENDING_REVIEW' && c.ownerId ? c : null;
    }, 20_000, 'case back in review with its owner');
    expect(after.flags).toEqual([]);
    expect(after.owner?.name).toBe('Trần Thị Hoa');
    expect(after.fineAmount).toBe(before.fineAmount);
    const trail = await ctx.db.auditEntry.findMany({ where: { entityType: 'case', entityId: after.id }, orderBy: { id: 'asc' } });
    expect(trail.map((a) => [a.actor, a.action, a.toState])).toEqual([
      ['system:dedup', 'case.open', 'DETECTED'],
      ['system:owner', 'case.owner', 'OWNER_RESOLVED'],
      ['system:fine', 'case.assess', 'FINE_ASSESSED'],
      ['system:fine', 'case.queue-for-review', 'PENDING_REVIEW'],
      ['admin-cli:ops', 'case.reresolve', 'DETECTED'],
      ['system:owner', 'case.owner', 'OWNER_RESOLVED'],
      ['system:fine', 'case.assess', 'FINE_ASSESSED'],
      ['system:fine', 'case.queue-for-review', 'PENDING_REVIEW'],
    ]);
    expect(await verifyAuditChain(ctx.db, 'case', after.id)).toBeNull();
  });
});
