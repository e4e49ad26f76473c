import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEvent } from '../scripts/camera-client.ts';
import { addAgency, hashPassword, scopeAgencyIds, verifyPassword } from '../src/accounts/index.ts';
import type { TServices } from '../src/compose.ts';
import { CAMERA_SECRET, createTestContext, SECRET_KEY, seedSite, startApi, startPipeline, testServices, TEST_AGENCY, type TTestContext } from './support/context.ts';
import { eventually, makeEvent } from './support/events.ts';
import { adminRunner } from './support/admin.ts';

let ctx: TTestContext;
let services: TServices;
const closers: (() => Promise<unknown>)[] = [];

const admin = adminRunner(() => ({ db: ctx.db, services }), { secretKey: SECRET_KEY });
const run = (args: string[], stdin = '') => admin.withStdin(stdin, ...args);
const auditOf = (entityType: string, entityId: string) =>
  ctx.db.auditEntry.findMany({ where: { entityType, entityId }, orderBy: { id: 'asc' } });

beforeAll(async () => {
  ctx = await createTestContext();
  services = testServices(ctx);
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await services.close();
  await ctx.close();
});

describe('passwords', () => {
  it('hashes with salted, versioned scrypt and verifies in constant time', async () => {
    const a = await hashPassword('mật khẩu đủ dài 123');
    const b = await hashPassword('mật khẩu đủ dài 123');
    expect(a).toMatch(/^scrypt\$1\$32768\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('mật khẩu đủ dài 123', a)).toBe(true);
    // The same text typed as decomposed Unicode (another keyboard) is the same password.
    expect(await verifyPassword('mật khẩu đủ dài 123'.normalize('NFD'), a)).toBe(true);
    expect(await verifyPassword('mật khẩu đủ dài 124', a)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$1$1$1$1$AA$AA')).toBe(false);
  });
});

describe('agencies', () => {
  it('adds agencies with a default kind and a parent, lists them, audits each add', async () => {
    expect(await admin('agency', 'add', '--code', 'C08', '--name', 'Cục Cảnh sát giao thông', '--province', 'TP. Hà Nội', '--kind', 'TRAFFIC_POLICE_DEPARTMENT')).toMatchObject({ code: 0, stdout: 'agency C08 added\n' });
    expect((await admin('agency', 'add', '--code', 'C08-CT2', '--name', 'Đội Tuần tra cao tốc số 2', '--province', 'Đồng Nai', '--kind', 'EXPRESSWAY_PATROL', '--parent', 'C08')).code).toBe(0);
    expect((await admin('agency', 'add', '--code', TEST_AGENCY.code, '--name', TEST_AGENCY.name, '--province', 'TP.HCM')).code).toBe(0);
    const list = await admin('agency', 'list');
    expect(list.stdout).toBe(
      'code\tkind\tprovince\tparent\tcameras\tofficers\tname\n' +
        'C08\tTRAFFIC_POLICE_DEPARTMENT\t01\t-\t0\t0\tCục Cảnh sát giao thông\n' +
        'C08-CT2\tEXPRESSWAY_PATROL\t75\tC08\t0\t0\tĐội Tuần tra cao tốc số 2\n' +
        'PC08-HCM\tPROVINCIAL_TRAFFIC_POLICE\t79\t-\t0\t0\tPhòng CSGT Công an TP. Hồ Chí Minh\n',
    );
    const c08 = await ctx.db.agency.findUniqueOrThrow({ where: { code: 'C08' } });
    expect(await auditOf('agency', c08.id)).toMatchObject([{ action: 'agency.add', actor: 'admin-cli:test', data: { code: 'C08', kind: 'TRAFFIC_POLICE_DEPARTMENT', provinceCode: '01', parent: null } }]);
  });

  it('refuses a duplicate code, an unknown parent, kind or province with one clean line', async () => {
    expect(await admin('agency', 'add', '--code', 'C08', '--name', 'x', '--province', '01')).toMatchObject({ code: 1, stderr: 'error: agency C08 already exists\n' });
    expect(await admin('agency', 'add', '--code', 'X1', '--name', 'x', '--province', '01', '--parent', 'NOPE')).toMatchObject({ code: 1, stderr: 'error: agency NOPE does not exist; add it with "agency add" (see "agency list")\n' });
    expect((await admin('agency', 'add', '--code', 'X1', '--name', 'x', '--province', '01', '--kind', 'ARMY')).stderr).toMatch(/Allowed choices are TRAFFIC_POLICE_DEPARTMENT, PROVINCIAL_TRAFFIC_POLICE/);
    expect((await admin('agency', 'add', '--code', 'X1', '--name', 'x', '--province', 'Atlantis')).stderr).toMatch(/^error: province "Atlantis" names no province/);
    expect(await ctx.db.agency.count({ where: { code: 'X1' } })).toBe(0);
  });

  it('scope: an agency and every agency below it, read at the time asked (a move takes effect)', async () => {
    const deps = { db: ctx.db, actor: 'test' };
    const team = await addAgency(deps, { code: 'C08-CT2-T1', name: 'Tổ 1', province: 'Đồng Nai', kind: 'TRAFFIC_POLICE_TEAM', parent: 'C08-CT2' });
    const [c08, ct2, hcm] = await Promise.all(['C08', 'C08-CT2', 'PC08-HCM'].map((code) => ctx.db.agency.findUniqueOrThrow({ where: { code } })));
    expect((await scopeAgencyIds(ctx.db, c08!.id)).sort()).toEqual([c08!.id, ct2!.id, team.id].sort());
    expect((await scopeAgencyIds(ctx.db, ct2!.id)).sort()).toEqual([ct2!.id, team.id].sort());
    expect(await scopeAgencyIds(ctx.db, team.id)).toEqual([team.id]);
    await ctx.db.agency.update({ where: { id: team.id }, data: { parentId: hcm!.id } });
    expect(await scopeAgencyIds(ctx.db, ct2!.id)).toEqual([ct2!.id]);
    expect((await scopeAgencyIds(ctx.db, hcm!.id)).sort()).toEqual([hcm!.id, team.id].sort());
  });
});

describe('cameras belong to an agency', () => {
  it('camera add --agency takes a code and refuses an unknown one clearly', async () => {
    expect((await admin('site', 'add', '--code', 'S1', '--name', 'Ngã tư Hàng Xanh', '--address', 'Bình Thạnh', '--province', 'TP. Hồ Chí Minh')).code).toBe(0);
    const unknown = await admin('camera', 'add', '--code', 'C1', '--site', 'S1', '--agency', 'Phòng CSGT', '--cert-number', 'K', '--cert-expires', '2099-01-01');
    expect(unknown).toMatchObject({ code: 1, stderr: 'error: agency Phòng CSGT does not exist; add it with "agency add" (see "agency list")\n' });
    expect(await ctx.db.camera.count()).toBe(0);
    expect((await admin('camera', 'add', '--code', 'C1', '--site', 'S1', '--agency', 'PC08-HCM', '--cert-number', 'K', '--cert-expires', '2099-01-01')).code).toBe(0);
    expect((await admin('camera', 'list')).stdout).toMatch(/\nC1\tACTIVE\tS1\t-\tK\t2099-01-01\tPC08-HCM\n$/);
  });

  it('ingest stamps the event with the camera agency, and dedup carries it to the case', async () => {
    await seedSite(ctx.db, { site: 'SITE-ING', cameras: ['ING-1'] });
    const api = await startApi(ctx);
    closers.push(api.close);
    const p = startPipeline(ctx, { parts: ['relay', 'dedup'] });
    closers.push(p.stop);
    const e = makeEvent({ plate: { text: '51G-765.43', confidence: 0.97, color: 'WHITE' } });
    expect((await postEvent({ baseUrl: api.baseUrl, cameraCode: 'ING-1', secret: CAMERA_SECRET }, e)).status).toBe(202);
    const hcm = await ctx.db.agency.findUniqueOrThrow({ where: { code: TEST_AGENCY.code } });
    const event = await eventually(() => ctx.db.cameraEvent.findFirst({ where: { deviceEventId: e.eventId, caseId: { not: null } } }), 15_000, 'the event deduplicated');
    expect(event).toMatchObject({ detectingAgencyId: hcm.id, detectingUnit: TEST_AGENCY.name });
    expect(await ctx.db.case.findUniqueOrThrow({ where: { id: event.caseId! } })).toMatchObject({ detectingAgencyId: hcm.id, detectingUnit: TEST_AGENCY.name });
  });
});

describe('officers', () => {
  it('adds an officer with a generated password printed once, stored only as a hash; audited', async () => {
    const added = await admin('officer', 'add', '--username', 'nva', '--full-name', 'Nguyễn Văn An', '--agency', 'PC08-HCM', '--role', 'REVIEWER', '--role', 'SUPERVISOR');
    expect(added.code).toBe(0);
    const password = /password \(shown once.*\): (\S{16})$/m.exec(added.stdout)?.[1];
    expect(password).toBeDefined();
    const row = await ctx.db.officer.findUniqueOrThrow({ where: { username: 'nva' } });
    expect(row).toMatchObject({ fullName: 'Nguyễn Văn An', roles: ['REVIEWER', 'SUPERVISOR'], active: true });
    expect(row.passwordHash).not.toContain(password!);
    expect(await verifyPassword(password!, row.passwordHash)).toBe(true);
    const audit = await auditOf('officer', row.id);
    expect(audit).toMatchObject([{ action: 'officer.add', data: { username: 'nva', agency: 'PC08-HCM', roles: ['REVIEWER', 'SUPERVISOR'] } }]);
    expect(JSON.stringify(audit.map((a) => a.data))).not.toContain(password!);
  });

  it('takes a password from standard input, refuses a short one, an unknown agency or a duplicate', async () => {
    expect((await run(['officer', 'add', '--username', 'ttb', '--full-name', 'Trần Thị Bình', '--agency', 'PC08-HCM', '--role', 'REVIEWER', '--password-stdin'], 'một mật khẩu dài\n')).stdout).toBe('officer ttb added (REVIEWER)\n');
    const ttb = await ctx.db.officer.findUniqueOrThrow({ where: { username: 'ttb' } });
    expect(await verifyPassword('một mật khẩu dài', ttb.passwordHash)).toBe(true);
    expect((await run(['officer', 'add', '--username', 'x1x', '--full-name', 'X', '--agency', 'PC08-HCM', '--role', 'REVIEWER', '--password-stdin'], 'short\n')).stderr).toBe('error: password: a password has at least 12 characters\n');
    expect((await admin('officer', 'add', '--username', 'x1x', '--full-name', 'X', '--agency', 'NOPE', '--role', 'REVIEWER')).stderr).toMatch(/^error: agency NOPE does not exist/);
    expect((await admin('officer', 'add', '--username', 'ttb', '--full-name', 'X', '--agency', 'PC08-HCM', '--role', 'ADMIN')).stderr).toBe('error: officer ttb already exists\n');
    expect((await admin('officer', 'add', '--username', 'x1x', '--full-name', 'X', '--agency', 'PC08-HCM')).code).not.toBe(0);
    expect(await ctx.db.officer.count({ where: { username: 'x1x' } })).toBe(0);
  });

  it('changes roles, resets the password and disables, each audited (roles old → new)', async () => {
    expect((await admin('officer', 'set-roles', 'ttb', '--role', 'SUPERVISOR', '--role', 'ADMIN')).stdout).toBe('officer ttb: roles SUPERVISOR, ADMIN\n');
    const reset = await admin('officer', 'reset-password', 'ttb');
    const fresh = /new password \(shown once\): (\S+)$/m.exec(reset.stdout)?.[1];
    const ttb = await ctx.db.officer.findUniqueOrThrow({ where: { username: 'ttb' } });
    expect(await verifyPassword(fresh!, ttb.passwordHash)).toBe(true);
    expect((await admin('officer', 'disable', 'ttb', '--reason', 'chuyển công tác')).stdout).toBe('officer ttb disabled\n');
    expect((await auditOf('officer', ttb.id)).map((a) => [a.action, a.data, a.reason])).toEqual([
      ['officer.add', expect.anything(), null],
      ['officer.set-roles', { username: 'ttb', from: ['REVIEWER'], to: ['SUPERVISOR', 'ADMIN'] }, null],
      ['officer.reset-password', null, null],
      ['officer.disable', null, 'chuyển công tác'],
    ]);
    const list = await admin('officer', 'list');
    expect(list.stdout).toBe('username\tagency\troles\tstatus\tfull name\nnva\tPC08-HCM\tREVIEWER,SUPERVISOR\tactive\tNguyễn Văn An\nttb\tPC08-HCM\tSUPERVISOR,ADMIN\tdisabled\tTrần Thị Bình\n');
    expect((await admin('officer', 'disable', 'nobody')).stderr).toBe('error: officer nobody does not exist\n');
  });
});
