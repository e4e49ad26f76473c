import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityHistory } from '../src/audit/index.ts';
import { clientKey } from '../src/citizens/index.ts';
import { dummyAccessCodeHash, noticePath } from '../src/notices/index.ts';
import { text } from '../src/shared/templates.ts';
import { createTestContext, seedSite, startApi, type TTestContext } from './support/context.ts';
import { seedApprovedCase } from './support/approved-case.ts';
import { seedIssuedNotice, type TIssuedNotice } from './support/issued-notice.ts';
import { asOfficer, testOfficerAuth, testPrincipal } from './support/officer.ts';

const PER_NOTICE = 3;
const PER_IP = 5;

let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;
let port: number;
const agencyA = randomUUID();
const agencyB = randomUUID();
let a: TIssuedNotice;
let b: TIssuedNotice;

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db);
  api = await startApi(ctx, {
    officerAuth: testOfficerAuth,
    env: { NOTICE_CODE_RATE_PER_NOTICE: String(PER_NOTICE), NOTICE_CODE_RATE_PER_IP: String(PER_IP), NOTICE_CODE_RATE_WINDOW_SECONDS: '600', NOTICE_ACCESS_MINUTES: '30' },
  });
  port = Number(new URL(api.baseUrl).port);
  const stores = { evidence: api.services.evidence(), notices: api.services.noticeFiles() };
  a = await seedIssuedNotice(ctx.db, stores, { agencyId: agencyA, agencyCode: 'PC08A' });
  b = await seedIssuedNotice(ctx.db, stores, { agencyId: agencyB, agencyCode: 'PC08B', plate: '30A99999' });
});

afterAll(async () => {
  await api?.close();
  await ctx?.close();
});

type TAnswer = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; text: string };

/** One request from a chosen loopback address (127.0.0.x): the limiter counts per client address. */
const send = (method: 'GET' | 'POST', path: string, o: { from?: string; form?: Record<string, string>; cookie?: string; origin?: string; headers?: Record<string, string> } = {}): Promise<TAnswer> =>
  new Promise((resolve, reject) => {
    const body = o.form ? new URLSearchParams(o.form).toString() : undefined;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        localAddress: o.from ?? '127.0.0.1',
        headers: {
          accept: 'text/html',
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}),
          ...(o.cookie ? { cookie: o.cookie } : {}),
          ...(o.origin ? { origin: o.origin } : {}),
          ...o.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, text: buf.toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });

const tryCode = (number: string, code: string, from: string) => send('POST', noticePath(number), { from, form: { code }, origin: `http://127.0.0.1:${port}` });

/** The grant cookie an answer set, as a browser would send it back (`name=value`), and its attributes. */
const grantOf = (res: TAnswer) => {
  const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('pn_notice='));
  return raw ? { pair: raw.split(';')[0]!, attrs: raw.split(';').slice(1).map((s) => s.trim()) } : null;
};

const open = async (n: TIssuedNotice, from: string) => {
  const res = await tryCode(n.number, n.code, from);
  expect(res.status).toBe(303);
  return grantOf(res)!.pair;
};

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const refusedText = text('notice-page', 'code.refused');

describe('the notice page (GET /notices/<number>)', () => {
  it('asks for the code with one page for every number, known or not', async () => {
    const known = await send('GET', noticePath(a.number));
    const unknown = await send('GET', noticePath('999999/TB-NONE'));
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(known.text).toContain('name="code"');
    expect(known.text).toContain(text('notice-page', 'scam.title'));
    expect(known.text.replaceAll(a.number, 'N')).toBe(unknown.text.replaceAll('999999/TB-NONE', 'N'));
    // helmet's headers, a strict CSP (the fragment is read by a script file, none inline), nothing kept.
    expect(known.headers['content-security-policy']).toContain("script-src 'self'");
    expect(known.headers['x-content-type-options']).toBe('nosniff');
    expect(known.headers['referrer-policy']).toBe('same-origin');
    expect(known.headers['cache-control']).toBe('no-store');
    expect(known.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringContaining('pn_notice')]));
  });

  it('the printed code opens it: a grant cookie scoped to the notice, then the notice with its PDF and images', async () => {
    const from = '127.0.0.11';
    // As typed from the paper: lower case, without the dash, O for 0 (normalised as verifyAccessCode does).
    const typed = a.code.replace('-', '').toLowerCase();
    const res = await tryCode(a.number, typed, from);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(noticePath(a.number));
    const grant = grantOf(res)!;
    expect(grant.attrs).toEqual(expect.arrayContaining([`Path=${noticePath(a.number)}`, 'HttpOnly', 'SameSite=Strict', 'Max-Age=1800']));
    expect(grant.attrs).not.toContain('Secure'); // Secure in production (NODE_ENV=production) only

    const page = await send('GET', noticePath(a.number), { from, cookie: grant.pair });
    expect(page.status).toBe(200);
    for (const shown of [a.number, '51F-123.45', text('pages', 'violation.RED_LIGHT'), 'điểm b khoản 9 Điều 6 Nghị định 168/2024/NĐ-CP', '19.000.000 ₫', '4 điểm', 'Phòng Cảnh sát giao thông', '459 Trần Hưng Đạo', '069 3187 575', text('notice-page', 'scam.title'), text('notice-page', 'status.NOTICE_ISSUED')]) {
      expect(page.text, shown).toContain(shown);
    }
    // Nothing of the owner: whoever holds the paper may be the driver.
    expect(page.text).not.toContain('Trần Thị Bình');
    expect(page.text).not.toContain('binh.tran@example.vn');

    const stored = await ctx.db.notice.findUniqueOrThrow({ where: { number: a.number } });
    const pdf = await send('GET', `${noticePath(a.number)}/pdf`, { from, cookie: grant.pair });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['cache-control']).toBe('private, no-store');
    expect(pdf.headers['x-content-type-options']).toBe('nosniff');
    expect(pdf.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(sha256(pdf.body)).toBe(stored.pdfSha256);
    expect(page.text).toContain(`href="${noticePath(a.number)}/pdf"`);

    for (const e of a.evidence) {
      expect(page.text).toContain(`src="${noticePath(a.number)}/evidence/${e.id}"`);
      const img = await send('GET', `${noticePath(a.number)}/evidence/${e.id}`, { from, cookie: grant.pair });
      expect(img.status).toBe(200);
      expect(img.headers['content-type']).toBe('image/png');
      expect(sha256(img.body)).toBe(e.sha256);
    }
    // The opening is audited on the notice.
    const history = await entityHistory(ctx.db, { type: 'notice', id: stored.id });
    expect(history.map((h) => h.action)).toContain('notice.opened');
    // English on asking.
    const en = await send('GET', `${noticePath(a.number)}?lang=en`, { from, cookie: grant.pair });
    expect(en.text).toContain(text('notice-page', 'notice.todo', {}, 'en'));
  });

  it('a wrong code and an unknown number get the same answer, and no cookie', async () => {
    const wrong = await tryCode(a.number, 'ZZZZZ-ZZZZZ', '127.0.0.21');
    const unknown = await tryCode('999999/TB-NONE', 'ZZZZZ-ZZZZZ', '127.0.0.22');
    const unrendered = await tryCode(b.number, 'not a code', '127.0.0.23');
    for (const res of [wrong, unknown, unrendered]) {
      expect(res.status).toBe(403);
      expect(res.text).toContain(refusedText);
      expect(grantOf(res)).toBeNull();
    }
    expect(wrong.text.replaceAll(a.number, 'N')).toBe(unknown.text.replaceAll('999999/TB-NONE', 'N'));
    expect(Object.keys(wrong.headers).sort()).toEqual(Object.keys(unknown.headers).sort());
    // As slow: an unknown number's code is checked against a hash of the same cost as a notice's
    // (no wall time asserted; measured ≈12 ms for both on the 2-core host).
    const stored = await ctx.db.notice.findUniqueOrThrow({ where: { number: a.number } });
    const cost = (hash: string) => hash.split('$').slice(0, 5).join('$');
    expect(cost(await dummyAccessCodeHash())).toBe(cost(stored.accessCodeHash!));
  });

  it('answers 404 for the PDF and the images without the grant, whether the notice exists or not', async () => {
    const evidence = a.evidence[0]!.id;
    for (const path of [`${noticePath(a.number)}/pdf`, `${noticePath(a.number)}/evidence/${evidence}`, `${noticePath('999999/TB-NONE')}/pdf`, `${noticePath('999999/TB-NONE')}/evidence/${evidence}`]) {
      const res = await send('GET', path, { from: '127.0.0.31' });
      expect(res.status, path).toBe(404);
      expect(res.text).toContain(text('notice-page', 'gone.title'));
    }
    // Evidence is served from no public path.
    expect((await send('GET', `/static/${a.evidence[0]!.sha256}`)).status).toBe(404);
    expect((await send('GET', `/v1/evidence/${evidence}`, { headers: { accept: 'application/json' } })).status).toBe(401);
  });

  it('a grant opens only its own notice', async () => {
    const from = '127.0.0.41';
    const grantA = await open(a, from);
    // Sent to notice B's paths (the browser would not: its Path is A's), it opens nothing of B.
    const pageB = await send('GET', noticePath(b.number), { from, cookie: grantA });
    expect(pageB.text).toContain('name="code"');
    expect(pageB.text).not.toContain('30A99999');
    expect((await send('GET', `${noticePath(b.number)}/pdf`, { from, cookie: grantA })).status).toBe(404);
    expect((await send('GET', `${noticePath(b.number)}/evidence/${b.evidence[0]!.id}`, { from, cookie: grantA })).status).toBe(404);
    // Nor B's images through A's path.
    expect((await send('GET', `${noticePath(a.number)}/evidence/${b.evidence[0]!.id}`, { from, cookie: grantA })).status).toBe(404);
    // A made-up token opens nothing.
    expect((await send('GET', `${noticePath(a.number)}/pdf`, { from, cookie: `pn_notice=${'x'.repeat(43)}` })).status).toBe(404);
  });

  it('throttles wrong codes per notice: past the limit 429 with Retry-After, from any client, even with the right code', async () => {
    const c = await seedIssuedNotice(ctx.db, { evidence: api.services.evidence(), notices: api.services.noticeFiles() }, { agencyId: agencyA, plate: '51G22222' });
    for (let i = 0; i < PER_NOTICE; i++) expect((await tryCode(c.number, 'ZZZZZ-ZZZZZ', `127.0.1.${i + 1}`)).status).toBe(403);
    const over = await tryCode(c.number, 'ZZZZZ-ZZZZZ', '127.0.1.50');
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(600);
    expect(over.text).toContain(text('notice-page', 'code.throttled', { minutes: Math.ceil(Number(over.headers['retry-after']) / 60) }));
    const right = await tryCode(c.number, c.code, '127.0.1.51');
    expect(right.status).toBe(429);
    expect(grantOf(right)).toBeNull();
    // Another notice is not held up.
    expect((await tryCode(a.number, a.code, '127.0.1.52')).status).toBe(303);
    // One audit entry for the window, not one per refused try.
    const entries = await ctx.db.auditEntry.count({ where: { action: 'notice.code-rate-limited', entityId: c.number } });
    expect(entries).toBe(1);
  });

  it('throttles wrong codes per client, over any numbers; a right code is not counted', async () => {
    const from = '127.0.2.1';
    // A right code between wrong ones: forgiven, so the client still has PER_IP wrong tries.
    expect((await tryCode(a.number, a.code, from)).status).toBe(303);
    for (let i = 0; i < PER_IP; i++) expect((await tryCode(`00000${i}/TB-SPRAY`, 'ZZZZZ-ZZZZZ', from)).status).toBe(403);
    const over = await tryCode('000009/TB-SPRAY', 'ZZZZZ-ZZZZZ', from);
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // The right code of a notice is refused too from that client while the window lasts…
    expect((await tryCode(a.number, a.code, from)).status).toBe(429);
    // …but not from another client.
    expect((await tryCode(a.number, a.code, '127.0.2.2')).status).toBe(303);
  });

  it('counts IPv6 clients by their /64', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it('in production the grant cookie is Secure and __Secure- named', async () => {
    const prod = await startApi(ctx, { env: { NODE_ENV: 'production' } });
    try {
      // A fresh API's Redis connection fails fast until it is up (503); wait for it here.
      const redis = prod.services.redis();
      if (redis.status !== 'ready') await once(redis, 'ready');
      const res = await fetch(`${prod.baseUrl}${noticePath(a.number)}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: prod.baseUrl },
        body: new URLSearchParams({ code: a.code }),
      });
      expect(res.status).toBe(303);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Secure-pn_notice='));
      expect(cookie).toBeDefined();
      expect(cookie!.split(';').map((x) => x.trim())).toEqual(expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Strict', `Path=${noticePath(a.number)}`]));
    } finally {
      await prod.close();
    }
  });

  it('refuses a code posted from another site', async () => {
    const res = await send('POST', noticePath(a.number), { from: '127.0.0.61', form: { code: a.code }, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(grantOf(res)).toBeNull();
  });
});

describe('the officers see the notice and its deliveries', () => {
  const officerA = asOfficer(testPrincipal([agencyA]));
  const officerB = asOfficer(testPrincipal([agencyB]));

  it('GET /v1/cases/:id shows the notice (never the code hash) and every delivery with its attempts', async () => {
    const res = await fetch(`${api.baseUrl}/v1/cases/${a.caseId}`, { headers: officerA });
    expect(res.status).toBe(200);
    const raw = await res.text();
    const view = JSON.parse(raw) as { status: string; notice: Record<string, unknown>; deliveries: Record<string, unknown>[]; responses: unknown[]; escalations: unknown[] };
    const stored = await ctx.db.notice.findUniqueOrThrow({ where: { number: a.number } });
    expect(view.status).toBe('NOTICE_ISSUED');
    expect(view.notice).toMatchObject({ number: a.number, pdfSha256: stored.pdfSha256, pdfBytes: stored.pdfBytes, accessCode: 'set', pdfUrl: `/v1/cases/${a.caseId}/notice.pdf`, sentAt: null });
    expect(view.notice.issuedAt).toBe(stored.issuedAt.toISOString());
    expect(raw).not.toContain(stored.accessCodeHash!);
    expect(raw).not.toContain('accessCodeHash');
    expect(view.deliveries).toEqual([
      expect.objectContaining({ channel: 'EMAIL', status: 'PENDING', address: 'binh.tran@example.vn', attempts: 0, providerMessageId: null, lastError: null, sentAt: null, deliveredAt: null, failedAt: null }),
    ]);
    expect(view.responses).toEqual([]);
    expect(view.escalations).toEqual([]);
  });

  it('an officer in scope downloads the notice PDF; another agency gets 404', async () => {
    const stored = await ctx.db.notice.findUniqueOrThrow({ where: { number: a.number } });
    const res = await fetch(`${api.baseUrl}/v1/cases/${a.caseId}/notice.pdf`, { headers: officerA });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain('.pdf');
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(stored.pdfSha256);
    expect((await fetch(`${api.baseUrl}/v1/cases/${a.caseId}/notice.pdf`, { headers: officerB })).status).toBe(404);
    expect((await fetch(`${api.baseUrl}/v1/cases/${a.caseId}/notice.pdf`)).status).toBe(401);
    // A case without a notice yet.
    const approved = await seedApprovedCase(ctx.db, api.services.evidence(), { agencyId: agencyB, plate: '30A11111' });
    expect((await fetch(`${api.baseUrl}/v1/cases/${approved.caseId}/notice.pdf`, { headers: officerB })).status).toBe(404);
  });

  it('the case page lists the notice, the PDF link and the deliveries', async () => {
    const res = await fetch(`${api.baseUrl}/review/cases/${a.caseId}`, { headers: { ...officerA, accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-field="notice"');
    expect(html).toContain(a.number);
    expect(html).toContain(`href="/v1/cases/${a.caseId}/notice.pdf"`);
    expect(html).toContain(text('pages', 'notice.accessCode.set'));
    expect(html).toContain('data-channel="EMAIL"');
    expect(html).toContain(text('pages', 'delivery.PENDING'));
    expect(html).toContain('binh.tran@example.vn');
  });

  it('lists the owner responses and escalations others record', async () => {
    const c = await seedIssuedNotice(ctx.db, { evidence: api.services.evidence(), notices: api.services.noticeFiles() }, { agencyId: agencyA, plate: '51G33333' });
    const officer = await ctx.db.officer.create({ data: { username: `cb.${randomUUID().slice(0, 8)}`, fullName: 'Lê Văn Cường', agencyId: agencyA, roles: ['REVIEWER'], passwordHash: 'x' } });
    await ctx.db.ownerResponse.create({ data: { caseId: c.caseId, kind: 'DRIVER_IDENTIFIED', driverName: 'Phạm Văn Dũng', driverIdNumber: '079123456789', officerId: officer.id, respondedAt: new Date() } });
    await ctx.db.escalation.create({ data: { caseId: c.caseId, target: 'VEHICLE_REGISTRATION', status: 'SENT', attempts: 1, sentAt: new Date() } });
    const view = (await (await fetch(`${api.baseUrl}/v1/cases/${c.caseId}`, { headers: officerA })).json()) as { responses: unknown[]; escalations: unknown[] };
    expect(view.responses).toEqual([expect.objectContaining({ kind: 'DRIVER_IDENTIFIED', driverName: 'Phạm Văn Dũng', officer: { username: officer.username, fullName: 'Lê Văn Cường' } })]);
    expect(view.escalations).toEqual([expect.objectContaining({ target: 'VEHICLE_REGISTRATION', status: 'SENT', attempts: 1 })]);
    const html = await (await fetch(`${api.baseUrl}/review/cases/${c.caseId}`, { headers: { ...officerA, accept: 'text/html' } })).text();
    expect(html).toContain(text('followup', 'kind.DRIVER_IDENTIFIED'));
    expect(html).toContain('Phạm Văn Dũng');
    expect(html).toContain(text('followup', 'target.VEHICLE_REGISTRATION'));
  });

  it('the OpenAPI document lists the notice download', async () => {
    const doc = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/v1/cases/{id}/notice.pdf');
  });
});
