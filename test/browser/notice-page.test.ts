import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticePath } from '../../src/notices/index.ts';
import { text } from '../../src/shared/templates.ts';
import { launchChromium, screenshotPath } from '../support/browser.ts';
import { createTestContext, seedSite, startApi, type TTestContext } from '../support/context.ts';
import { seedIssuedNotice, type TIssuedNotice } from '../support/issued-notice.ts';
import { asOfficer, testOfficerAuth, testPrincipal } from '../support/officer.ts';

let ctx: TTestContext;
let api: Awaited<ReturnType<typeof startApi>>;
let browser: Browser;
const agency = randomUUID();
let notice: TIssuedNotice;

const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1366, height: 768 } } as const;

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db);
  api = await startApi(ctx, { officerAuth: testOfficerAuth });
  notice = await seedIssuedNotice(ctx.db, { evidence: api.services.evidence(), notices: api.services.noticeFiles() }, { agencyId: agency, agencyCode: 'PC08' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await ctx?.close();
});

const citizen = (size: keyof typeof SIZES) => browser.newContext({ viewport: SIZES[size], locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', isMobile: size === 'phone', hasTouch: size === 'phone' });

// The callbacks run in the page; typed structurally (the project's TypeScript has no DOM library).
const imagesLoaded = (page: import('playwright-core').Page) =>
  page.locator('[data-field=evidence] img').evaluateAll((imgs: { complete: boolean; naturalWidth: number }[]) => imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0));

describe('the notice page in Chromium', () => {
  for (const size of ['phone', 'desktop'] as const) {
    it(`opens from the QR link at ${SIZES[size].width}×${SIZES[size].height}: the code in the fragment, the notice, its images and its PDF`, async () => {
      const context = await citizen(size);
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`${api.baseUrl}${notice.qrPath}`);
      // The script sends the code from the fragment; the redirect lands on the notice.
      await page.waitForSelector('[data-field=violation]');
      expect(new URL(page.url()).pathname).toBe(noticePath(notice.number));
      expect(page.url()).not.toContain('code=');
      // The code never went to the server in a URL.
      const bare = notice.code.replace('-', '');
      expect(requests.filter((u) => u.includes(bare) || u.includes(notice.code))).toEqual([]);
      expect(await page.locator('[data-field=number]').textContent()).toBe(notice.number);
      expect(await page.locator('[data-field=plate]').textContent()).toBe('51F-123.45');
      expect(await page.locator('[data-field=amount]').textContent()).toBe('19.000.000 ₫');
      expect(await page.locator('[data-field=unit]').textContent()).toContain('459 Trần Hưng Đạo');
      expect(await page.locator('[data-field=scam]').isVisible()).toBe(true);
      await expect.poll(() => imagesLoaded(page)).toBe(true);
      // The PDF link works with the cookie alone.
      const href = await page.locator('[data-field=pdf]').getAttribute('href');
      const pdf = await page.evaluate(`fetch(${JSON.stringify(href)}).then(async (r) => [r.status, r.headers.get('content-type'), (await r.arrayBuffer()).byteLength])`);
      expect(pdf).toEqual([200, 'application/pdf', expect.any(Number)]);
      // No sideways scrolling; the due date is on the first screen.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(SIZES[size].width);
      const due = await page.locator('[data-field=respond-by]').boundingBox();
      expect(due!.y + due!.height).toBeLessThanOrEqual(SIZES[size].height);
      await page.screenshot({ path: screenshotPath(`notice-${size}`) });
      await page.screenshot({ path: screenshotPath(`notice-${size}-full`), fullPage: true });
      // The grant is the notice's only: the same browser gets the form for another number.
      await page.goto(`${api.baseUrl}${noticePath('000999/TB-PC08')}`);
      expect(await page.locator('input[name=code]').isVisible()).toBe(true);
      await context.close();
    });

    it(`a wrong code at ${SIZES[size].width}×${SIZES[size].height}: the form again, saying so, and nothing opened`, async () => {
      const context = await citizen(size);
      const page = await context.newPage();
      await page.goto(`${api.baseUrl}${noticePath(notice.number)}#code=ZZZZZZZZZZ`);
      await page.waitForSelector('[data-field=error]');
      expect(await page.locator('[data-field=error]').textContent()).toBe(text('notice-page', 'code.refused'));
      // Not sent again by the script; the citizen types the code from the paper.
      expect(await page.locator('input[name=code]').inputValue()).toBe('');
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(SIZES[size].width);
      await page.screenshot({ path: screenshotPath(`notice-wrong-code-${size}`) });
      const pdf = await page.evaluate(`fetch(${JSON.stringify(`${noticePath(notice.number)}/pdf`)}).then((r) => r.status)`);
      expect(pdf).toBe(404);
      await page.locator('input[name=code]').fill(notice.code.toLowerCase());
      await page.locator('button[type=submit]').click();
      await page.waitForSelector('[data-field=violation]');
      await context.close();
    });
  }

  it('the code form in English at 390×844', async () => {
    const context = await citizen('phone');
    const page = await context.newPage();
    await page.goto(`${api.baseUrl}${noticePath(notice.number)}?lang=en`);
    expect(await page.locator('h1').textContent()).toBe(text('notice-page', 'code.heading', {}, 'en'));
    await page.screenshot({ path: screenshotPath('notice-code-en-phone') });
    await context.close();
  });

  it('the officer case page shows the notice and its deliveries', async () => {
    const context = await browser.newContext({ viewport: SIZES.desktop, extraHTTPHeaders: asOfficer(testPrincipal([agency])), locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const page = await context.newPage();
    await page.goto(`${api.baseUrl}/review/cases/${notice.caseId}`);
    const section = page.locator('[data-field=notice]');
    await section.scrollIntoViewIfNeeded();
    expect(await section.locator('[data-field=notice-number]').textContent()).toBe(notice.number);
    expect(await section.locator('[data-field=deliveries] tbody tr').count()).toBe(1);
    await section.screenshot({ path: screenshotPath('case-notice-section') });
    await context.close();
  });
});
