import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postEvent, type TCameraCredentials } from '../scripts/camera-client.ts';
import { verifyAuditChain } from '../src/audit/index.ts';
import { addCamera } from '../src/cameras/index.ts';
import { reassessCases } from '../src/cases/index.ts';
import { applyRules, readRuleTable, RULE_TABLES_DIR, RuleCache } from '../src/fines/index.ts';
import { importRegistryCsv } from '../src/registry/index.ts';
import { loadTestHolidays } from './support/holidays.ts';
import { CAMERA_SECRET, createTestContext, SECRET_KEY, seedSite, startApi, startPipeline, type TTestContext, ensureTestAgency } from './support/context.ts';
import { eventually, makeEvent } from './support/events.ts';
import { adminRunner } from './support/admin.ts';

/** The Decree 168 table as deployed databases first loaded it, before the corrections. */
const FIRST_LOAD = join(import.meta.dirname, 'support/decree-168-2024-first-load.json');
const CORRECTED = join(RULE_TABLES_DIR, 'decree-168-2024.json');

let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;
let cam: TCameraCredentials;
const closers: (() => Promise<unknown>)[] = [];

const REGISTRY = [
  'plate,plate_color,vehicle_class,make,model,color,owner_type,owner_name,owner_id,address,province,email,phone,valid_from,valid_to',
  '59-HA 200.01,WHITE,MOTORCYCLE,Honda,Vision,Đỏ,PERSON,Phạm Văn Dũng,079085003333,"5 Lý Tự Trọng",TP. Hồ Chí Minh,,,2024-01-01,',
  '51F-200.02,WHITE,CAR,Kia,Morning,Xanh,PERSON,Võ Thị Cúc,079190002222,"8 Hai Bà Trưng",TP. Hồ Chí Minh,,,2024-01-01,',
  '60C-200.03,YELLOW,TRUCK,Hyundai,Mighty,Trắng,ORGANISATION,Công ty Vận tải Xanh,3602123456,"KCN Amata",Đồng Nai,,,2024-01-01,',
].join('\n');

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db, { site: 'HCM-1', cameras: ['HCM-CAM'] });
  await loadTestHolidays(ctx.db);
  const first = readRuleTable(FIRST_LOAD);
  expect(first.withdraws).toEqual([]);
  await applyRules(ctx.db, first.rules, 'test');
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

const run = adminRunner(() => ({ db: ctx.db, services: api.services }), { actor: 'admin-cli:ops' });

const caseOf = async (eventId: string) => {
  const ev = await ctx.db.cameraEvent.findFirst({ where: { deviceEventId: eventId } });
  return ev?.caseId ? ctx.db.case.findUnique({ where: { id: ev.caseId }, include: { fineRule: true } }) : null;
};
const inReview = (eventId: string, ruleCode?: string) => async () => {
  const c = await caseOf(eventId);
  return c?.status === 'PENDING_REVIEW' && (!ruleCode || c.fineRule?.code === ruleCode) ? c : null;
};
const moto = (over: Record<string, unknown>) =>
  makeEvent({ vehicleClass: 'MOTORCYCLE', plate: { text: '59-HA 200.01', confidence: 0.95, color: 'WHITE' }, signalPhase: undefined, ...over });

describe('correcting a loaded fine table', () => {
  it('withdraws the wrong rows of a database that has them, re-assesses the cases in review, and changes nothing when loaded again', async () => {
    const p = startPipeline(ctx);
    closers.push(p.stop);
    const parked = moto({ violation: 'ILLEGAL_PARKING' });
    const two = moto({ violation: 'EXCESS_PASSENGERS', passengerCount: 2 });
    const red = makeEvent({ plate: { text: '51F-200.02', confidence: 0.95, color: 'WHITE' } });
    for (const e of [parked, two, red]) expect((await postEvent(cam, e)).status).toBe(202);
    const before = {
      parked: await eventually(inReview(parked.eventId), 20_000, 'parking case'),
      two: await eventually(inReview(two.eventId), 20_000, 'passengers case'),
      red: await eventually(inReview(red.eventId), 20_000, 'red-light case'),
    };
    expect(before.parked.fineRule?.code).toBe('ND168-7.2.e:ILLEGAL_PARKING');
    expect(before.two.fineRule).toMatchObject({ code: 'ND168-7.2.g:EXCESS_PASSENGERS', version: 1, communeCompetent: false });

    const dry = await run('fines', 'load', CORRECTED);
    expect(dry.stdout).toContain("- ND168-7.2.g:EXCESS_PASSENGERS v1 withdrawn: Wrongly marked outside the commune police chief's competence");
    // A row this database never loaded (7.2.d for ILLEGAL_PARKING, briefly on main) is not withdrawn here.
    expect(dry.stdout).toContain('ND168-7.2.d:ILLEGAL_PARKING v1 was never loaded here: nothing to withdraw');
    expect(dry.stdout).toContain('6 to withdraw, 0 already withdrawn');
    expect(await ctx.db.fineRule.count({ where: { withdrawnAt: { not: null } } })).toBe(0);

    const applied = await run('fines', 'load', CORRECTED, '--apply');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/loaded \d+ rule\(s\), withdrew 6/);
    expect(applied.stdout).toContain('1 case(s) waiting for review were assessed with a withdrawn rule: sent back to the fine stage');

    const two2 = await eventually(inReview(two.eventId, 'ND168-7.2.g:EXCESS_PASSENGERS'), 20_000, 'passengers case re-assessed');
    expect(two2.fineRule).toMatchObject({ version: 2, communeCompetent: true });
    expect(two2).toMatchObject({ legalBasis: 'điểm g khoản 2 Điều 7 Nghị định 168/2024/NĐ-CP', fineAmount: 500_000, points: 0 });
    const trail = await ctx.db.auditEntry.findMany({ where: { entityType: 'case', entityId: two2.id }, orderBy: { id: 'asc' } });
    expect(trail.map((a) => [a.actor, a.action, a.toState])).toEqual([
      ['system:dedup', 'case.open', 'DETECTED'],
      ['system:owner', 'case.owner', 'OWNER_RESOLVED'],
      ['system:fine', 'case.assess', 'FINE_ASSESSED'],
      ['system:fine', 'case.queue-for-review', 'PENDING_REVIEW'],
      ['admin-cli:ops', 'case.reassess', 'OWNER_RESOLVED'],
      ['system:fine', 'case.assess', 'FINE_ASSESSED'],
      ['system:fine', 'case.queue-for-review', 'PENDING_REVIEW'],
    ]);
    expect(trail[4]).toMatchObject({ fromState: 'PENDING_REVIEW', reason: 'assessed with a fine rule since withdrawn as wrong', data: { rule: 'ND168-7.2.g:EXCESS_PASSENGERS@1' } });
    expect(await verifyAuditChain(ctx.db, 'case', two2.id)).toBeNull();
    // Cases whose rule stands are left alone (motorbike parking under a sign stays 7.2.e).
    for (const c of [before.red, before.parked]) {
      expect(await ctx.db.case.findUnique({ where: { id: c.id } })).toMatchObject({ status: 'PENDING_REVIEW', updatedAt: c.updatedAt });
    }

    // The wrong row is kept (the case's history points at it), withdrawn with its reason, audited.
    const old = await ctx.db.fineRule.findUnique({ where: { code_version: { code: 'ND168-7.2.g:EXCESS_PASSENGERS', version: 1 } } });
    expect(old?.withdrawnReason).toBe(
      "Wrongly marked outside the commune police chief's competence (điểm b khoản 4 Điều 41 Nghị định 168/2024/NĐ-CP); replaced by ND168-7.2.g:EXCESS_PASSENGERS@2",
    );
    const withdrawal = await ctx.db.auditEntry.findFirst({ where: { entityType: 'fine_rule', entityId: old!.id } });
    expect(withdrawal).toMatchObject({ actor: 'admin-cli:ops', action: 'fines.withdraw', reason: old!.withdrawnReason });
    expect((await run('fines', 'list', '--withdrawn')).stdout).toContain('ND168-7.2.g:EXCESS_PASSENGERS@1');

    const again = await run('fines', 'load', CORRECTED, '--apply');
    expect(again.stdout).toContain('0 to add');
    expect(again.stdout).toContain('0 to withdraw, 6 already withdrawn');
    expect(again.stdout).toContain('loaded 0 rule(s), withdrew 0');
    expect(await ctx.db.auditEntry.count({ where: { action: 'fines.withdraw' } })).toBe(6);
    expect((await run('cases', 'reassess', '--withdrawn')).stdout).toContain('no case waiting for review was assessed with a withdrawn rule');
  });

  it('re-assesses a case as another act (an officer changing the act), audited with the change', async () => {
    const p = startPipeline(ctx);
    closers.push(p.stop);
    const e = moto({ violation: 'FORBIDDEN_TURN' });
    expect((await postEvent(cam, e)).status).toBe(202);
    const c = await eventually(inReview(e.eventId), 20_000, 'turn case');
    expect(c.legalBasis).toBe('điểm a khoản 3 Điều 7 Nghị định 168/2024/NĐ-CP');
    expect(await reassessCases(ctx.db, { select: { caseIds: [c.id] }, violation: 'FORBIDDEN_U_TURN', actor: 'officer:lan', reason: 'the footage shows a U-turn' })).toBe(1);
    const after = await eventually(inReview(e.eventId, 'ND168-7.2.k:FORBIDDEN_U_TURN'), 20_000, 'case re-assessed as a U-turn');
    expect(after).toMatchObject({ violation: 'FORBIDDEN_U_TURN', legalBasis: 'điểm k khoản 2 Điều 7 Nghị định 168/2024/NĐ-CP', fineMin: 400_000, fineMax: 600_000, points: 0 });
    const step = await ctx.db.auditEntry.findFirst({ where: { entityId: c.id, action: 'case.reassess' } });
    expect(step).toMatchObject({ actor: 'officer:lan', reason: 'the footage shows a U-turn', data: { rule: 'ND168-7.3.a:FORBIDDEN_TURN@1', violation: { from: 'FORBIDDEN_TURN', to: 'FORBIDDEN_U_TURN' } } });
    // Only cases waiting for review go back.
    expect(await reassessCases(ctx.db, { select: { caseIds: [c.id, '00000000-0000-4000-8000-000000000000'] }, actor: 'officer:lan', reason: 'again' })).toBe(1);
  });

  it('gives an organisation owner no points and the individual amount, flagged for a supervisor', async () => {
    const p = startPipeline(ctx);
    closers.push(p.stop);
    const e = makeEvent({ vehicleClass: 'TRUCK', plate: { text: '60C-200.03', confidence: 0.95, color: 'YELLOW' } });
    expect((await postEvent(cam, e)).status).toBe(202);
    const c = await eventually(inReview(e.eventId), 20_000, 'organisation case');
    expect(c).toMatchObject({ flags: ['ORGANISATION_OWNER'], fineMultiplier: 1, fineAmount: 19_000_000, points: 0, legalBasis: 'điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP' });
    const assessed = await ctx.db.auditEntry.findFirst({ where: { entityId: c.id, action: 'case.assess' }, orderBy: { id: 'desc' } });
    expect(assessed?.reason).toContain("0 points (organisation owner: the rule's 4 points go on the driver's licence once identified, Decree 168 Art 50)");
    expect(assessed?.data).toMatchObject({ rulePoints: 4 });
  });

  it('fines a car U-turn in a road tunnel under điểm đ khoản 4 Điều 6 (2 points), the site marked as a tunnel', async () => {
    const added = await run('site', 'add', '--code', 'HAM-THU-THIEM', '--name', 'Hầm Thủ Thiêm', '--address', 'Đại lộ Võ Văn Kiệt', '--province', 'TP. Hồ Chí Minh', '--tunnel');
    expect(added.code).toBe(0);
    expect((await run('site', 'list')).stdout).toMatch(/HAM-THU-THIEM\t.*tunnel/);
    const deps = { db: ctx.db, secretKey: SECRET_KEY, actor: 'test' };
    await addCamera(deps, { code: 'HAM-CAM', siteCode: 'HAM-THU-THIEM', agency: (await ensureTestAgency(ctx.db)).code, certNumber: 'KD-HAM', certExpiresAt: new Date(Date.now() + 365 * 86_400_000), secret: CAMERA_SECRET });
    const p = startPipeline(ctx);
    closers.push(p.stop);
    const e = makeEvent({ violation: 'FORBIDDEN_U_TURN', plate: { text: '51F-200.02', confidence: 0.95, color: 'WHITE' }, signalPhase: undefined });
    expect((await postEvent({ ...cam, cameraCode: 'HAM-CAM' }, e)).status).toBe(202);
    const c = await eventually(inReview(e.eventId), 20_000, 'tunnel case');
    expect(c).toMatchObject({ legalBasis: 'điểm đ khoản 4 Điều 6 Nghị định 168/2024/NĐ-CP', fineAmount: 2_500_000, points: 2 });
  });

  it('reloads the rule table in running workers as soon as a row is withdrawn', async () => {
    const cache = new RuleCache(ctx.db);
    const inForce = (await cache.get()).filter((r) => !r.withdrawnAt).length;
    const dir = mkdtempSync(join(tmpdir(), 'pn-rules-'));
    const file = JSON.parse(readFileSync(CORRECTED, 'utf8'));
    const target = file.rules.find((r: { code: string }) => r.code === 'ND168-6.9.b:RED_LIGHT');
    file.rules = [{ ...target, code: 'TEST-6.9.b:RED_LIGHT' }];
    file.withdraws = [];
    writeFileSync(join(dir, 'a.json'), JSON.stringify(file));
    expect((await run('fines', 'load', join(dir, 'a.json'), '--apply')).code).toBe(0);
    expect((await cache.get()).filter((r) => !r.withdrawnAt).length).toBe(inForce + 1);
    file.rules = [{ ...target, code: 'TEST-6.9.b:RED_LIGHT', version: 2 }];
    file.withdraws = [{ code: 'TEST-6.9.b:RED_LIGHT', version: 1, reason: 'test', citation: 'điểm b khoản 9 Điều 6', replacedBy: ['TEST-6.9.b:RED_LIGHT@2'] }];
    writeFileSync(join(dir, 'b.json'), JSON.stringify(file));
    expect((await run('fines', 'load', join(dir, 'b.json'), '--apply')).code).toBe(0);
    expect((await cache.get()).find((r) => r.code === 'TEST-6.9.b:RED_LIGHT' && r.version === 1)?.withdrawnAt).toBeInstanceOf(Date);

    // A file may not add and withdraw one row, nor name a replacement it does not add.
    file.withdraws = [{ ...file.withdraws[0], version: 2 }];
    writeFileSync(join(dir, 'c.json'), JSON.stringify(file));
    expect((await run('fines', 'load', join(dir, 'c.json'))).stderr).toContain('rule TEST-6.9.b:RED_LIGHT@2 is both added and withdrawn');
    file.withdraws = [{ ...file.withdraws[0], version: 1, replacedBy: ['NOPE@1'] }];
    writeFileSync(join(dir, 'd.json'), JSON.stringify(file));
    expect((await run('fines', 'load', join(dir, 'd.json'))).stderr).toContain('is replaced by NOPE@1, which this file does not add');
  });
});
