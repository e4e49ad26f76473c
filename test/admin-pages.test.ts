import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgency, addOfficer } from '../src/accounts/index.ts';
import { MAINTENANCE_TASKS, maintenanceQueue, STAGE_QUEUES } from '../src/queues/index.ts';
import { createTestContext, startApi, type TTestContext } from './support/context.ts';

let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;
const PASSWORD = 'một mật khẩu đủ dài';
const deps = () => ({ db: ctx.db, actor: 'test' });

type TSession = { cookie: string; csrfToken: string };
const sessions: Record<string, TSession> = {};

const login = async (username: string, password = PASSWORD) =>
  fetch(`${api.baseUrl}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

const signIn = async (username: string): Promise<TSession> => {
  const res = await login(username);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { csrfToken: string };
  return { cookie: res.headers.getSetCookie()[0]!.split(';')[0]!, csrfToken: body.csrfToken };
};

const page = (s: TSession, path: string) => fetch(`${api.baseUrl}${path}`, { headers: { cookie: s.cookie, accept: 'text/html' }, redirect: 'manual' });

/** A form post as the page makes it (urlencoded, the session cookie, the CSRF field unless `csrf` is false). */
const post = (s: TSession, path: string, fields: [string, string][], csrf = true) =>
  fetch(`${api.baseUrl}${path}`, {
    method: 'POST',
    headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: new URLSearchParams([...fields, ...(csrf ? [['_csrf', s.csrfToken] as [string, string]] : [])]).toString(),
    redirect: 'manual',
  });

const officerRow = (username: string) => ctx.db.officer.findUniqueOrThrow({ where: { username } });
const auditOf = async (username: string, action: string) => {
  const o = await officerRow(username);
  return ctx.db.auditEntry.findMany({ where: { entityType: 'officer', entityId: o.id, action }, orderBy: { id: 'asc' } });
};
const shownPassword = (html: string) => /data-field="password">([^<]+)</.exec(html)?.[1];

beforeAll(async () => {
  ctx = await createTestContext();
  api = await startApi(ctx, { env: { LOGIN_RATE_PER_USER: '50', LOGIN_RATE_PER_IP: '500' } });
  await addAgency(deps(), { code: 'PC08-HCM', name: 'Phòng CSGT Công an TP. Hồ Chí Minh', province: 'TP. Hồ Chí Minh' });
  await addAgency(deps(), { code: 'DOI1-HCM', name: 'Đội CSGT số 1', province: 'TP. Hồ Chí Minh', kind: 'TRAFFIC_POLICE_TEAM', parent: 'PC08-HCM' });
  await addAgency(deps(), { code: 'PC08-HN', name: 'Phòng CSGT Công an TP. Hà Nội', province: 'Hà Nội' });
  for (const [username, roles, agency] of [
    ['qt.admin', ['ADMIN'], 'PC08-HCM'],
    ['ld.giamsat', ['SUPERVISOR', 'REVIEWER'], 'PC08-HCM'],
    ['cb.duyet', ['REVIEWER'], 'DOI1-HCM'],
    ['cb.hanoi', ['REVIEWER'], 'PC08-HN'],
  ] as const) {
    await addOfficer(deps(), { username, fullName: `Cán bộ ${username}`, agency, roles: [...roles], password: PASSWORD });
  }
  sessions.admin = await signIn('qt.admin');
  sessions.supervisor = await signIn('ld.giamsat');
  sessions.reviewer = await signIn('cb.duyet');
});

afterAll(async () => {
  await api?.close();
  await ctx?.close();
});

describe('the ADMIN officers page', () => {
  it('lists the officers of the ADMIN\'s agency and below, with agency, roles and state', async () => {
    const res = await page(sessions.admin!, '/admin/officers');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('Quản lý cán bộ');
    for (const u of ['qt.admin', 'ld.giamsat', 'cb.duyet']) expect(html).toContain(`data-officer="${u}"`);
    expect(html).not.toContain('cb.hanoi');
    expect(html).toContain('DOI1-HCM');
    expect(html).toContain(`name="_csrf" value="${sessions.admin!.csrfToken}"`);
  });

  it('adds an officer: the generated password is shown once and works; audited with the ADMIN as actor', async () => {
    const res = await post(sessions.admin!, '/admin/officers', [['username', 'cb.moi'], ['fullName', 'Phạm Thị Mới'], ['agency', 'DOI1-HCM'], ['roles', 'REVIEWER'], ['roles', 'SUPERVISOR']]);
    expect(res.status).toBe(200);
    const html = await res.text();
    const password = shownPassword(html);
    expect(password).toMatch(/^.{16,}$/);
    expect((await officerRow('cb.moi')).roles).toEqual(['REVIEWER', 'SUPERVISOR']);
    expect((await login('cb.moi', password!)).status).toBe(200);
    const [entry] = await auditOf('cb.moi', 'officer.add');
    expect(entry?.actor).toBe('officer:qt.admin');
    // The list page does not show it again.
    expect(shownPassword(await (await page(sessions.admin!, '/admin/officers')).text())).toBeUndefined();
  });

  it('refuses a form post without the CSRF token (403), and changes nothing', async () => {
    const res = await post(sessions.admin!, '/admin/officers', [['username', 'cb.khong'], ['fullName', 'Không Có'], ['agency', 'DOI1-HCM'], ['roles', 'REVIEWER']], false);
    expect(res.status).toBe(403);
    // A page's form post is answered with the error page (the code on it), not JSON.
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('CSRF_INVALID');
    expect(await ctx.db.officer.findUnique({ where: { username: 'cb.khong' } })).toBeNull();
    const forged = await post({ ...sessions.admin!, csrfToken: 'x'.repeat(43) }, '/admin/officers/cb.duyet/disable', []);
    expect(forged.status).toBe(403);
    expect((await officerRow('cb.duyet')).active).toBe(true);
  });

  it('sets roles (audited old → new)', async () => {
    const res = await post(sessions.admin!, '/admin/officers/cb.moi/roles', [['roles', 'REVIEWER']]);
    expect(res.status).toBe(200);
    expect((await officerRow('cb.moi')).roles).toEqual(['REVIEWER']);
    const [entry] = await auditOf('cb.moi', 'officer.set-roles');
    expect(entry?.data).toMatchObject({ from: ['REVIEWER', 'SUPERVISOR'], to: ['REVIEWER'] });
  });

  it('resets a password: the new one is shown once, the old one stops working; audited', async () => {
    const res = await post(sessions.admin!, '/admin/officers/cb.duyet/reset-password', []);
    expect(res.status).toBe(200);
    const password = shownPassword(await res.text());
    expect(password).toBeDefined();
    expect((await login('cb.duyet')).status).toBe(401);
    expect((await login('cb.duyet', password!)).status).toBe(200);
    expect(await auditOf('cb.duyet', 'officer.reset-password')).toHaveLength(1);
    // The reset ended their sessions.
    expect((await page(sessions.reviewer!, '/review')).status).toBe(303);
  });

  it('disables an officer (audited, with the reason)', async () => {
    const res = await post(sessions.admin!, '/admin/officers/cb.moi/disable', [['reason', 'chuyển công tác']]);
    expect(res.status).toBe(200);
    expect((await officerRow('cb.moi')).active).toBe(false);
    const [entry] = await auditOf('cb.moi', 'officer.disable');
    expect(entry).toMatchObject({ actor: 'officer:qt.admin', reason: 'chuyển công tác' });
  });

  it('an ADMIN cannot remove their own ADMIN role, give themselves another, nor disable themselves (409); another agency\'s officer is 404', async () => {
    const own = await post(sessions.admin!, '/admin/officers/qt.admin/roles', [['roles', 'REVIEWER']]);
    expect(own.status).toBe(409);
    expect(await own.text()).toContain('cannot remove their own ADMIN role');
    expect((await officerRow('qt.admin')).roles).toEqual(['ADMIN']);
    expect((await post(sessions.admin!, '/admin/officers/qt.admin/disable', [])).status).toBe(409);
    expect((await officerRow('qt.admin')).active).toBe(true);
    // Nor give themselves a role: an account manager does not make themselves a supervisor of cases.
    const grant = await post(sessions.admin!, '/admin/officers/qt.admin/roles', [['roles', 'ADMIN'], ['roles', 'SUPERVISOR']]);
    expect(grant.status).toBe(409);
    expect(await grant.text()).toContain('cannot give themselves a role');
    expect((await officerRow('qt.admin')).roles).toEqual(['ADMIN']);
    expect((await post(sessions.admin!, '/admin/officers/cb.hanoi/disable', [])).status).toBe(404);
    expect((await officerRow('cb.hanoi')).active).toBe(true);
    expect((await post(sessions.admin!, '/admin/officers', [['username', 'cb.hn2'], ['fullName', 'Hà Nội Hai'], ['agency', 'PC08-HN'], ['roles', 'REVIEWER']])).status).toBe(400);
  });
});

describe('who reaches the supervisor and admin pages', () => {
  it('a REVIEWER gets 403 on /supervisor, /v1/stats/review, /admin/officers and /admin/queues', async () => {
    const reviewer = await signIn('cb.hanoi');
    for (const path of ['/supervisor', '/admin/officers', '/admin/queues', '/admin/queues/api/queues']) expect((await page(reviewer, path)).status, path).toBe(403);
    expect((await fetch(`${api.baseUrl}/v1/stats/review`, { headers: { cookie: reviewer.cookie } })).status).toBe(403);
    expect((await post(reviewer, '/admin/officers/cb.duyet/disable', [])).status).toBe(403);
  });

  it('a SUPERVISOR reaches /supervisor and the JSON figures, not the admin pages', async () => {
    const s = sessions.supervisor!;
    const res = await page(s, '/supervisor');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Giám sát công tác xét duyệt');
    expect(html).toContain('src="/static/vendor/chart.umd.min.js"');
    const json = await fetch(`${api.baseUrl}/v1/stats/review?from=2026-01-01&to=2026-01-31`, { headers: { cookie: s.cookie } });
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ range: { from: '2026-01-01', to: '2026-01-31' }, reviewers: [], qa: { reviews: 0 }, minSettled: 20 });
    expect((await fetch(`${api.baseUrl}/v1/stats/review?from=2026-02-30`, { headers: { cookie: s.cookie } })).status).toBe(400);
    expect((await page(s, '/admin/officers')).status).toBe(403);
    expect((await page(s, '/admin/queues')).status).toBe(403);
    const chart = await fetch(`${api.baseUrl}/static/vendor/chart.umd.min.js`);
    expect(chart.status).toBe(200);
    expect(await chart.text()).toContain('Chart.js v4');
  });

  it('signed out, the pages send to the login page', async () => {
    for (const path of ['/supervisor', '/admin/officers', '/admin/queues']) {
      const res = await fetch(`${api.baseUrl}${path}`, { headers: { accept: 'text/html' }, redirect: 'manual' });
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/login\?next=/);
    }
  });
});

describe('the BullMQ dashboard', () => {
  it('lists every stage and maintenance queue to an ADMIN', async () => {
    const res = await page(sessions.admin!, '/admin/queues');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<base href="/admin/queues/"');
    // Its scripts come from this origin and none is inline: helmet's default CSP holds.
    expect(html).not.toMatch(/<script(?![^>]*(src=|type="application\/json"))/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const api_ = await fetch(`${api.baseUrl}/admin/queues/api/queues`, { headers: { cookie: sessions.admin!.cookie } });
    expect(api_.status).toBe(200);
    const names = ((await api_.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).toEqual([...STAGE_QUEUES, ...MAINTENANCE_TASKS.map(maintenanceQueue)].sort());
  });

  it('the maintenance queues it shows are those the workers schedule', () => {
    expect(api.services.maintenanceTasks().map((t) => t.name).sort()).toEqual([...MAINTENANCE_TASKS].sort());
  });

  it('its actions must come from this origin', async () => {
    const headers = { cookie: sessions.admin!.cookie };
    expect((await fetch(`${api.baseUrl}/admin/queues/api/queues/dedup/pause`, { method: 'PUT', headers })).status).toBe(403);
    const other = await fetch(`${api.baseUrl}/admin/queues/api/queues/dedup/pause`, { method: 'PUT', headers: { ...headers, origin: 'https://evil.example' } });
    expect(other.status).toBe(403);
    const same = await fetch(`${api.baseUrl}/admin/queues/api/queues/dedup/pause`, { method: 'PUT', headers: { ...headers, origin: api.baseUrl } });
    expect(same.status).toBeLessThan(300);
    expect(await api.services.queues().dedup.isPaused()).toBe(true);
    await api.services.queues().dedup.resume();
  });
});
