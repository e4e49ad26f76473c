import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgency, addOfficer } from '../../src/accounts/index.ts';
import { launchChromium, screenshotPath, signInBrowser } from '../support/browser.ts';
import { createTestContext, seedSite, startApi, type TTestContext } from '../support/context.ts';
import { seedReviewCases } from '../support/review-cases.ts';
import { seedCapture, seedDecision } from '../support/review-stats.ts';

let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;
let browser: Browser;
const PASSWORD = 'một mật khẩu đủ dài';
const REASONS = ['PLATE_UNREADABLE', 'PLATE_MISREAD', 'EVIDENCE_INSUFFICIENT', 'CAMERA_FAULT', 'DUPLICATE'];

beforeAll(async () => {
  ctx = await createTestContext();
  api = await startApi(ctx, { env: { LOGIN_RATE_PER_USER: '50', LOGIN_RATE_PER_IP: '500' } });
  await seedSite(ctx.db, { cameras: ['CAM-HX-01', 'CAM-HX-02', 'CAM-HX-03', 'CAM-HX-04'] });
  const hcm = await ctx.db.agency.findUniqueOrThrow({ where: { code: 'PC08-HCM' } });
  await addAgency({ db: ctx.db, actor: 'test' }, { code: 'DOI1-HCM', name: 'Đội CSGT số 1', province: 'TP. Hồ Chí Minh', kind: 'TRAFFIC_POLICE_TEAM', parent: 'PC08-HCM' });
  const add = async (username: string, fullName: string, roles: ('REVIEWER' | 'SUPERVISOR' | 'ADMIN')[], agency = 'PC08-HCM') =>
    (await addOfficer({ db: ctx.db, actor: 'test' }, { username, fullName, agency, roles, password: PASSWORD })).officer.id;
  await add('ld.giamsat', 'Trần Văn Giám', ['SUPERVISOR', 'REVIEWER']);
  await add('qt.admin', 'Hoàng Thị Quản', ['ADMIN']);
  const reviewers = [await add('cb.an', 'Nguyễn Văn An', ['REVIEWER'], 'DOI1-HCM'), await add('cb.binh', 'Lê Thị Bình', ['REVIEWER']), await add('cb.cuong', 'Phạm Văn Cường', ['REVIEWER'])];
  // Three weeks of decisions: CAM-HX-03 has a dirty lens (most of its cases rejected, plate unreadable).
  const cams = ['CAM-HX-01', 'CAM-HX-02', 'CAM-HX-03', 'CAM-HX-04'];
  const cases = await seedReviewCases(ctx.db, 'SITE-1', 160, { agency: hcm.id });
  for (const [i, id] of cases.entries()) {
    const cam = cams[i % 4]!;
    await seedCapture(ctx.db, id, cam);
    const dirty = cam === 'CAM-HX-03';
    const reject = dirty ? i % 3 !== 0 : i % 9 === 0;
    const at = new Date(Date.now() - ((i * 7) % 19) * 86400_000 - (i % 5) * 3600_000);
    await seedDecision(ctx.db, id, reviewers[i % 3]!, {
      kind: reject ? 'REJECT' : 'APPROVE',
      to: reject ? 'REJECTED' : 'APPROVED',
      reason: reject ? (dirty ? 'PLATE_UNREADABLE' : REASONS[i % REASONS.length]) : undefined,
      at,
      claimSeconds: 40 + ((i * 37) % 200),
      qa: i % 10 === 0,
      qaDisagrees: i % 10 === 0 ? i % 20 === 0 : undefined,
    });
  }
  await seedReviewCases(ctx.db, 'SITE-1', 3, { agency: hcm.id, status: 'ESCALATED_REVIEW', flags: ['CLASS_MISMATCH'] });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await ctx?.close();
});

const signedIn = (username: string) => signInBrowser(browser, api.baseUrl, username, PASSWORD);

/** Whether a canvas has anything drawn on it (some pixel not transparent). */
const canvasDrawn = (page: Page, id: string) =>
  page.locator(`#${id}`).evaluate((c: { width: number; height: number; getContext: (k: string) => { getImageData: (x: number, y: number, w: number, h: number) => { data: ArrayLike<number> } } }) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) return c.width > 0 && c.height > 0;
    return false;
  });

describe('the supervisor page in Chromium', () => {
  it('shows the figures with their charts drawn at 1366×768', async () => {
    const { context, page, errors } = await signedIn('ld.giamsat');
    const res = await page.goto(`${api.baseUrl}/supervisor`);
    expect(res?.status()).toBe(200);
    for (const id of ['chart-daily', 'chart-reasons', 'chart-cameras']) {
      await expect.poll(() => page.locator(`#${id}`).getAttribute('data-drawn'), { message: id }).toBe('true');
      expect(await canvasDrawn(page, id), id).toBe(true);
    }
    expect(await page.locator('[data-section="escalated"] tbody tr').count()).toBe(3);
    expect(await page.locator('[data-officer]').count()).toBe(3);
    // The dirty lens leads the camera table.
    expect(await page.locator('[data-camera]').first().getAttribute('data-camera')).toBe('CAM-HX-03');
    expect(errors).toEqual([]);
    await page.screenshot({ path: screenshotPath('supervisor-1366x768') });
    await page.screenshot({ path: screenshotPath('supervisor-1366x768-full'), fullPage: true });
    // English switch.
    await page.goto(`${api.baseUrl}/supervisor?lang=en`);
    expect(await page.locator('h1').textContent()).toBe('Review supervision');
    await context.close();
  });
});

describe('the admin pages in Chromium', () => {
  it('shows the officers and adds one, the password shown once', async () => {
    const { context, page, errors } = await signedIn('qt.admin');
    await page.goto(`${api.baseUrl}/admin/officers`);
    expect(await page.locator('tr[data-officer]').count()).toBe(5);
    await page.screenshot({ path: screenshotPath('admin-officers-1366x768') });
    await page.fill('input[name="username"]', 'cb.dung');
    await page.fill('input[name="fullName"]', 'Võ Thị Dung');
    await page.selectOption('select[name="agency"]', 'DOI1-HCM');
    await page.click('.add-officer button[type="submit"]');
    await expect.poll(() => page.locator('[data-field="password"]').count()).toBe(1);
    expect((await page.locator('[data-field="password"]').textContent())!.length).toBeGreaterThanOrEqual(16);
    expect(await page.locator('tr[data-officer="cb.dung"]').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('admin-officers-added-1366x768') });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('renders the BullMQ dashboard under the CSP', async () => {
    const { context, page, errors } = await signedIn('qt.admin');
    await page.goto(`${api.baseUrl}/admin/queues`);
    await expect.poll(() => page.getByText('dedup').first().isVisible(), { timeout: 10_000 }).toBe(true);
    // The overview has loaded (bull-board's API answered through the ADMIN check).
    await expect.poll(() => page.getByText('Loading...').count(), { timeout: 10_000 }).toBe(0);
    await page.screenshot({ path: screenshotPath('admin-queues-1366x768') });
    expect(errors.filter((e) => /Content Security Policy/.test(e)), errors.join('\n')).toEqual([]);
    await context.close();
  });
});
