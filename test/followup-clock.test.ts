import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalendarCache, type WorkCalendar } from '../src/clock/index.ts';
import { recordOwnerResponse, runDeadlines } from '../src/followup/index.ts';
import { claimNext, decide } from '../src/review/index.ts';
import { ContentStore } from '../src/storage/index.ts';
import { adminRunner } from './support/admin.ts';
import { createTestContext, seedSite, silentLogger, testServices, type TTestContext } from './support/context.ts';
import { loadTestHolidays } from './support/holidays.ts';
import { seedNotifiedCase } from './support/notified-case.ts';
import { seedReviewCase } from './support/review-case.ts';

// The statutory clock after sending, run as the deadlines task runs it, with the clock
// moved by passing `now` (never by sleeping): overdue → escalations, a response stops it,
// the limitation ends every unresolved case, a second run changes nothing more.
let ctx: TTestContext;
let evidence: ContentStore;
let calendar: WorkCalendar;
let services: ReturnType<typeof testServices>;
const AGENCY = randomUUID();
const OFFICER = randomUUID();
const admin = adminRunner(() => ({ db: ctx.db, services }));

const principal = () => ({
  officerId: OFFICER,
  username: 'cb.clock',
  fullName: 'Lê Thị Hạn',
  agencyId: AGENCY,
  agencyCode: 'PC08-CLK',
  roles: ['REVIEWER' as const],
  scopeAgencyIds: [AGENCY],
  via: 'bearer' as const,
});

const run = (now: Date) => runDeadlines(ctx.db, { now, batch: 1000, log: silentLogger });
const statusOf = async (id: string) => (await ctx.db.case.findUniqueOrThrow({ where: { id } })).status;
const escalationsOf = async (caseId: string) =>
  (await ctx.db.escalation.findMany({ where: { caseId }, orderBy: { target: 'asc' } })).map((e) => ({ target: e.target, status: e.status }));
/** An entity's audit entries, oldest first, with their data. */
const historyOf = (entityType: string, entityId: string) => ctx.db.auditEntry.findMany({ where: { entityType, entityId }, orderBy: { id: 'asc' } });
const outboxOf = async (ids: string[]) => ctx.db.outboxMessage.count({ where: { entityId: { in: ids }, queue: 'escalation' } });

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db);
  await loadTestHolidays(ctx.db);
  evidence = new ContentStore(ctx.evidenceDir, false);
  calendar = await new CalendarCache(ctx.db).get();
  services = testServices(ctx);
  await ctx.db.agency.upsert({ where: { id: AGENCY }, create: { id: AGENCY, code: 'PC08-CLK', name: 'Phòng CSGT thử', provinceCode: '79' }, update: {} });
  await ctx.db.officer.create({ data: { id: OFFICER, username: 'cb.clock', fullName: 'Lê Thị Hạn', agencyId: AGENCY, roles: ['REVIEWER'], passwordHash: 'not-used' } });
});
afterAll(async () => {
  await services?.close();
  await ctx?.close();
});

describe('20 days after sending with no response', () => {
  it('moves NOTIFIED cases to OVERDUE at the end of the response date, with their escalations (form 04 for a motorbike only)', async () => {
    const car = await seedNotifiedCase(ctx.db, evidence, calendar, { agencyId: AGENCY, vehicleClass: 'CAR' });
    const moto = await seedNotifiedCase(ctx.db, evidence, calendar, { agencyId: AGENCY, vehicleClass: 'MOTORCYCLE', sentAt: car.sentAt });
    // The last moment of the period: still running.
    const before = await run(car.responseDueAt);
    expect(before.overdue.overdue).toBe(0);
    expect(await statusOf(car.caseId)).toBe('NOTIFIED');

    const after = new Date(car.responseDueAt.getTime() + 1);
    const r = await run(after);
    expect(r.overdue).toMatchObject({ overdue: 2, escalations: 6 });
    expect(await statusOf(car.caseId)).toBe('OVERDUE');
    expect(await statusOf(moto.caseId)).toBe('OVERDUE');
    expect(await escalationsOf(car.caseId)).toEqual([
      { target: 'INSPECTION_REGISTRY', status: 'PENDING' },
      { target: 'VEHICLE_REGISTRATION', status: 'PENDING' },
      { target: 'DRIVING_LICENCE', status: 'PENDING' },
    ]);
    expect(await escalationsOf(moto.caseId)).toEqual([
      { target: 'VEHICLE_REGISTRATION', status: 'PENDING' },
      { target: 'DRIVING_LICENCE', status: 'PENDING' },
      { target: 'COMMUNE_POLICE', status: 'PENDING' },
    ]);
    // Handed to the escalation stage in the same transaction.
    const ids = (await ctx.db.escalation.findMany({ where: { caseId: { in: [car.caseId, moto.caseId] } } })).map((e) => e.id);
    expect(await outboxOf(ids)).toBe(6);

    // Audited with the basis and the holds asked for.
    const history = await historyOf('case', car.caseId);
    const entry = history.find((h) => h.action === 'case.overdue')!;
    expect(entry).toMatchObject({ actor: 'system:deadlines', fromState: 'NOTIFIED', toState: 'OVERDUE' });
    expect(entry.data).toMatchObject({ basis: 'khoản 5 Điều 24 Thông tư 73/2024/TT-BCA', escalations: ['INSPECTION_REGISTRY', 'VEHICLE_REGISTRATION', 'DRIVING_LICENCE'] });
    const opened = await historyOf('escalation', ids[0]!);
    expect(opened[0]).toMatchObject({ action: 'escalation.open', toState: 'PENDING', actor: 'system:deadlines' });

    // Run again, and again a day later: nothing more.
    const again = await run(after);
    const later = await run(new Date(after.getTime() + 86_400_000));
    for (const x of [again, later]) expect(x.overdue).toMatchObject({ overdue: 0, escalations: 0 });
    expect(await ctx.db.escalation.count({ where: { caseId: { in: [car.caseId, moto.caseId] } } })).toBe(6);
    expect(await outboxOf(ids)).toBe(6);
  });

  it('does not escalate a case whose owner responded before the response date', async () => {
    const c = await seedNotifiedCase(ctx.db, evidence, calendar, { agencyId: AGENCY });
    const answered = await recordOwnerResponse(ctx.db, principal(), c.caseId, { kind: 'CAME_IN_PERSON' });
    expect(answered).toMatchObject({ status: 'RESPONDED', from: 'NOTIFIED', liftRequested: 0, withdrawn: 0 });
    await run(new Date(c.responseDueAt.getTime() + 86_400_000));
    expect(await statusOf(c.caseId)).toBe('RESPONDED');
    expect(await ctx.db.escalation.count({ where: { caseId: c.caseId } })).toBe(0);
    const history = await historyOf('case', c.caseId);
    expect(history.at(-1)).toMatchObject({ action: 'case.owner-responded', actor: 'officer:cb.clock', fromState: 'NOTIFIED', toState: 'RESPONDED' });
  });

  it('withdraws escalations never sent, without a call, when the owner responds after the date', async () => {
    const c = await seedNotifiedCase(ctx.db, evidence, calendar, { agencyId: AGENCY });
    await run(new Date(c.responseDueAt.getTime() + 1));
    const r = await recordOwnerResponse(ctx.db, principal(), c.caseId, { kind: 'DRIVER_IDENTIFIED', driverName: 'Phạm Văn Lái', driverIdNumber: '079201001234' });
    expect(r).toMatchObject({ from: 'OVERDUE', withdrawn: 3, liftRequested: 0 });
    expect((await escalationsOf(c.caseId)).map((e) => e.status)).toEqual(['LIFTED', 'LIFTED', 'LIFTED']);
    const row = await ctx.db.ownerResponse.findFirstOrThrow({ where: { caseId: c.caseId } });
    expect(row).toMatchObject({ kind: 'DRIVER_IDENTIFIED', driverName: 'Phạm Văn Lái', driverIdNumber: '079201001234', officerId: OFFICER });
  });
});

describe('the 1-year limitation', () => {
  it('time-bars unresolved cases in review and after the notice, releases claims, lifts escalations, and leaves resolved ones', async () => {
    const inReview = await seedReviewCase(ctx.db, evidence, { agencyId: AGENCY, flags: [], images: [] });
    const claimed = await claimNext({ db: ctx.db, leaseSeconds: 600 }, principal());
    expect(claimed?.id).toBe(inReview.caseId);
    const notified = await seedNotifiedCase(ctx.db, evidence, calendar, { agencyId: AGENCY });
    const overdue = await seedNotifiedCase(ctx.db, evidence, calendar, { agencyId: AGENCY });
    await run(new Date(overdue.responseDueAt.getTime() + 1));
    // One escalation sent already: its hold must be lifted by a call.
    const sent = await ctx.db.escalation.findFirstOrThrow({ where: { caseId: overdue.caseId, target: 'VEHICLE_REGISTRATION' } });
    await ctx.db.escalation.update({ where: { id: sent.id }, data: { status: 'SENT', attempts: 1, sentAt: new Date() } });
    const rejected = await seedReviewCase(ctx.db, evidence, { agencyId: AGENCY, flags: [], images: [] });
    await ctx.db.case.update({ where: { id: rejected.caseId }, data: { status: 'REJECTED' } });

    const ends = (await ctx.db.case.findUniqueOrThrow({ where: { id: inReview.caseId } })).limitationEndsAt!;
    // The last moment of the year: still usable.
    await run(ends);
    expect(await statusOf(inReview.caseId)).toBe('PENDING_REVIEW');

    const past = new Date(ends.getTime() + 86_400_000);
    const r = await run(past);
    expect(r.timeBarred.timeBarred).toBeGreaterThanOrEqual(3);
    for (const id of [inReview.caseId, notified.caseId, overdue.caseId]) expect(await statusOf(id)).toBe('TIME_BARRED');
    expect(await statusOf(rejected.caseId)).toBe('REJECTED');
    // The officer's claim went with it: a decision now answers 409, the queue no longer holds it.
    const row = await ctx.db.case.findUniqueOrThrow({ where: { id: inReview.caseId } });
    expect(row).toMatchObject({ claimedBy: null, claimId: null, claimExpiresAt: null });
    expect(await claimNext({ db: ctx.db, leaseSeconds: 600 }, principal())).toBeNull();
    const late = decide({ db: ctx.db, supervisorThresholdVnd: 20_000_000, qaSampleRate: 0 }, principal(), inReview.caseId, { decision: 'APPROVE' });
    await expect(late).rejects.toMatchObject({ status: 409 });
    // The sent hold is lifted by a call, the others withdrawn without one.
    const lifted = await escalationsOf(overdue.caseId);
    expect(lifted).toEqual([
      { target: 'INSPECTION_REGISTRY', status: 'LIFTED' },
      { target: 'VEHICLE_REGISTRATION', status: 'LIFT_PENDING' },
      { target: 'DRIVING_LICENCE', status: 'LIFTED' },
    ]);
    expect(await outboxOf([sent.id])).toBe(2);
    const entry = (await historyOf('case', inReview.caseId)).at(-1)!;
    expect(entry).toMatchObject({ action: 'case.time-barred', actor: 'system:deadlines', fromState: 'PENDING_REVIEW', toState: 'TIME_BARRED' });
    expect(entry.reason).toContain('can no longer be used');
    expect(entry.data).toMatchObject({ basis: 'khoản 1, khoản 2 và điểm b khoản 3 Điều 4 Nghị định 168/2024/NĐ-CP' });

    // A second run changes nothing more; a response is refused now.
    const again = await run(past);
    expect(again.timeBarred.timeBarred).toBe(0);
    await expect(recordOwnerResponse(ctx.db, principal(), notified.caseId, { kind: 'CAME_IN_PERSON' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('uses the capture date where the fine stage recorded no limitation end', async () => {
    const c = await seedReviewCase(ctx.db, evidence, { agencyId: AGENCY, flags: [], images: [] });
    const captured = new Date('2025-03-10T03:00:00Z');
    await ctx.db.case.update({ where: { id: c.caseId }, data: { status: 'DETECTED', limitationEndsAt: null, firstCapturedAt: captured } });
    // 10 March 2026, 23:59:59.999 in Vietnam is the last moment.
    await run(new Date('2026-03-10T16:59:59.999Z'));
    expect(await statusOf(c.caseId)).toBe('DETECTED');
    await run(new Date('2026-03-10T17:00:00.000Z'));
    expect(await statusOf(c.caseId)).toBe('TIME_BARRED');
  });
});

describe('the notice limit and the admin commands', () => {
  it('counts cases close to or past the 10-day notice limit, and prints what a run did', async () => {
    const soon = await seedReviewCase(ctx.db, evidence, { agencyId: AGENCY, flags: [], images: [], noticeDueAt: new Date(Date.now() + 86_400_000) });
    const r = await run(new Date());
    expect(r.noticeLimit.first.map((c) => c.id)).toContain(soon.caseId);
    expect(r.noticeLimit.approaching).toBeGreaterThanOrEqual(1);

    const c = await seedNotifiedCase(ctx.db, evidence, calendar, { agencyId: AGENCY, vehicleClass: 'MOPED' });
    const at = new Date(c.responseDueAt.getTime() + 60_000).toISOString();
    const out = await admin('deadlines', 'run', '--at', at);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('overdue (no response in 20 days): 1 case(s), 3 escalation(s) opened (VEHICLE_REGISTRATION 1, DRIVING_LICENCE 1, COMMUNE_POLICE 1)');
    expect(out.stdout).toMatch(/notice limit \(10 days\): \d+ approaching, \d+ missed/);
    expect((await admin('deadlines', 'run', '--at', at)).stdout).toContain('overdue (no response in 20 days): 0 case(s), 0 escalation(s) opened');
    const status = await admin('deadlines', 'status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^cases\toverdue\t\d+$/m);
    expect(status.stdout).toMatch(/^escalations\tPENDING\t\d+$/m);
    expect(status.stdout).toMatch(/^cases\ttime-barred\t\d+$/m);
    expect(status.stdout).toMatch(/^cases\tnotice limit approaching \(≤ 2 days\)\t[1-9]\d*$/m);
    expect((await admin('deadlines', 'run', '--at', 'yesterday')).code).not.toBe(0);
  });

  it('is the `deadlines` maintenance task, which sets the notice-limit gauge', async () => {
    const task = services.maintenanceTasks().find((t) => t.name === 'deadlines')!;
    expect(task.everyMs).toBe(900_000);
    await task.run(silentLogger);
    const { body } = await services.metricsText({ pipeline: false });
    expect(body).toMatch(/^pn_notice_limit_cases\{when="approaching"\} [1-9]\d*$/m);
  });
});
