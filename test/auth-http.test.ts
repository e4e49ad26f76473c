import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgency, addOfficer, csrfProtection, disableOfficer, requireOfficer, type TPrincipal } from '../src/accounts/index.ts';
import { errorHandler } from '../src/http/error-handler.ts';
import { createTestContext, startApi, type TTestContext } from './support/context.ts';

let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;
let extraBase: string;
const closers: (() => Promise<unknown>)[] = [];
/** The API's clock: tests move it forward instead of sleeping through expiries. */
let clock = new Date('2026-12-01T01:00:00Z').getTime();
const PASSWORD = 'một mật khẩu đủ dài';

const deps = () => ({ db: ctx.db, actor: 'test' });
const officer = async (username: string, roles: ('REVIEWER' | 'SUPERVISOR' | 'ADMIN')[] = ['REVIEWER'], agency = 'PC08-HCM') =>
  (await addOfficer(deps(), { username, fullName: `Cán bộ ${username}`, agency, roles, password: PASSWORD })).officer;

const loginJson = (baseUrl: string, username: string, password = PASSWORD) =>
  fetch(`${baseUrl}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

type TSession = { token: string; csrfToken: string; cookie: string; expiresAt: string };
const signIn = async (username: string): Promise<TSession> => {
  const res = await loginJson(api.baseUrl, username);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { token: string; csrfToken: string; expiresAt: string };
  const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
  return { ...body, cookie };
};
const me = (s: Partial<TSession>, via: 'bearer' | 'cookie') =>
  fetch(`${api.baseUrl}/v1/auth/me`, { headers: via === 'bearer' ? { authorization: `Bearer ${s.token}` } : { cookie: s.cookie! } });

beforeAll(async () => {
  ctx = await createTestContext();
  // Generous limits here; the rate-limit test runs its own API with low ones.
  api = await startApi(ctx, { now: () => new Date(clock), env: { SESSION_IDLE_MINUTES: '30', SESSION_ABSOLUTE_HOURS: '1', LOGIN_RATE_PER_USER: '20', LOGIN_RATE_PER_IP: '500' } });
  closers.push(api.close);
  const c08 = await addAgency(deps(), { code: 'C08', name: 'Cục Cảnh sát giao thông', province: '01', kind: 'TRAFFIC_POLICE_DEPARTMENT' });
  await addAgency(deps(), { code: 'PC08-HCM', name: 'Phòng CSGT Công an TP. Hồ Chí Minh', province: 'TP. Hồ Chí Minh' });
  await addAgency(deps(), { code: 'C08-CT2', name: 'Đội Tuần tra cao tốc số 2', province: 'Đồng Nai', kind: 'EXPRESSWAY_PATROL', parent: c08.code });

  // A route as the review and web parts will write them: the contract of requireOfficer and csrfProtection.
  const app = express();
  app.locals.auth = api.services.auth();
  app.get('/supervise', requireOfficer({ roles: ['SUPERVISOR'] }), (_req, res) => {
    res.json(res.locals.principal as TPrincipal);
  });
  app.post('/decide', express.json(), express.urlencoded({ extended: false }), requireOfficer(), csrfProtection, (_req, res) => {
    res.json({ ok: true, via: (res.locals.principal as TPrincipal).via });
  });
  // A sub-app mounted under the app finds the auth dependencies through its parent.
  const sub = express();
  sub.get('/whoami', requireOfficer(), (_req, res) => {
    res.json({ username: (res.locals.principal as TPrincipal).username });
  });
  app.use('/sub', sub);
  app.use(errorHandler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  extraBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(() => new Promise((r) => server.close(r)));
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await ctx.close();
});

describe('login', () => {
  it('answers the officer, a bearer token and its expiry, and sets an HttpOnly SameSite=Lax cookie (not Secure outside production)', async () => {
    const o = await officer('login1');
    const res = await loginJson(api.baseUrl, 'login1');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ officer: { id: o.id, username: 'login1', fullName: 'Cán bộ login1', agencyCode: 'PC08-HCM', roles: ['REVIEWER'] }, expiresAt: new Date(clock + 3_600_000).toISOString() });
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [cookie] = res.headers.getSetCookie();
    expect(cookie).toMatch(new RegExp(`^pn_session=${body.token as string}; Path=/; Expires=.+; HttpOnly; SameSite=Lax$`));
    expect(res.headers.get('cache-control')).toBe('no-store');
    // Only the token's hash is stored, and each login opens a new session.
    const again = (await (await loginJson(api.baseUrl, 'login1')).json()) as { token: string };
    const rows = await ctx.db.officerSession.findMany({ where: { officerId: o.id } });
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.id)).not.toContain(body.token);
    expect(again.token).not.toBe(body.token);
    const audit = await ctx.db.auditEntry.findMany({ where: { entityType: 'officer', entityId: o.id, action: 'officer.login' } });
    expect(audit[0]).toMatchObject({ actor: 'login:login1', data: { ip: '127.0.0.1', kind: 'BEARER' } });
  });

  it('sends a logout with no live session (it expired, or was revoked) back to the login page', async () => {
    const res = await fetch(`${api.baseUrl}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: 'pn_session=gone', 'content-type': 'application/x-www-form-urlencoded' }, body: '_csrf=x' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
  });

  it('gives the same answer for an unknown username and a wrong password, and audits both', async () => {
    const o = await officer('login2');
    const wrong = await loginJson(api.baseUrl, 'login2', 'not the password');
    const unknown = await loginJson(api.baseUrl, 'nobody-here', PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await wrong.json(), await unknown.json()];
    expect(a).toEqual(b);
    expect(a).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: 'wrong username or password, or the account is locked for a while' } });
    expect(await ctx.db.auditEntry.findFirst({ where: { entityId: o.id, action: 'officer.login-failure' } })).toMatchObject({ reason: 'wrong password' });
    expect(await ctx.db.auditEntry.findFirst({ where: { entityType: 'login', entityId: 'nobody-here' } })).toMatchObject({ action: 'login.failure', reason: 'unknown username' });
    expect((await loginJson(api.baseUrl, 'login2', '')).status).toBe(400);
  });

  it('locks an account after 5 wrong passwords for 15 minutes (same answer, even with the right one), audited', async () => {
    const o = await officer('locked1');
    for (let i = 0; i < 5; i++) expect((await loginJson(api.baseUrl, 'locked1', `wrong ${i}`)).status).toBe(401);
    const right = await loginJson(api.baseUrl, 'locked1');
    expect(right.status).toBe(401);
    expect(await right.json()).toMatchObject({ error: { code: 'INVALID_CREDENTIALS' } });
    const actions = (await ctx.db.auditEntry.findMany({ where: { entityType: 'officer', entityId: o.id }, orderBy: { id: 'asc' } })).map((a) => [a.action, a.reason]);
    expect(actions.slice(-3)).toEqual([
      ['officer.login-failure', 'wrong password'],
      ['officer.lockout', '5 wrong passwords in a row'],
      ['officer.login-failure', 'account locked'],
    ]);
    clock += 16 * 60_000;
    expect((await loginJson(api.baseUrl, 'locked1')).status).toBe(200);
  });

  it('refuses a disabled officer, and their open sessions stop working at once', async () => {
    await officer('leaving1');
    const s = await signIn('leaving1');
    expect((await me(s, 'bearer')).status).toBe(200);
    await disableOfficer(deps(), 'leaving1', 'nghỉ hưu');
    expect((await me(s, 'bearer')).status).toBe(401);
    expect((await me(s, 'cookie')).status).toBe(401);
    const res = await loginJson(api.baseUrl, 'leaving1');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'INVALID_CREDENTIALS' } });
  });
});

describe('sessions', () => {
  it('takes the token as a bearer or as the cookie; without either 401, or a redirect to /login for a page', async () => {
    await officer('both1', ['REVIEWER']);
    const s = await signIn('both1');
    for (const via of ['bearer', 'cookie'] as const) {
      const res = await me(s, via);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ officer: { username: 'both1', agencyCode: 'PC08-HCM', roles: ['REVIEWER'] } });
    }
    expect(await (await me({ token: 'x'.repeat(43) }, 'bearer')).json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    const page = await fetch(`${extraBase}/supervise?x=1`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Fsupervise%3Fx%3D1');
    expect((await fetch(`${extraBase}/supervise`)).status).toBe(401);
  });

  it('ends a session idle for 30 minutes, and any session 1 hour (SESSION_ABSOLUTE_HOURS) after login however busy', async () => {
    await officer('idle1');
    const idle = await signIn('idle1');
    clock += 29 * 60_000;
    expect((await me(idle, 'bearer')).status).toBe(200);
    clock += 29 * 60_000;
    expect((await me(idle, 'bearer')).status).toBe(200);
    clock += 31 * 60_000;
    expect((await me(idle, 'bearer')).status).toBe(401);
    const busy = await signIn('idle1');
    for (let i = 0; i < 6; i++) {
      expect((await me(busy, 'cookie')).status).toBe(200);
      clock += 9 * 60_000;
    }
    expect((await me(busy, 'cookie')).status).toBe(200); // 54 minutes after login
    clock += 5 * 60_000;
    expect((await me(busy, 'cookie')).status).toBe(200);
    clock += 2 * 60_000;
    expect((await me(busy, 'cookie')).status).toBe(401);
  });

  it('checks the role: 403 without it; the principal carries the agency scope (own and below)', async () => {
    await officer('rev1', ['REVIEWER']);
    const rev = await signIn('rev1');
    const refused = await fetch(`${extraBase}/supervise`, { headers: { authorization: `Bearer ${rev.token}` } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    await officer('sup1', ['SUPERVISOR'], 'C08');
    const sup = await signIn('sup1');
    const res = await fetch(`${extraBase}/supervise`, { headers: { authorization: `Bearer ${sup.token}` } });
    expect(res.status).toBe(200);
    const principal = (await res.json()) as TPrincipal;
    const ids = await ctx.db.agency.findMany({ where: { code: { in: ['C08', 'C08-CT2'] } } });
    expect(principal).toMatchObject({ username: 'sup1', agencyCode: 'C08', roles: ['SUPERVISOR'], via: 'bearer' });
    expect(principal.scopeAgencyIds.sort()).toEqual(ids.map((a) => a.id).sort());
    expect(await (await fetch(`${extraBase}/sub/whoami`, { headers: { authorization: `Bearer ${sup.token}` } })).json()).toEqual({ username: 'sup1' });
  });

  it('CSRF: a cookie post needs the token (header or form field); a bearer post does not', async () => {
    await officer('csrf1');
    const s = await signIn('csrf1');
    const post = (headers: Record<string, string>, body = '{}', type = 'application/json') =>
      fetch(`${extraBase}/decide`, { method: 'POST', headers: { 'content-type': type, ...headers }, body });
    const refused = await post({ cookie: s.cookie });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'CSRF_INVALID' } });
    expect((await post({ cookie: s.cookie, 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect(await (await post({ cookie: s.cookie, 'x-csrf-token': s.csrfToken })).json()).toEqual({ ok: true, via: 'session' });
    expect((await post({ cookie: s.cookie }, `_csrf=${encodeURIComponent(s.csrfToken)}`, 'application/x-www-form-urlencoded')).status).toBe(200);
    expect(await (await post({ authorization: `Bearer ${s.token}` })).json()).toEqual({ ok: true, via: 'bearer' });
    // The page helper hands the token to a cookie session.
    const helper = await fetch(`${api.baseUrl}/v1/auth/csrf`, { headers: { cookie: s.cookie } });
    expect(await helper.json()).toEqual({ csrfToken: s.csrfToken });
  });

  it('logout revokes the session (cookie logout needs the CSRF token), audited', async () => {
    const o = await officer('out1');
    const s = await signIn('out1');
    const logout = (headers: Record<string, string>) => fetch(`${api.baseUrl}/v1/auth/logout`, { method: 'POST', headers });
    expect((await logout({ cookie: s.cookie })).status).toBe(403);
    const res = await logout({ cookie: s.cookie, 'x-csrf-token': s.csrfToken });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie()[0]).toMatch(/^pn_session=; Path=\/; Expires=Thu, 01 Jan 1970/);
    expect((await me(s, 'cookie')).status).toBe(401);
    expect((await me(s, 'bearer')).status).toBe(401);
    const b = await signIn('out1');
    expect((await logout({ authorization: `Bearer ${b.token}` })).status).toBe(204);
    expect((await me(b, 'bearer')).status).toBe(401);
    expect(await ctx.db.auditEntry.count({ where: { entityId: o.id, action: 'officer.logout' } })).toBe(2);
  });
});

describe('login page', () => {
  it('shows a form, signs in with a form post and redirects to /review (or a local next), escapes what it echoes', async () => {
    await officer('page1');
    const page = await fetch(`${api.baseUrl}/login?next=%2Fcases%2F1`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post" action="/login">');
    expect(html).toContain('<input type="hidden" name="next" value="/cases/1">');
    expect(html).toContain('Đăng nhập cán bộ');
    const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${api.baseUrl}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });
    const ok = await form({ username: 'page1', password: PASSWORD });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/review');
    expect(ok.headers.getSetCookie()[0]).toMatch(/^pn_session=[A-Za-z0-9_-]{43}; .*HttpOnly; SameSite=Lax$/);
    expect((await form({ username: 'page1', password: PASSWORD, next: '//evil.example/x' })).headers.get('location')).toBe('/review');
    expect((await form({ username: 'page1', password: PASSWORD, next: '/cases/1' })).headers.get('location')).toBe('/cases/1');
    const bad = await form({ username: '<b>page1</b>', password: 'wrong' });
    expect(bad.status).toBe(401);
    const badHtml = await bad.text();
    expect(badHtml).toContain('Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đang bị tạm khoá.');
    expect(badHtml).toContain('value="&lt;b&gt;page1&lt;/b&gt;"');
    expect((await form({ username: 'page1', password: PASSWORD }, { origin: 'https://evil.example' })).status).toBe(403);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After past the attempts per username, and per client address', async () => {
    const limited = await startApi(ctx, { env: { LOGIN_RATE_PER_USER: '3', LOGIN_RATE_PER_IP: '6', QUEUE_PREFIX: `${ctx.prefix}rl` } });
    closers.push(async () => {
      const keys = await ctx.redis.keys(`${ctx.prefix}rl:*`);
      if (keys.length) await ctx.redis.del(...keys);
      await limited.close();
    });
    await officer('rate1');
    for (let i = 0; i < 3; i++) expect((await loginJson(limited.baseUrl, 'rate1', 'wrong')).status).toBe(401);
    const over = await loginJson(limited.baseUrl, 'rate1');
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(900);
    expect(await over.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    // 4 attempts from this address so far; two other usernames use up the address's 6.
    expect((await loginJson(limited.baseUrl, 'someone-else', 'x')).status).toBe(401);
    expect((await loginJson(limited.baseUrl, 'another-one', 'x')).status).toBe(401);
    const byIp = await loginJson(limited.baseUrl, 'third-user', 'x');
    expect(byIp.status).toBe(429);
    expect(byIp.headers.get('retry-after')).toMatch(/^\d+$/);
    // Each refusal window is audited once per key, not once per attempt.
    expect((await loginJson(limited.baseUrl, 'rate1')).status).toBe(429);
    const refused = await ctx.db.auditEntry.findMany({ where: { action: 'login.rate-limited' }, orderBy: { id: 'asc' } });
    expect(refused.map((e) => [e.entityId, e.reason])).toEqual([
      ['rate1', 'too many attempts for this username'],
      ['third-user', 'too many attempts for this client address'],
    ]);
  });
});
