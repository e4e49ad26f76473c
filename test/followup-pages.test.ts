import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOfficer } from '../src/accounts/index.ts';
import { CalendarCache } from '../src/clock/index.ts';
import { runDeadlines } from '../src/followup/index.ts';
import { ContentStore } from '../src/storage/index.ts';
import { responseOfForm } from '../src/web/index.ts';
import { launchChromium, screenshotPath, signInBrowser } from './support/browser.ts';
import { createTestContext, ensureTestAgency, seedSite, silentLogger, startApi, type TTestContext } from './support/context.ts';
import { loadTestHolidays } from './support/holidays.ts';
import { seedNotifiedCase, type TNotifiedCase } from './support/notified-case.ts';
import { AGENCY_B, seedReviewCases } from './support/review-cases.ts';

// The follow-up on the officers' pages, signed in for real in Chromium: the supervisors'
// warnings of the 10-day notice limit (supervisor page and their queue page), and the case
// page's escalations and response form (CSRF-checked form post).
let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;
let browser: Browser;
let overdue: TNotifiedCase;
const PASSWORD = 'một mật khẩu đủ dài';
const ids: Record<'approaching' | 'missed' | 'far' | 'theirs', string[]> = { approaching: [], missed: [], far: [], theirs: [] };

beforeAll(async () => {
  ctx = await createTestContext();
  api = await startApi(ctx);
  await seedSite(ctx.db);
  await loadTestHolidays(ctx.db);
  const hcm = await ensureTestAgency(ctx.db);
  for (const [username, roles] of [['ld.giamsat', ['SUPERVISOR', 'REVIEWER']], ['cb.an', ['REVIEWER']]] as const) {
    await addOfficer({ db: ctx.db, actor: 'test' }, { username, fullName: username === 'cb.an' ? 'Nguyễn Văn An' : 'Trần Văn Giám', agency: 'PC08-HCM', roles: [...roles], password: PASSWORD });
  }
  // Notice deadlines: tomorrow and the day after (approaching), 2 days ago (missed), in 6 days (not yet), another agency's.
  ids.approaching = await seedReviewCases(ctx.db, 'SITE-1', 2, { agency: hcm.id, dueInDays: 0 });
  ids.missed = await seedReviewCases(ctx.db, 'SITE-1', 1, { agency: hcm.id, dueInDays: -3 });
  ids.far = await seedReviewCases(ctx.db, 'SITE-1', 1, { agency: hcm.id, dueInDays: 5 });
  ids.theirs = await seedReviewCases(ctx.db, 'SITE-1', 1, { agency: AGENCY_B, dueInDays: 0 });
  const calendar = await new CalendarCache(ctx.db).get();
  overdue = await seedNotifiedCase(ctx.db, new ContentStore(ctx.evidenceDir, false), calendar, { agencyId: hcm.id, vehicleClass: 'MOTORCYCLE' });
  await runDeadlines(ctx.db, { now: new Date(overdue.responseDueAt.getTime() + 1), batch: 100, log: silentLogger });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await ctx?.close();
});

const signedIn = (username: string) => signInBrowser(browser, api.baseUrl, username, PASSWORD);

const warned = (page: Page) => page.locator('[data-section="notice-limit"] tr[data-case]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case')));

describe('notice-limit warnings for supervisors', () => {
  it("lists the scope's cases close to or past the 10-day limit on the supervisor page and the supervisor's queue page", async () => {
    const { context, page, errors } = await signedIn('ld.giamsat');
    expect((await page.goto(`${api.baseUrl}/supervisor`))?.status()).toBe(200);
    const listed = await warned(page);
    expect(listed.slice(0, 1)).toEqual(ids.missed);
    expect([...listed].sort()).toEqual([...ids.missed, ...ids.approaching].sort());
    expect(await page.locator('[data-field="notice-limit-counts"]').textContent()).toBe('2 sắp đến hạn · 1 đã quá hạn');
    expect(await page.locator(`[data-section="notice-limit"] tr[data-case="${ids.missed[0]}"]`).textContent()).toContain('Đã quá hạn');
    await page.screenshot({ path: screenshotPath('followup-supervisor-1366x768') });
    await page.goto(`${api.baseUrl}/review`);
    expect([...(await warned(page))].sort()).toEqual([...ids.missed, ...ids.approaching].sort());
    await page.goto(`${api.baseUrl}/supervisor?lang=en`);
    expect(await page.locator('#notice-limit-title').textContent()).toContain('Close to the 10-day notice limit');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is not on a reviewer\'s queue page', async () => {
    const { context, page } = await signedIn('cb.an');
    await page.goto(`${api.baseUrl}/review`);
    expect(await page.locator('[data-section="notice-limit"]').count()).toBe(0);
    await context.close();
  });
});

describe('the case page after the notice', () => {
  it('turns the form into the response API body', () => {
    expect(responseOfForm({ _csrf: 'x', kind: 'DRIVER_IDENTIFIED', driverName: ' Lê Văn Lái ', driverIdNumber: '', respondedAt: '2026-11-30T09:15' })).toEqual({
      kind: 'DRIVER_IDENTIFIED',
      driverName: ' Lê Văn Lái ',
      respondedAt: '2026-11-30T09:15:00+07:00',
    });
  });

  it('shows the escalations and records the response from the form (CSRF-checked), which lifts them', async () => {
    const { context, page, errors } = await signedIn('cb.an');
    const url = `${api.baseUrl}/review/cases/${overdue.caseId}`;
    expect((await page.goto(url))?.status()).toBe(200);
    expect(await page.locator('tr[data-escalation]').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-escalation')}:${r.getAttribute('data-status')}`))).toEqual([
      'VEHICLE_REGISTRATION:PENDING',
      'DRIVING_LICENCE:PENDING',
      'COMMUNE_POLICE:PENDING',
    ]);
    expect(await page.locator('[data-section="followup"]').textContent()).toContain('Công an cấp xã nơi chủ xe cư trú (mẫu số 04)');
    await page.locator('[data-form="response"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('followup-case-overdue-1366x768'), fullPage: true });
    // On a phone: the section and its form fit, no sideways scrolling of the page.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.locator('[data-form="response"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('followup-case-overdue-390x844') });
    await page.setViewportSize({ width: 1366, height: 768 });

    // Without the form's token: refused, nothing recorded.
    const forged = await page.request.post(`${url}/response`, { form: { kind: 'CAME_IN_PERSON' }, headers: { accept: 'text/html' } });
    expect(forged.status()).toBe(403);
    // The form filled in wrong (driver not named): the case page again, saying so.
    await page.selectOption('select[name="kind"]', 'DRIVER_IDENTIFIED');
    await page.click('[data-form="response"] button[type="submit"]');
    await expect.poll(() => page.locator('[data-error="400"]').count()).toBe(1);
    expect(await ctx.db.ownerResponse.count({ where: { caseId: overdue.caseId } })).toBe(0);

    await page.selectOption('select[name="kind"]', 'DRIVER_IDENTIFIED');
    await page.fill('input[name="driverName"]', 'Đặng Thị Lái');
    await page.fill('input[name="driverIdNumber"]', '079301009876');
    await page.fill('input[name="note"]', 'Chủ xe đến Phòng CSGT, khai người điều khiển là con gái');
    await page.click('[data-form="response"] button[type="submit"]');
    await expect.poll(() => page.locator('tr[data-response="DRIVER_IDENTIFIED"]').count()).toBe(1);
    expect(page.url()).toBe(url);
    expect(await page.locator('.badge.status').textContent()).toBe('Đã phản hồi');
    // Never sent: withdrawn without a call.
    expect(await page.locator('tr[data-escalation]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))).toEqual(['LIFTED', 'LIFTED', 'LIFTED']);
    expect(await page.locator('[data-form="response"]').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('followup-case-responded-1366x768'), fullPage: true });
    expect(errors.filter((e) => !e.startsWith('403') && !e.startsWith('400'))).toEqual([]);
    await context.close();
  });
});
