import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { text } from '../../src/shared/templates.ts';
import { launchChromium, screenshotPath } from '../support/browser.ts';
import { createTestContext, seedSite, startApi, type TTestContext } from '../support/context.ts';
import { asOfficer, testOfficerAuth, testPrincipal } from '../support/officer.ts';
import { seedReviewCase, type TReviewCase } from '../support/review-case.ts';

let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;
let browser: Browser;
const agencyA = randomUUID();
const agencyB = randomUUID();
let mine: TReviewCase;
let theirs: TReviewCase;

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db);
  api = await startApi(ctx, { officerAuth: testOfficerAuth });
  const store = api.services.evidence();
  mine = await seedReviewCase(ctx.db, store, { agencyId: agencyA, flags: ['CLASS_MISMATCH', 'LOW_CONFIDENCE_READ'] });
  theirs = await seedReviewCase(ctx.db, store, { agencyId: agencyB, plate: '30A99999' });
  // A second case in the queue, near its deadline, so the queue page shows the urgent mark.
  await seedReviewCase(ctx.db, store, { agencyId: agencyA, plate: '51G67890', flags: [], registryClass: 'CAR', noticeDueAt: new Date(Date.now() + 86400_000) });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await ctx?.close();
});

const officerContext = (viewport: { width: number; height: number }): Promise<BrowserContext> =>
  browser.newContext({ viewport, extraHTTPHeaders: asOfficer(testPrincipal([agencyA])), locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });

/** Decisions the page posts, answered here: the decision API is src/review's. */
const captureDecisions = async (page: Page) => {
  const posted: { body: unknown; csrf: string | undefined; url: string }[] = [];
  await page.route('**/v1/cases/*/decision', async (route) => {
    const req = route.request();
    posted.push({ body: req.postDataJSON(), csrf: req.headers()['x-csrf-token'], url: req.url() });
    await route.fulfill({ status: 200, contentType: 'application/json', body: '{}' });
  });
  return posted;
};

const mainImageLoaded = (page: Page) =>
  // The callbacks run in the page; typed structurally (the project's TypeScript has no DOM library).
  page.locator('#main-image').evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0);

describe('the case page in Chromium', () => {
  it('shows the facts to decide on at 1366×768, with the evidence loaded', async () => {
    const context = await officerContext({ width: 1366, height: 768 });
    const page = await context.newPage();
    const res = await page.goto(`${api.baseUrl}/review/cases/${mine.caseId}`);
    expect(res?.status()).toBe(200);
    for (const field of ['plate', 'plate-raw', 'confidence', 'vehicle', 'legal-basis', 'amount', 'points', 'cert', 'notice-due', 'violation']) {
      await expect.poll(() => page.locator(`[data-field="${field}"]`).first().isVisible(), { message: field }).toBe(true);
    }
    expect(await page.locator('[data-field="plate"]').textContent()).toBe('51F12345');
    expect(await page.locator('[data-field="amount"]').textContent()).toContain('19.000.000 ₫');
    expect(await page.locator('[data-field="flags"]').textContent()).toContain(text('flags', 'LOW_CONFIDENCE_READ'));
    await expect.poll(() => mainImageLoaded(page)).toBe(true);
    // The decision bar is in view without scrolling.
    expect(await page.locator('.decision-bar form[data-next] button').isVisible()).toBe(true);
    const box = await page.locator('.decision-bar').boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(768);
    await page.screenshot({ path: screenshotPath('case-1366x768') });
    await page.screenshot({ path: screenshotPath('case-1366x768-full'), fullPage: true });
    await context.close();
  });

  it('works from the keyboard: ? help, z zoom, digits pick an image; no decision without a claim', async () => {
    const context = await officerContext({ width: 1366, height: 768 });
    const page = await context.newPage();
    const posted = await captureDecisions(page);
    await page.goto(`${api.baseUrl}/review/cases/${mine.caseId}`);
    await expect.poll(() => mainImageLoaded(page)).toBe(true);

    await page.keyboard.press('?');
    await expect.poll(() => page.locator('dialog#help').isVisible()).toBe(true);
    expect(await page.locator('dialog#help').textContent()).toContain(text('pages', 'help.approve'));
    await page.screenshot({ path: screenshotPath('case-help') });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('dialog#help').isVisible()).toBe(false);

    await page.keyboard.press('z');
    await expect.poll(() => page.locator('#viewer').getAttribute('class')).toContain('zoomed');
    const zoomed = await page.locator('#main-image').boundingBox();
    expect(zoomed!.width).toBeGreaterThanOrEqual(1300);
    await page.screenshot({ path: screenshotPath('case-zoomed') });
    await page.keyboard.press('z');
    await expect.poll(() => page.locator('#viewer').getAttribute('class')).not.toContain('zoomed');

    await page.keyboard.press('2');
    expect(await page.locator('#main-image').getAttribute('src')).toBe(`/v1/evidence/${mine.evidence[1]!.id}`);

    // Not claimed: the decisions are not offered (claiming and deciding: review-flow.test.ts).
    expect(await page.locator('form[data-decision]').count()).toBe(0);
    expect(await page.locator('[data-field=readonly]').textContent()).toBe(text('pages', 'decision.claimFirst'));
    await page.keyboard.press('a');
    expect(posted).toEqual([]);
    await context.close();
  });

  it('is usable on a phone (390×844): key facts visible, no sideways scrolling of the page', async () => {
    const context = await officerContext({ width: 390, height: 844 });
    const page = await context.newPage();
    await page.goto(`${api.baseUrl}/review/cases/${mine.caseId}`);
    await expect.poll(() => mainImageLoaded(page)).toBe(true);
    expect(await page.locator('[data-field="plate"]').isVisible()).toBe(true);
    // The decision bar closes the page on a phone: reached by scrolling.
    await page.locator('.decision-bar form[data-next] button').scrollIntoViewIfNeeded();
    expect(await page.locator('.decision-bar form[data-next] button').isVisible()).toBe(true);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: screenshotPath('case-390x844') });
    await page.screenshot({ path: screenshotPath('case-390x844-full'), fullPage: true });
    await context.close();
  });

  it('lists the queue in English on ?lang=en and opens a case from the keyboard', async () => {
    const context = await officerContext({ width: 1366, height: 768 });
    const page = await context.newPage();
    await page.goto(`${api.baseUrl}/review?lang=en`);
    expect(await page.locator('h1').textContent()).toContain('Cases awaiting review');
    expect(await page.locator('tr.urgent').count()).toBe(1);
    expect(await page.content()).not.toContain(theirs.caseId);
    await page.screenshot({ path: screenshotPath('queue-1366x768') });
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/review\/cases\//);
    expect(await page.locator('.decision-bar').textContent()).toContain('Next case');
    await context.close();
  });

  it("answers another agency's case with the 404 page", async () => {
    const context = await officerContext({ width: 1366, height: 768 });
    const page = await context.newPage();
    const res = await page.goto(`${api.baseUrl}/review/cases/${theirs.caseId}`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toContain(text('pages', 'error.404.title'));
    await page.screenshot({ path: screenshotPath('not-found') });
    await context.close();
  });
});
