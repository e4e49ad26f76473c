import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEvent, type TCameraCredentials } from '../scripts/camera-client.ts';
import { addCamera } from '../src/cameras/index.ts';
import type { TServices } from '../src/compose.ts';
import { applyRules, readRuleFile, RULE_TABLES_DIR, ruleTableFiles } from '../src/fines/index.ts';
import { Violation } from '../src/generated/prisma/enums.ts';
import { importRegistryCsv } from '../src/registry/index.ts';
import { CAMERA_SECRET, createTestContext, SECRET_KEY, startApi, startPipeline, testServices, type TTestContext, ensureTestAgency } from './support/context.ts';
import { eventually, makeEvent } from './support/events.ts';
import { loadTestHolidays } from './support/holidays.ts';
import { adminRunner } from './support/admin.ts';

let ctx: TTestContext;
let services: TServices;
let api: Awaited<ReturnType<typeof startApi>>;
let pipeline: ReturnType<typeof startPipeline>;

const REGISTRY = [
  'plate,plate_color,vehicle_class,make,model,color,owner_type,owner_name,owner_id,address,province,email,phone,valid_from,valid_to',
  '59X1-234.56,WHITE,MOTORCYCLE,Honda,Vision,Đen,PERSON,Trần Thị Mai,079190003333,"5 Võ Văn Kiệt",TP. Hồ Chí Minh,,,2024-01-01,',
  '51C-345.67,WHITE,TRUCK,Isuzu,QKR,Trắng,PERSON,Phạm Văn Đức,079085004444,"9 Lê Lợi",TP. Hồ Chí Minh,,,2024-01-01,',
].join('\n');

/** One admin command line, in this process, as `npm run admin -- …` runs it. */
const admin = adminRunner(() => ({ db: ctx.db, services }), { secretKey: SECRET_KEY });

beforeAll(async () => {
  ctx = await createTestContext();
  services = testServices(ctx);
  await loadTestHolidays(ctx.db);
  api = await startApi(ctx);
  pipeline = startPipeline(ctx);
  expect((await importRegistryCsv(ctx.db, REGISTRY, 'test')).errors).toEqual([]);
});
afterAll(async () => {
  await pipeline.stop();
  await api.close();
  await services.close();
  await ctx.close();
});

describe('the added Decree 168 rule file in the database', () => {
  it('loads beside the first file of the same decree, and loading both again adds nothing', async () => {
    const files = ruleTableFiles(RULE_TABLES_DIR);
    expect(files.map((f) => f.slice(RULE_TABLES_DIR.length))).toEqual(expect.arrayContaining(['decree-168-2024.json', 'decree-168-2024-camera-acts.json']));
    let added = 0;
    for (const f of files) added += (await applyRules(ctx.db, readRuleFile(f), 'test')).add.length;
    expect(added).toBe(await ctx.db.fineRule.count());
    for (const f of files) expect((await applyRules(ctx.db, readRuleFile(f), 'test')).add).toEqual([]);
    const noPoint = await ctx.db.fineRule.findFirstOrThrow({ where: { code: 'ND168-21.4:OVERHEIGHT_CARGO' } });
    expect(noPoint).toMatchObject({ article: 21, clause: 4, point: null, fineMin: 2_000_000, fineMax: 3_000_000, points: 2 });
  });
});

describe('site facts through the admin CLI and the fine stage', () => {
  let cam: TCameraCredentials;

  it('site add and site update set the kinds of place, audited; site list shows them', async () => {
    expect((await admin('site', 'add', '--code', 'HCM-CAU-SG', '--name', 'Cầu Sài Gòn', '--address', 'Xa lộ Hà Nội', '--province', 'TP. Hồ Chí Minh', '--urban')).code).toBe(0);
    const upd = await admin('site', 'update', '--code', 'HCM-CAU-SG', '--bridge', '--residential');
    expect(upd).toMatchObject({ code: 0, stdout: 'site HCM-CAU-SG: urban,residential,bridge\n' });
    expect((await admin('site', 'update', '--code', 'HCM-CAU-SG', '--no-residential')).stdout).toBe('site HCM-CAU-SG: urban,bridge\n');
    expect(await ctx.db.site.findUniqueOrThrow({ where: { code: 'HCM-CAU-SG' } })).toMatchObject({ isUrban: true, isBridge: true, isResidential: false, isTunnel: false, isExpressway: false });
    const trail = await ctx.db.auditEntry.findMany({ where: { entityType: 'site', action: 'site.update' }, orderBy: { id: 'asc' } });
    expect(trail.map((a) => a.data)).toEqual([
      { code: 'HCM-CAU-SG', from: { isResidential: false, isBridge: false }, to: { isResidential: true, isBridge: true } },
      { code: 'HCM-CAU-SG', from: { isResidential: true }, to: { isResidential: false } },
    ]);
    expect((await admin('site', 'list')).stdout).toContain('HCM-CAU-SG\tCầu Sài Gòn\t79\tThành phố Hồ Chí Minh\turban,bridge\t0\n');
    expect(await admin('site', 'update', '--code', 'NOPE', '--tunnel')).toMatchObject({ code: 1, stderr: 'error: site NOPE does not exist\n' });

    await addCamera({ db: ctx.db, secretKey: SECRET_KEY, actor: 'test' }, {
      code: 'CAU-SG-1',
      siteCode: 'HCM-CAU-SG',
      agency: (await ensureTestAgency(ctx.db)).code,
      certNumber: 'KD-CAU-SG-1',
      certExpiresAt: new Date(Date.now() + 365 * 86400_000),
      secret: CAMERA_SECRET,
    });
    cam = { baseUrl: api.baseUrl, cameraCode: 'CAU-SG-1', secret: CAMERA_SECRET };
  });

  const assessed = (eventId: string) => async () => {
    const ev = await ctx.db.cameraEvent.findFirst({ where: { deviceEventId: eventId } });
    const c = ev?.caseId ? await ctx.db.case.findUnique({ where: { id: ev.caseId }, include: { fineRule: true } }) : null;
    return c?.status === 'PENDING_REVIEW' ? c : null;
  };

  it('fines a motorcycle stopping on the bridge under 7.3.c, and over-height cargo under khoản 4 Điều 21', async () => {
    const stop = makeEvent({ violation: 'ILLEGAL_STOPPING', vehicleClass: 'MOTORCYCLE', plate: { text: '59X1-234.56', confidence: 0.97, color: 'WHITE' }, signalPhase: undefined });
    const cargo = makeEvent({ violation: 'OVERHEIGHT_CARGO', vehicleClass: 'TRUCK', plate: { text: '51C-345.67', confidence: 0.97, color: 'WHITE' }, signalPhase: undefined });
    for (const e of [stop, cargo]) expect((await postEvent(cam, e)).status).toBe(202);

    const s = await eventually(assessed(stop.eventId), 20_000, 'bridge case in review');
    expect(s).toMatchObject({ flags: [], fineMin: 600_000, fineMax: 800_000, fineAmount: 700_000, points: 0, legalBasis: 'điểm c khoản 3 Điều 7 Nghị định 168/2024/NĐ-CP' });
    expect(s.fineRule?.code).toBe('ND168-7.3.c:ILLEGAL_STOPPING');

    const c = await eventually(assessed(cargo.eventId), 20_000, 'cargo case in review');
    expect(c).toMatchObject({ flags: [], fineMin: 2_000_000, fineMax: 3_000_000, fineAmount: 2_500_000, points: 2, legalBasis: 'khoản 4 Điều 21 Nghị định 168/2024/NĐ-CP' });
  });
});

describe('the camera contract', () => {
  it('lists every violation code in the OpenAPI document, with what a code means', async () => {
    const doc = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as { components: { schemas: { CameraEvent: { properties: { violation: { enum: string[]; description: string } } } } } };
    const violation = doc.components.schemas.CameraEvent.properties.violation;
    expect(violation.enum).toEqual(Object.values(Violation));
    expect(violation.description).toContain('new codes are only ever added');
  });
});
