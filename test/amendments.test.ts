import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEvent, type TCameraCredentials } from '../scripts/camera-client.ts';
import {
  AMENDMENTS_DIR,
  amendmentsNotApplied,
  applyAmendment,
  applyRules,
  listAmendments,
  readAmendmentFile,
  readRuleFile,
  RULE_TABLES_DIR,
  RuleCache,
} from '../src/fines/index.ts';
import { importRegistryCsv } from '../src/registry/index.ts';
import { CAMERA_SECRET, createTestContext, seedSite, startApi, startPipeline, testServices, type TTestContext } from './support/context.ts';
import { eventually, makeEvent } from './support/events.ts';
import { loadTestHolidays } from './support/holidays.ts';
import { adminRunner } from './support/admin.ts';

const D238 = readAmendmentFile(join(AMENDMENTS_DIR, 'decree-238-2026.json'));

describe('amendmentsNotApplied (pure)', () => {
  const pending = [{ decree: '238/2026/NĐ-CP', amends: '168/2024/NĐ-CP', effectiveFrom: '2026-08-15', articles: [] as number[] }];
  const rule = { decree: '168/2024/NĐ-CP', article: 6 };

  it('Decree 238/2026 (Art 20: in force from 15 Aug 2026): not for an act of 14 Aug, yes from 15 Aug (Decree 168 Art 54: the rules of the act date)', () => {
    expect(amendmentsNotApplied(pending, '2026-08-14', rule)).toEqual([]);
    expect(amendmentsNotApplied(pending, '2026-08-15', rule).map((a) => a.decree)).toEqual(['238/2026/NĐ-CP']);
  });

  it('touches only the decree it amends, and only the articles it names when they are known', () => {
    expect(amendmentsNotApplied(pending, '2026-09-01', { decree: '100/2019/NĐ-CP', article: 5 })).toEqual([]);
    const scoped = [{ ...pending[0]!, articles: [13] }];
    expect(amendmentsNotApplied(scoped, '2026-09-01', rule)).toEqual([]);
    expect(amendmentsNotApplied(scoped, '2026-09-01', { ...rule, article: 13 })).toHaveLength(1);
  });

  it('with no rule for the act, any amendment in force may be the one that covers it', () => {
    expect(amendmentsNotApplied(pending, '2026-09-01', null)).toHaveLength(1);
  });

  it('the checked-in record of Decree 238/2026 amends Decree 168/2024 from 2026-08-15, articles unknown', () => {
    expect(D238).toMatchObject({ decree: '238/2026/NĐ-CP', amends: '168/2024/NĐ-CP', effectiveFrom: '2026-08-15', articles: [] });
  });
});

describe('cases captured after an amendment that is not loaded', () => {
  let ctx: TTestContext;
  let api: Awaited<ReturnType<typeof startApi>>;
  let services: ReturnType<typeof testServices>;
  let cam: TCameraCredentials;
  const stops: (() => Promise<unknown>)[] = [];

  const admin = adminRunner(() => ({ db: ctx.db, services }));

  const reviewedCase = (eventId: string) => async () => {
    const ev = await ctx.db.cameraEvent.findFirst({ where: { deviceEventId: eventId } });
    const c = ev?.caseId ? await ctx.db.case.findUnique({ where: { id: ev.caseId } }) : null;
    return c?.status === 'PENDING_REVIEW' ? c : null;
  };

  /** A red light by a registered car at `capturedAt`, through the whole pipeline to review. */
  const caseAt = async (capturedAt: string, plate = '51F-200.01') => {
    const e = makeEvent({ capturedAt, plate: { text: plate, confidence: 0.97, color: 'WHITE' } });
    expect((await postEvent(cam, e)).status).toBe(202);
    return eventually(reviewedCase(e.eventId), 20_000, 'case in review');
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    services = testServices(ctx);
    await seedSite(ctx.db, { site: 'HCM-A', cameras: ['HCM-A-CAM'] });
    await applyRules(ctx.db, readRuleFile(join(RULE_TABLES_DIR, 'decree-168-2024.json')), 'test');
    await loadTestHolidays(ctx.db);
    const csv = [
      'plate,plate_color,vehicle_class,make,model,color,owner_type,owner_name,owner_id,address,province,email,phone,valid_from,valid_to',
      '51F-200.01,WHITE,CAR,Toyota,Vios,Trắng,PERSON,Trần Thị Hoa,079085009999,"5 Lý Tự Trọng",TP. Hồ Chí Minh,,,2024-01-01,',
      '51F-200.02,WHITE,CAR,Mazda,CX-5,Đen,PERSON,Phạm Văn Minh,079085008888,"9 Pasteur",TP. Hồ Chí Minh,,,2024-01-01,',
    ].join('\n');
    expect((await importRegistryCsv(ctx.db, csv, 'test')).errors).toEqual([]);
    expect(await applyAmendment(ctx.db, D238, 'test')).toBe('added');
    expect(await applyAmendment(ctx.db, D238, 'test')).toBe('unchanged');
    api = await startApi(ctx);
    cam = { baseUrl: api.baseUrl, cameraCode: 'HCM-A-CAM', secret: CAMERA_SECRET };
    // ttl 0: a review or a load reaches the fine stage at once.
    const p = startPipeline(ctx, { rules: new RuleCache(ctx.db, 0) });
    stops.push(p.stop);
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    await api.close();
    await services.close();
    await ctx.close();
  });

  it('flags RULES_MAY_BE_OUTDATED from 00:00 on 15 Aug 2026 Vietnam time, not at 23:59:59 on the 14th, and says why in the audit', async () => {
    const before = await caseAt('2026-08-14T16:59:59.000Z');
    expect(before.flags).toEqual([]);
    expect(before.legalBasis).toBe('điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP');

    // One second later, another car (the same car a second later would be the same act).
    const after = await caseAt('2026-08-14T17:00:00.000Z', '51F-200.02');
    expect(after.flags).toEqual(['RULES_MAY_BE_OUTDATED']);
    // Still assessed under the rows in force, so the officer sees the proposal and the doubt.
    expect(after.fineAmount).toBe(19_000_000);
    const audit = await ctx.db.auditEntry.findFirst({ where: { entityId: after.id, action: 'case.assess' } });
    expect(audit?.reason).toContain('not applied, in force at capture: 238/2026/NĐ-CP');
  });

  it('an operator review (audited) lifts the flag for cases assessed afterwards; a second review is refused', async () => {
    const list = await admin('fines', 'amendments', 'list');
    expect(list.stdout).toMatch(/238\/2026\/NĐ-CP\t168\/2024\/NĐ-CP\t2026-08-15\tunknown\tPENDING/);

    expect((await admin('fines', 'amendments', 'review', '238/2026/NĐ-CP')).code).not.toBe(0);
    const unknown = await admin('fines', 'amendments', 'review', '239/2026/NĐ-CP', '--note', 'x');
    expect(unknown).toMatchObject({ code: 1, stderr: 'error: no amendment 239/2026/NĐ-CP is recorded (recorded: 238/2026/NĐ-CP)\n' });
    // Typed with D for Đ, as keyboards and copied texts often give it: the recorded decree is meant.
    const done = await admin('fines', 'amendments', 'review', '238/2026/nd-cp', '--note', 'official text read: no camera act changed');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^238\/2026\/NĐ-CP reviewed\n/);
    expect((await admin('fines', 'amendments', 'list')).stdout).toMatch(/REVIEWED\tofficial text read/);
    expect(await ctx.db.auditEntry.count({ where: { entityId: '238/2026/NĐ-CP', action: 'fines.amendment-review' } })).toBe(1);

    const again = await admin('fines', 'amendments', 'review', '238/2026/NĐ-CP', '--note', 'twice');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('already reviewed');

    expect((await caseAt('2026-09-01T03:00:00.000Z')).flags).toEqual([]);
  });

  it('an amendment whose rows are loaded counts as LOADED', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pn-amend-'));
    const other = { ...D238, decree: '999/2026/NĐ-CP', effectiveFrom: '2026-10-01' };
    writeFileSync(join(dir, 'a.json'), JSON.stringify(other));
    expect((await admin('fines', 'amendments', 'load', join(dir, 'a.json'))).stdout).toContain('recorded 999/2026/NĐ-CP');
    expect((await caseAt('2026-10-02T03:00:00.000Z')).flags).toEqual(['RULES_MAY_BE_OUTDATED']);

    const rules = {
      decree: '999/2026/NĐ-CP',
      title: 'test amendment',
      effectiveFrom: '2026-10-01',
      effectiveTo: null,
      sourceNote: 'test',
      rules: [{ code: 'ND999-1.1.a:RED_LIGHT', version: 1, violation: 'RED_LIGHT', vehicleClasses: ['CAR'], conditions: {}, fineMin: 1, fineMax: 3, points: 0, article: 1, clause: 1, point: 'a', communeCompetent: false }],
    };
    writeFileSync(join(dir, 'r.json'), JSON.stringify(rules));
    expect((await admin('fines', 'load', join(dir, 'r.json'), '--apply')).code).toBe(0);
    expect((await listAmendments(ctx.db)).map((a) => [a.decree, a.status])).toEqual([
      ['238/2026/NĐ-CP', 'REVIEWED'],
      ['999/2026/NĐ-CP', 'LOADED'],
    ]);
    const c = await caseAt('2026-10-03T03:00:00.000Z');
    expect(c.flags).toEqual([]);
    expect(c.fineAmount).toBe(2);

    const changed = { ...other, articles: [6] };
    writeFileSync(join(dir, 'a.json'), JSON.stringify(changed));
    const conflict = await admin('fines', 'amendments', 'load', join(dir, 'a.json'));
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('already recorded with other articles');
  });
});
