import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgency, addOfficer } from '../../src/accounts/index.ts';
import { claimNext, decide, type TPrincipal } from '../../src/review/index.ts';
import { text } from '../../src/shared/templates.ts';
import { launchChromium, screenshotPath } from '../support/browser.ts';
import { createTestContext, seedSite, startApi, type TTestContext } from '../support/context.ts';
import { seedReviewCase } from '../support/review-case.ts';

// The officers' review in real Chromium against the real app: src/accounts' login, sessions,
// CSRF and scope; src/review's queue, claims and decisions; the page routes and pages.js.
let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;
let browser: Browser;
const PASSWORD = 'mật-khẩu-thử-nghiệm-đủ-dài';
let agencyA: { id: string; code: string };
let agencyB: { id: string; code: string };
const day = 86400_000;
let due = -2;
/** A case waiting for review in agency A, each later than the last (so `next` takes them in order). */
const newCase = async (over: { agencyId?: string; plate?: string } = {}) =>
  (await seedReviewCase(ctx.db, api.services.evidence(), { agencyId: over.agencyId ?? agencyA.id, plate: over.plate, flags: [], registryClass: 'CAR', noticeDueAt: new Date(Date.now() + (due += 3) * day) })).caseId;
const statusOf = async (id: string) => (await ctx.db.case.findUniqueOrThrow({ where: { id } })).status;

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db);
  api = await startApi(ctx, { env: { REVIEW_QA_SAMPLE_RATE: '0', REVIEW_LEASE_SECONDS: '600' } });
  const deps = { db: ctx.db, actor: 'test' };
  agencyA = await addAgency(deps, { code: 'PC08-RF-A', name: 'Phòng CSGT thử nghiệm A', province: 'TP. Hồ Chí Minh' });
  agencyB = await addAgency(deps, { code: 'PC08-RF-B', name: 'Phòng CSGT thử nghiệm B', province: 'Hà Nội' });
  for (const [username, fullName, roles] of [
    ['rv.an', 'Nguyễn Văn An', ['REVIEWER']],
    ['rv.binh', 'Trần Thị Bình', ['REVIEWER']],
    ['ld.cuong', 'Lê Văn Cường', ['SUPERVISOR']],
  ] as const) {
    await addOfficer(deps, { username, fullName, agency: agencyA.code, roles: [...roles], password: PASSWORD });
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await ctx?.close();
});

const newContext = (viewport = { width: 1366, height: 768 }, javaScriptEnabled = true): Promise<BrowserContext> =>
  browser.newContext({ viewport, javaScriptEnabled, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });

/** Signs in through the login page, as an officer does. */
const logIn = async (context: BrowserContext, username: string): Promise<Page> => {
  const page = await context.newPage();
  await page.goto(`${api.baseUrl}/review`);
  await page.waitForURL(/\/login\?next=/);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await page.click('form[action="/login"] button');
  await page.waitForURL(`${api.baseUrl}/review`);
  return page;
};

const caseIdOf = (page: Page) => /\/review\/cases\/([0-9a-f-]{36})/.exec(page.url())?.[1];

describe('officer review in Chromium', () => {
  let reviewer: BrowserContext;
  let page: Page;
  const ids: string[] = [];
  let qaCase: string;

  it('signs in through the login page and shows the officer, agency, roles and a logout button', async () => {
    ids.push(await newCase(), await newCase(), await newCase());
    // Another agency's case: never listed, its URL answers 404.
    await newCase({ agencyId: agencyB.id, plate: '30A99999' });
    const bad = await newContext();
    const refused = await bad.newPage();
    await refused.goto(`${api.baseUrl}/login`);
    await refused.fill('#username', 'rv.an');
    await refused.fill('#password', 'not the password at all');
    await refused.click('form[action="/login"] button');
    expect(await refused.locator('[role=alert]').textContent()).toBe(text('login', 'refused'));
    await bad.close();

    reviewer = await newContext();
    page = await logIn(reviewer, 'rv.an');
    const who = await page.locator('[data-field=officer]').textContent();
    expect(who).toContain('Nguyễn Văn An');
    expect(who).toContain('PC08-RF-A');
    expect(who).toContain(text('pages', 'role.REVIEWER'));
    expect(await page.locator('form[action="/logout"] button').isVisible()).toBe(true);
    expect(await page.locator('[data-field=total]').textContent()).toContain('3');
    expect(await page.content()).not.toContain('30A99999');
    // The first case is within 2 days of its deadline: marked.
    expect(await page.locator('tr.urgent').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('review-queue-1366x768') });
  });

  it('Next claims the most urgent case; approve (mouse) moves on to the next claimed case', async () => {
    await page.click('form[data-next] button');
    await page.waitForURL(/\/review\/cases\//);
    expect(caseIdOf(page)).toBe(ids[0]);
    expect(await page.locator('[data-field=claim]').textContent()).toContain(text('pages', 'claim.mine', { at: '' }).split(' ')[0]!);
    await page.screenshot({ path: screenshotPath('review-case-1366x768') });
    await page.click('form[data-decision=APPROVE] button');
    await page.waitForURL((u) => u.pathname === `/review/cases/${ids[1]}`);
    expect(await statusOf(ids[0]!)).toBe('APPROVED');
  });

  it('rejects with a reason from the keyboard only: r then 2', async () => {
    await page.locator('#main-image').waitFor();
    await page.keyboard.press('r');
    await page.keyboard.press('2');
    await page.waitForURL((u) => u.pathname === `/review/cases/${ids[2]}`);
    expect(await statusOf(ids[1]!)).toBe('REJECTED');
    const d = await ctx.db.reviewDecision.findFirstOrThrow({ where: { caseId: ids[1] } });
    expect(d).toMatchObject({ kind: 'REJECT', reasonCode: 'PLATE_MISREAD' });
  });

  it('escalates with a note (e, type, Enter); a supervisor in another browser context approves it', async () => {
    await page.keyboard.press('e');
    await page.keyboard.type('Biển số có dấu hiệu giả');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/review' && u.search === '?m=decided');
    expect(await page.locator('[data-flash]').textContent()).toBe(text('pages', 'flash.decided'));
    expect(await statusOf(ids[2]!)).toBe('ESCALATED_REVIEW');
    // The reviewer's queue no longer lists it; the reviewer can open it but not decide it.
    await page.goto(`${api.baseUrl}/review/cases/${ids[2]}`);
    expect(await page.locator('form[data-decision]').count()).toBe(0);

    const sup = await newContext();
    const sp = await logIn(sup, 'ld.cuong');
    expect(await sp.locator('[data-field=officer]').textContent()).toContain(text('pages', 'role.SUPERVISOR'));
    await sp.click('form[data-next] button');
    await sp.waitForURL(`${api.baseUrl}/review/cases/${ids[2]}`);
    // The supervisor sees the escalation in the history, and decides.
    expect(await sp.locator('[data-field=history]').textContent()).toContain('officer:rv.an');
    await sp.keyboard.press('a');
    await sp.waitForURL((u) => u.pathname === '/review');
    expect(await statusOf(ids[2]!)).toBe('APPROVED');
    await sup.close();
  });

  it('shows a QA case blind to its first decision, to a supervisor too', async () => {
    qaCase = await newCase({ plate: '51H55555' });
    const binh = await ctx.db.officer.findUniqueOrThrow({ where: { username: 'rv.binh' } });
    const p: TPrincipal = { officerId: binh.id, username: 'rv.binh', fullName: binh.fullName, agencyId: agencyA.id, agencyCode: agencyA.code, roles: ['REVIEWER'], scopeAgencyIds: [agencyA.id], via: 'bearer' };
    const deps = { db: ctx.db, leaseSeconds: 600, supervisorThresholdVnd: 20_000_000, qaSampleRate: 1, random: () => 0 };
    expect((await claimNext(deps, p))?.id).toBe(qaCase);
    await decide(deps, p, qaCase, { decision: 'APPROVE', amount: 18_500_000, reason: 'Vi phạm lần đầu, giảm mức phạt' });
    expect(await statusOf(qaCase)).toBe('QA_REVIEW');

    await page.goto(`${api.baseUrl}/review`);
    await page.keyboard.press('n');
    await page.waitForURL(`${api.baseUrl}/review/cases/${qaCase}`);
    expect(await page.locator('[data-field=blind]').isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath('review-case-qa-blind'), fullPage: true });
    const history = (await page.locator('[data-field=history]').textContent())!;
    expect(history).not.toContain('officer:rv.binh');
    expect(history).not.toContain('giảm mức phạt');
    expect(await page.locator('[data-field=approved-amount]').count()).toBe(0);
    expect(await page.content()).not.toContain('18.500.000');
    // The JSON view is as blind.
    const json = (await (await page.request.get(`${api.baseUrl}/v1/cases/${qaCase}`)).json()) as { act: { approvedAmount: number | null }; blind: boolean };
    expect(json).toMatchObject({ blind: true, act: { approvedAmount: null } });

    const sup = await newContext();
    const sp = await logIn(sup, 'ld.cuong');
    await sp.goto(`${api.baseUrl}/review/cases/${qaCase}`);
    // Supervisors take QA cases too: the page is as blind for them.
    expect(await sp.locator('[data-field=blind]').isVisible()).toBe(true);
    expect(await sp.locator('[data-field=approved-amount]').count()).toBe(0);
    expect(await sp.locator('[data-field=history]').textContent()).not.toContain('officer:rv.binh');
    await sup.close();

    // "Back to the queue" (k) gives the claim back.
    await page.keyboard.press('k');
    await page.waitForURL((u) => u.pathname === '/review' && u.search === '?m=released');
    expect((await ctx.db.case.findUniqueOrThrow({ where: { id: qaCase } })).claimedBy).toBeNull();
  });

  it("answers another agency's case with 404 and refuses a reviewer the supervisor and admin pages", async () => {
    const theirs = await ctx.db.case.findFirstOrThrow({ where: { detectingAgencyId: agencyB.id } });
    expect((await page.goto(`${api.baseUrl}/review/cases/${theirs.id}`))?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toContain(text('pages', 'error.404.title'));
    // Supervisor and admin pages: a reviewer is refused (404 where a branch has not mounted them, 403 from requireOfficer({ roles }) where it has).
    for (const path of ['/supervisor', '/admin/officers']) {
      expect([403, 404], path).toContain((await page.goto(`${api.baseUrl}${path}`))?.status());
      expect(await page.locator('.error-page').count(), path).toBe(1);
    }
  });

  it('works from queue to decision without the mouse (the QA case first: approving it blind at the proposed amount disagrees with the hidden lower one)', async () => {
    const [a, b] = [await newCase(), await newCase()];
    await page.goto(`${api.baseUrl}/review`);
    await page.keyboard.press('?');
    await expect.poll(() => page.locator('dialog#help').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await page.keyboard.press('n');
    await page.waitForURL(`${api.baseUrl}/review/cases/${qaCase}`);
    await page.keyboard.press('a');
    await page.waitForURL(`${api.baseUrl}/review/cases/${a}`);
    // The QA reviewer approved the proposed 19,000,000 without seeing the first reviewer's
    // 18,500,000: a disagreement, which a supervisor settles.
    expect(await ctx.db.case.findUniqueOrThrow({ where: { id: qaCase } })).toMatchObject({ status: 'ESCALATED_REVIEW' });
    expect(await ctx.db.reviewDecision.findFirstOrThrow({ where: { caseId: qaCase, qa: true } })).toMatchObject({ amount: 19_000_000, qaDisagrees: true });
    await page.keyboard.press('z');
    await expect.poll(() => page.locator('#viewer').getAttribute('class')).toContain('zoomed');
    await page.keyboard.press('Escape');
    await page.keyboard.press('a');
    await page.waitForURL(`${api.baseUrl}/review/cases/${b}`);
    expect(await statusOf(a)).toBe('APPROVED');
    await page.keyboard.press('r');
    await page.keyboard.press('1');
    await page.waitForURL((u) => u.pathname === '/review');
    expect(await ctx.db.reviewDecision.findFirstOrThrow({ where: { caseId: b } })).toMatchObject({ kind: 'REJECT', reasonCode: 'PLATE_UNREADABLE' });
  });

  it('decides without JavaScript: form posts, errors on the page, another amount with a reason', async () => {
    const c = await newCase();
    const nojs = await newContext({ width: 1366, height: 768 }, false);
    const np = await logIn(nojs, 'rv.binh');
    await np.click('form[data-next] button');
    await np.waitForURL(`${api.baseUrl}/review/cases/${c}`);
    // Outside the rule's range (18–20 million; the browser's own min/max is bypassed by posting the form as it would): 400, said on the case page, nothing recorded.
    const csrf = await np.locator('.d-amount input[name=_csrf]').getAttribute('value');
    const bad = await np.request.post(`${api.baseUrl}/review/cases/${c}/decision`, { form: { _csrf: csrf!, decision: 'APPROVE', amount: '25000000', reason: 'thử' }, headers: { accept: 'text/html' } });
    expect(bad.status()).toBe(400);
    expect(await bad.text()).toMatch(/role="alert"[^>]*>.*18000000/s);
    expect(await statusOf(c)).toBe('PENDING_REVIEW');
    // Without the CSRF token: refused.
    expect((await np.request.post(`${api.baseUrl}/review/cases/${c}/decision`, { form: { decision: 'APPROVE' } })).status()).toBe(403);
    await np.click('.d-more summary');
    await np.fill('.d-amount input[name=amount]', '18500000');
    await np.fill('.d-amount input[name=reason]', 'Vi phạm lần đầu');
    await np.screenshot({ path: screenshotPath('review-case-other-decisions') });
    await np.click('.d-amount button');
    await np.waitForURL((u) => u.pathname === '/review');
    expect(await ctx.db.case.findUniqueOrThrow({ where: { id: c } })).toMatchObject({ status: 'APPROVED', approvedAmount: 18_500_000 });
    // Another decision posted after the case moved on: the case page again, saying 409.
    const late = await np.request.post(`${api.baseUrl}/review/cases/${c}/decision`, { form: { _csrf: csrf!, decision: 'REJECT', reason: 'DUPLICATE' }, headers: { accept: 'text/html' } });
    expect(late.status()).toBe(409);
    expect(await late.text()).toContain('data-error="409"');
    await nojs.close();
  });

  it('renews the claim every third of the lease while the page is open, and says when it is lost', async () => {
    const c = await newCase();
    const hb = await reviewer.newPage();
    // The page's timers under the test's control: a third of the 600 s lease is 200 s.
    await hb.clock.install();
    await hb.goto(`${api.baseUrl}/review`);
    await hb.click('form[data-next] button');
    await hb.waitForURL(`${api.baseUrl}/review/cases/${c}`);
    const before = (await ctx.db.case.findUniqueOrThrow({ where: { id: c } })).claimExpiresAt!;
    const renewed = hb.waitForResponse((r) => r.url().endsWith(`/v1/review/claims/${c}/renew`));
    await hb.clock.runFor(200_000);
    expect((await renewed).status()).toBe(200);
    expect((await ctx.db.case.findUniqueOrThrow({ where: { id: c } })).claimExpiresAt!.getTime()).toBeGreaterThan(before.getTime());
    expect(await ctx.db.auditEntry.count({ where: { entityId: c, action: 'review.renew' } })).toBe(1);
    // The claim runs out meanwhile (the machine slept): the next beat gets 409 and the page says so.
    await ctx.db.case.update({ where: { id: c }, data: { claimExpiresAt: new Date(Date.now() - 1000) } });
    const lost = hb.waitForResponse((r) => r.url().endsWith(`/v1/review/claims/${c}/renew`));
    await hb.clock.runFor(200_000);
    expect((await lost).status()).toBe(409);
    await expect.poll(() => hb.locator('.decision-status').textContent()).toBe(text('pages', 'claim.lost'));
    expect(await hb.locator('form[data-decision=APPROVE] button').isDisabled()).toBe(true);
    // Back to the queue (k) with the claim already gone: the queue all the same.
    await hb.keyboard.press('k');
    await hb.waitForURL((u) => u.pathname === '/review');
    await hb.close();
  });

  it('lays out the queue and the case on a phone (390×844) without sideways scrolling', async () => {
    const phone = await newContext({ width: 390, height: 844 });
    const pp = await logIn(phone, 'rv.an');
    expect(await pp.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await pp.screenshot({ path: screenshotPath('review-queue-390x844'), fullPage: true });
    await pp.click('form[data-next] button');
    await pp.waitForURL(/\/review\/cases\//);
    expect(await pp.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await pp.screenshot({ path: screenshotPath('review-case-390x844') });
    await pp.screenshot({ path: screenshotPath('review-case-390x844-full'), fullPage: true });
    // Sign out: the logout button posts with the CSRF token, then the login page.
    await pp.locator('form[action="/logout"] button').click();
    await pp.waitForURL(/\/login$/);
    await phone.close();
    await reviewer.close();
  });
});
