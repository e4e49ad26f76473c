import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEvent, type TCameraCredentials } from '../scripts/camera-client.ts';
import { reassessStale } from '../src/cases/index.ts';
import { CalendarCache, noticeDue, vietnamDate, WorkCalendar } from '../src/clock/index.ts';
import { AMENDMENTS_DIR, applyAmendment, applyRules, readAmendmentFile, readRuleFile, RULE_TABLES_DIR, RuleCache } from '../src/fines/index.ts';
import { importRegistryCsv } from '../src/registry/index.ts';
import { CAMERA_SECRET, createTestContext, seedSite, startApi, startPipeline, testServices, type TTestContext } from './support/context.ts';
import { eventually, makeEvent } from './support/events.ts';
import { adminRunner } from './support/admin.ts';

// When the legal data a case was assessed with changes (an amendment reviewed or loaded,
// a holiday year loaded), the cases waiting for review that it affects are assessed again,
// audited, by the running pipeline with its default caches: nobody has to remember to.

let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;
let services: ReturnType<typeof testServices>;
let cam: TCameraCredentials;
let stop: () => Promise<unknown>;
const dir = mkdtempSync(join(tmpdir(), 'pn-reassess-'));

const admin = adminRunner(() => ({ db: ctx.db, services }));

const caseOf = async (eventId: string) => {
  const ev = await ctx.db.cameraEvent.findFirst({ where: { deviceEventId: eventId } });
  return ev?.caseId ? ctx.db.case.findUnique({ where: { id: ev.caseId } }) : null;
};
const inReviewWith = (eventId: string, ok: (flags: string[]) => boolean) => async () => {
  const c = await caseOf(eventId);
  return c?.status === 'PENDING_REVIEW' && ok(c.flags) ? c : null;
};

beforeAll(async () => {
  ctx = await createTestContext();
  services = testServices(ctx);
  await seedSite(ctx.db, { site: 'HCM-R', cameras: ['HCM-R-CAM'] });
  await applyRules(ctx.db, readRuleFile(join(RULE_TABLES_DIR, 'decree-168-2024.json')), 'test');
  const csv = [
    'plate,plate_color,vehicle_class,make,model,color,owner_type,owner_name,owner_id,address,province,email,phone,valid_from,valid_to',
    '51F-300.01,WHITE,CAR,Toyota,Vios,Trắng,PERSON,Ngô Thị Lan,079085007777,"1 Đồng Khởi",TP. Hồ Chí Minh,,,2024-01-01,',
  ].join('\n');
  expect((await importRegistryCsv(ctx.db, csv, 'test')).errors).toEqual([]);
  // No holiday years and Decree 238/2026 pending: a case captured now carries both flags.
  expect(await applyAmendment(ctx.db, readAmendmentFile(join(AMENDMENTS_DIR, 'decree-238-2026.json')), 'test')).toBe('added');
  api = await startApi(ctx);
  cam = { baseUrl: api.baseUrl, cameraCode: 'HCM-R-CAM', secret: CAMERA_SECRET };
  stop = startPipeline(ctx).stop;
});
afterAll(async () => {
  await stop();
  await api.close();
  await services.close();
  await ctx.close();
});

describe('re-assessment when legal data changes', () => {
  it('a holiday year loaded lifts HOLIDAYS_UNCONFIRMED and recounts the deadline; an amendment reviewed lifts RULES_MAY_BE_OUTDATED; both audited', async () => {
    const e = makeEvent({ plate: { text: '51F-300.01', confidence: 0.97, color: 'WHITE' } });
    expect((await postEvent(cam, e)).status).toBe(202);
    const first = await eventually(inReviewWith(e.eventId, (f) => f.length > 0), 20_000, 'flagged case');
    expect([...first.flags].sort()).toEqual(['HOLIDAYS_UNCONFIRMED', 'RULES_MAY_BE_OUTDATED']);

    // The year the notice falls due in, as an announced year (a fixture, so the test does
    // not depend on which checked-in years are still provisional when it runs).
    const dueYear = Number(vietnamDate(first.noticeDueAt!).slice(0, 4));
    const file = join(dir, `vn-${dueYear}.json`);
    writeFileSync(file, JSON.stringify({ year: dueYear, status: 'announced', sources: ['test fixture'], daysOff: [], workingDays: [] }));
    const loaded = await admin('holidays', 'load', file, '--apply');
    expect(loaded.code).toBe(0);
    expect(loaded.stdout).toContain('1 case(s) waiting for review flagged HOLIDAYS_UNCONFIRMED: sent back to the fine stage\n');
    expect(loaded.stdout).not.toContain('other case(s)');

    const second = await eventually(inReviewWith(e.eventId, (f) => !f.includes('HOLIDAYS_UNCONFIRMED')), 20_000, 'holidays flag lifted');
    expect(second.flags).toEqual(['RULES_MAY_BE_OUTDATED']);
    const calendar = new WorkCalendar([{ year: dueYear, status: 'announced', sources: ['test fixture'], daysOff: [], workingDays: [] }]);
    expect(second.noticeDueAt).toEqual(noticeDue(second.firstCapturedAt, calendar).at);

    // The year replaced (here only its sources): the unflagged case due in it goes back too, and is counted as such.
    writeFileSync(file, JSON.stringify({ year: dueYear, status: 'announced', sources: ['test fixture, corrected'], daysOff: [], workingDays: [] }));
    const replaced = await admin('holidays', 'load', file, '--apply');
    expect(replaced.stdout).not.toContain('flagged HOLIDAYS_UNCONFIRMED');
    expect(replaced.stdout).toContain(`1 other case(s) waiting for review with a notice deadline in ${dueYear}: sent back to the fine stage to count it with this calendar\n`);
    await eventually(inReviewWith(e.eventId, (f) => f.length === 1), 20_000, 'recounted with the replaced year');

    const reviewed = await admin('fines', 'amendments', 'review', '238/2026/NĐ-CP', '--note', 'test: read, no change to the loaded rows');
    expect(reviewed.stdout).toContain('1 case(s) flagged RULES_MAY_BE_OUTDATED sent back to the fine stage');
    const third = await eventually(inReviewWith(e.eventId, (f) => f.length === 0), 20_000, 'amendment flag lifted');
    expect(third.fineAmount).toBe(19_000_000);

    const trail = await ctx.db.auditEntry.findMany({ where: { entityId: first.id, action: 'case.reassess' }, orderBy: { id: 'asc' } });
    expect(trail.map((t) => t.reason)).toEqual([`holiday calendar ${dueYear} loaded`, `holiday calendar ${dueYear} loaded`, 'amendment 238/2026/NĐ-CP reviewed: test: read, no change to the loaded rows']);
    expect(trail.every((t) => t.actor === 'admin-cli:test')).toBe(true);
  });

  it('an amendment recorded later sends back the cases in review captured from its date; the maintenance sweep lifts a flag a stale fine job left', async () => {
    const e = makeEvent({ plate: { text: '51F-300.01', confidence: 0.97, color: 'WHITE' }, violation: 'SIGN_VIOLATION', signalPhase: undefined });
    expect((await postEvent(cam, e)).status).toBe(202);
    const before = await eventually(inReviewWith(e.eventId, () => true), 20_000, 'case in review');
    expect(before.flags).toEqual([]);

    const day = vietnamDate(before.firstCapturedAt);
    const file = join(dir, 'a.json');
    writeFileSync(file, JSON.stringify({ decree: '998/2026/NĐ-CP', amends: '168/2024/NĐ-CP', title: 'test', effectiveFrom: day, articles: [6], sourceNote: 'test fixture' }));
    const loaded = await admin('fines', 'amendments', 'load', file);
    expect(loaded.stdout).toContain(`case(s) waiting for review captured from ${day} sent back to the fine stage`);
    await eventually(inReviewWith(e.eventId, (f) => f.includes('RULES_MAY_BE_OUTDATED')), 20_000, 'flagged after the amendment');

    // A fine job that held the old table commits after the review: the flag stays although
    // nothing is pending any more. The sweep finds it and sends the case back.
    expect((await admin('fines', 'amendments', 'review', '998/2026/NĐ-CP', '--note', 'test')).code).toBe(0);
    await eventually(inReviewWith(e.eventId, (f) => f.length === 0), 20_000, 'flag lifted');
    await ctx.db.case.update({ where: { id: before.id }, data: { flags: ['RULES_MAY_BE_OUTDATED'] } });
    const report = await reassessStale(ctx.db, { rules: new RuleCache(ctx.db), calendar: new CalendarCache(ctx.db) }, { actor: 'maintenance:test', batch: 100 });
    expect(report).toEqual({ withdrawnRule: 0, amendmentFlag: 1, holidayFlag: 0 });
    await eventually(inReviewWith(e.eventId, (f) => f.length === 0), 20_000, 'flag lifted by the sweep');
    expect(await reassessStale(ctx.db, { rules: new RuleCache(ctx.db), calendar: new CalendarCache(ctx.db) }, { actor: 'maintenance:test', batch: 100 })).toEqual({
      withdrawnRule: 0,
      amendmentFlag: 0,
      holidayFlag: 0,
    });
  });

  it('puts FORBIDDEN_TURN before an officer to confirm (the code covered U-turns before they had their own)', async () => {
    const e = makeEvent({ plate: { text: '51F-300.01', confidence: 0.97, color: 'WHITE' }, violation: 'FORBIDDEN_TURN', signalPhase: undefined });
    expect((await postEvent(cam, e)).status).toBe(202);
    const c = await eventually(inReviewWith(e.eventId, () => true), 20_000, 'case in review');
    expect(c.flags).toContain('ACT_TO_CONFIRM');
    expect(c.legalBasis).toBe('điểm k khoản 4 Điều 6 Nghị định 168/2024/NĐ-CP');
  });
});
