import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it): playwright never downloads a browser here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Screenshots of the browser tests, for people to look at (gitignored). */
export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../var/screenshots');

export const launchChromium = async (): Promise<Browser> => {
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
};

export const screenshotPath = (name: string): string => resolve(SCREENSHOT_DIR, `${name}.png`);

export type TSignedIn = { context: BrowserContext; page: Page; errors: string[] };

/**
 * A browser context at 1366×768 in Vietnamese, signed in as `username` through the real
 * login (the session cookie lands in the context), with a list that collects the page's
 * script errors, console errors and failed loads (the favicon aside), for a test to
 * expect empty.
 */
export const signInBrowser = async (browser: Browser, baseUrl: string, username: string, password: string): Promise<TSignedIn> => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const res = await context.request.post(`${baseUrl}/v1/auth/login`, { data: { username, password } });
  if (res.status() !== 200) throw new Error(`signing in as ${username}: ${res.status()}`);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    // A failed load is reported with its URL by the response listener below.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  // A missing asset names itself (the console says only "404").
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
  });
  return { context, page, errors };
};
