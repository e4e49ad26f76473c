import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalendarCache, type WorkCalendar } from '../src/clock/index.ts';
import { verifySignature } from '../src/events/index.ts';
import { httpEscalationAdapter, runDeadlines, type TEscalationRequest } from '../src/followup/index.ts';
import { ContentStore } from '../src/storage/index.ts';
import { createTestContext, seedSite, silentLogger, startApi, startPipeline, type TTestContext } from './support/context.ts';
import { eventually } from './support/events.ts';
import { loadTestHolidays } from './support/holidays.ts';
import { seedNotifiedCase, type TNotifiedCase } from './support/notified-case.ts';
import { asOfficer, testOfficerAuth, testPrincipal } from './support/officer.ts';
import { seedReviewCase } from './support/review-case.ts';

// Escalations delivered and lifted through the escalation stage (relay → BullMQ → stage →
// signed HTTP) against a stub of the agencies' gateway that checks every signature; the
// owner's response recorded through the API lifts them.
const KEY = 'escalation-signing-key-for-tests-0123456789';
type TSeen = { key: string; body: TEscalationRequest };

let ctx: TTestContext;
let evidence: ContentStore;
let calendar: WorkCalendar;
let stub: Server;
let stubUrl: string;
const seen: TSeen[] = [];
const refused: string[] = [];
/** The gateway answers 503 while this is true. */
let down = false;
let api: Awaited<ReturnType<typeof startApi>>;
let pipeline: ReturnType<typeof startPipeline>;
const AGENCY = randomUUID();
const OTHER = randomUUID();
const OFFICER = randomUUID();
const me = testPrincipal([AGENCY], { officerId: OFFICER, username: 'cb.esc' });

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db);
  await loadTestHolidays(ctx.db);
  evidence = new ContentStore(ctx.evidenceDir, false);
  calendar = await new CalendarCache(ctx.db).get();
  for (const id of [AGENCY, OTHER]) await ctx.db.agency.create({ data: { id, code: `PC08-${id.slice(0, 6)}`, name: 'Phòng CSGT thử', provinceCode: '79' } });
  await ctx.db.officer.create({ data: { id: OFFICER, username: 'cb.esc', fullName: 'Ngô Văn Gỡ', agencyId: AGENCY, roles: ['REVIEWER'], passwordHash: 'not-used' } });
  stub = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const check = verifySignature({
        secret: Buffer.from(KEY),
        timestamp: req.headers['x-timestamp'] as string | undefined,
        signature: req.headers['x-signature'] as string | undefined,
        body,
        nowSeconds: Math.floor(Date.now() / 1000),
        toleranceSeconds: 300,
      });
      if (!check.ok) {
        refused.push(check.code);
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: check.code }));
        return;
      }
      if (down) {
        res.writeHead(503).end();
        return;
      }
      const key = String(req.headers['idempotency-key']);
      seen.push({ key, body: JSON.parse(body.toString('utf8')) as TEscalationRequest });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ reference: `GW-${key}` }));
    });
  });
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}/v1/escalations`;
  const env = { ESCALATION_URL: stubUrl, ESCALATION_SIGNING_KEY: KEY, RECONCILE_AFTER_SECONDS: '1' };
  api = await startApi(ctx, { officerAuth: testOfficerAuth, env });
  pipeline = startPipeline(ctx, { parts: ['relay', 'escalation'], env });
});
afterAll(async () => {
  await pipeline?.stop();
  await api?.close();
  await new Promise((r) => stub?.close(r));
  await ctx?.close();
});

const overdueCase = async (vehicleClass: 'CAR' | 'MOTORCYCLE' = 'CAR'): Promise<TNotifiedCase> => {
  const c = await seedNotifiedCase(ctx.db, evidence, calendar, { agencyId: AGENCY, vehicleClass });
  await runDeadlines(ctx.db, { now: new Date(c.responseDueAt.getTime() + 1), batch: 1000, log: silentLogger });
  return c;
};
const escalations = (caseId: string) => ctx.db.escalation.findMany({ where: { caseId }, orderBy: { target: 'asc' } });
const allIn = (caseId: string, status: string) => async () => {
  const rows = await escalations(caseId);
  return rows.length > 0 && rows.every((e) => e.status === status) ? rows : null;
};
const respond = (caseId: string, body: unknown, principal = me) =>
  fetch(`${api.baseUrl}/v1/cases/${caseId}/response`, { method: 'POST', headers: { ...asOfficer(principal), 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('escalation delivery', () => {
  it('delivers the holds signed, with an idempotency key per escalation and action, then lifts them when the owner responds', async () => {
    const c = await overdueCase('MOTORCYCLE');
    const sent = await eventually(allIn(c.caseId, 'SENT'), 15_000, 'holds sent');
    for (const e of sent) {
      expect(e.providerRef).toBe(`GW-${e.id}-hold`);
      expect(e.sentAt).not.toBeNull();
      const req = seen.find((s) => s.key === `${e.id}-hold`)!;
      expect(req.body).toMatchObject({ action: 'HOLD', escalationId: e.id, target: e.target, case: { id: c.caseId, vehicleClass: 'MOTORCYCLE' }, owner: { name: 'Trần Thị Bình' } });
      expect(req.body.form).toBe(e.target === 'COMMUNE_POLICE' ? '04' : null);
      expect(req.body.notice?.number).toMatch(/\/TB-TEST$/);
    }
    expect(refused).toEqual([]);

    const res = await respond(c.caseId, { kind: 'CAME_IN_PERSON', note: 'Chủ xe đến Phòng CSGT' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ status: 'RESPONDED', from: 'OVERDUE', liftRequested: 3, withdrawn: 0 });
    const lifted = await eventually(allIn(c.caseId, 'LIFTED'), 15_000, 'holds lifted');
    for (const e of lifted) {
      expect(e.liftedAt).not.toBeNull();
      const lift = seen.filter((s) => s.key === `${e.id}-lift`);
      expect(lift).toHaveLength(1);
      expect(lift[0]!.body).toMatchObject({ action: 'LIFT', cause: 'RESPONDED', basis: expect.stringContaining('khoản 11 Điều 47') });
    }
    const view = await fetch(`${api.baseUrl}/v1/cases/${c.caseId}/followup`, { headers: asOfficer(me) });
    expect(await view.json()).toMatchObject({ status: 'RESPONDED', canRespond: false, responses: [{ kind: 'CAME_IN_PERSON', note: 'Chủ xe đến Phòng CSGT' }], escalations: [{ status: 'LIFTED' }, { status: 'LIFTED' }, { status: 'LIFTED' }] });
    expect((await fetch(`${api.baseUrl}/v1/cases/${c.caseId}/followup`, { headers: asOfficer(testPrincipal([OTHER])) })).status).toBe(404);
    const audit = await ctx.db.auditEntry.findMany({ where: { entityType: 'escalation', entityId: lifted[0]!.id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['escalation.open', 'escalation.send', 'escalation.lift-requested', 'escalation.lift']);
  });

  it('waits while the gateway is down (nothing marked sent), and lifts by a call a hold whose send was attempted', async () => {
    down = true;
    const c = await overdueCase();
    const tried = await eventually(
      async () => {
        const rows = await escalations(c.caseId);
        return rows.every((e) => e.attempts > 0 && e.lastError) ? rows : null;
      },
      15_000,
      'attempts recorded',
    );
    expect(tried.map((e) => e.status)).toEqual(['PENDING', 'PENDING', 'PENDING']);
    expect(tried[0]!.lastError).toContain('503');
    expect(await ctx.db.failedJob.count({ where: { queue: 'escalation' } })).toBe(0);

    // The owner responds meanwhile: the agency may have had the hold, so it is lifted by a call.
    const res = await respond(c.caseId, { kind: 'DRIVER_IDENTIFIED', driverName: 'Võ Thị Cầm Lái', respondedAt: new Date(Date.now() - 3_600_000).toISOString() });
    expect(await res.json()).toMatchObject({ liftRequested: 3, withdrawn: 0 });
    expect((await escalations(c.caseId)).map((e) => e.status)).toEqual(['LIFT_PENDING', 'LIFT_PENDING', 'LIFT_PENDING']);
    down = false;
    const lifted = await eventually(allIn(c.caseId, 'LIFTED'), 20_000, 'lifted after the outage');
    for (const e of lifted) {
      // Two jobs may carry one escalation here (the held-back hold's and the lift's): a repeat
      // call carries the same Idempotency-Key, which the gateway applies once.
      const calls = seen.filter((s) => s.body.escalationId === e.id);
      expect(calls.length).toBeGreaterThanOrEqual(1);
      expect(new Set(calls.map((c) => c.key))).toEqual(new Set([`${e.id}-lift`]));
      expect(e.lastError).toBeNull();
      expect(e.sentAt).toBeNull();
    }
  });

  it('re-drives a stuck escalation (the reconciler watches PENDING and LIFT_PENDING)', async () => {
    expect(pipeline.services.reconciler()).toBeDefined();
    const c = await seedNotifiedCase(ctx.db, evidence, calendar, { agencyId: AGENCY });
    await ctx.db.case.update({ where: { id: c.caseId }, data: { status: 'OVERDUE' } });
    // As if Redis lost its job: an escalation with no outbox row and no job.
    const e = await ctx.db.escalation.create({ data: { caseId: c.caseId, target: 'DRIVING_LICENCE' } });
    await ctx.db.$executeRaw`UPDATE escalation SET updated_at = now() - interval '1 hour' WHERE id = ${e.id}::uuid`;
    const redriven = await pipeline.services.reconciler().runOnce();
    expect(redriven).toContainEqual(expect.objectContaining({ entity: 'escalation', state: 'PENDING', queue: 'escalation', ids: [e.id] }));
    await eventually(async () => (await ctx.db.escalation.findUniqueOrThrow({ where: { id: e.id } })).status === 'SENT', 15_000, 're-driven hold sent');
  });

  it('is refused by a gateway that cannot verify the signature', async () => {
    const adapter = httpEscalationAdapter({ url: stubUrl, signingKey: 'a-wrong-key-of-at-least-32-characters!!', timeoutMs: 2_000 });
    const before = refused.length;
    const req = seen[0]!.body;
    await expect(adapter.deliver(req)).rejects.toThrow(/refused HOLD .*\(401\)/);
    expect(refused.slice(before)).toEqual(['SIGNATURE_INVALID']);
  });
});

describe('POST /v1/cases/:id/response', () => {
  it('answers 404 outside the scope, for an ADMIN alone and for a malformed id; 400 for a bad body; 409 for a case without a notice', async () => {
    const c = await seedNotifiedCase(ctx.db, evidence, calendar, { agencyId: AGENCY });
    const stranger = testPrincipal([OTHER], { officerId: OFFICER, username: 'cb.other' });
    expect((await respond(c.caseId, { kind: 'CAME_IN_PERSON' }, stranger)).status).toBe(404);
    expect((await respond(c.caseId, { kind: 'CAME_IN_PERSON' }, { ...me, roles: ['ADMIN'] })).status).toBe(404);
    expect((await respond('not-a-uuid', { kind: 'CAME_IN_PERSON' })).status).toBe(404);
    const bad = await respond(c.caseId, { kind: 'DRIVER_IDENTIFIED' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ path: 'driverName' }] } });
    expect((await respond(c.caseId, { kind: 'CAME_IN_PERSON', extra: 1 })).status).toBe(400);
    expect((await respond(c.caseId, { kind: 'CAME_IN_PERSON', respondedAt: new Date(Date.now() + 86_400_000).toISOString() })).status).toBe(400);
    expect(await ctx.db.case.findUniqueOrThrow({ where: { id: c.caseId } })).toMatchObject({ status: 'NOTIFIED' });

    const inReview = await seedReviewCase(ctx.db, evidence, { agencyId: AGENCY, flags: [], images: [] });
    const conflict = await respond(inReview.caseId, { kind: 'CAME_IN_PERSON' });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: { code: 'CONFLICT', details: { status: 'PENDING_REVIEW' } } });

    // A response before sending is confirmed (NOTICE_ISSUED) is recorded too; a second one is a conflict.
    const issued = await seedNotifiedCase(ctx.db, evidence, calendar, { agencyId: AGENCY, status: 'NOTICE_ISSUED' });
    expect((await respond(issued.caseId, { kind: 'CAME_IN_PERSON' })).status).toBe(201);
    expect((await respond(issued.caseId, { kind: 'CAME_IN_PERSON' })).status).toBe(409);
    expect(await ctx.db.ownerResponse.count({ where: { caseId: issued.caseId } })).toBe(1);
  });
});
