import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../../host/paths.ts';
import { concord } from '../harness/concord.ts';

/** The flags Debian's chromium needs here: headless, no sandbox as root, and no network of its own. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
}

/** Signs into Studio through its login form and waits until Studio has left the login page (for wherever the person lands). */
export async function signInToStudio(browser: Browser, email: string, password: string): Promise<Page> {
  return signInOn(await browser.newPage({ viewport: { width: 1440, height: 1000 } }), email, password);
}

async function signInOn(page: Page, email: string, password: string): Promise<Page> {
  await page.goto(`${concord().url}/admin/login`);
  await page.locator('input[type="email"]').fill(email);
  await page.locator('input[type="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname.startsWith('/admin/') && !url.pathname.startsWith('/admin/login'), { timeout: 60_000 });
  return page;
}

/**
 * People who stay signed in across a file's tests, as a person keeps Studio's session between visits:
 * the first page of each person signs in through the login form (and is where Studio landed them);
 * each later page is a new tab of the same browser session, on no address yet, for the caller to
 * open. Saves a sign-in (Studio loaded twice, the landing page's panels among it) per later page.
 */
export function studioSessions(browser: Browser): { page(email: string, password: string): Promise<Page>; close(): Promise<void> } {
  const contexts = new Map<string, BrowserContext>();
  return {
    async page(email, password) {
      const known = contexts.get(email);
      if (known) return known.newPage();
      const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
      contexts.set(email, context);
      return signInOn(await context.newPage(), email, password);
    },
    async close() {
      for (const context of contexts.values()) await context.close();
      contexts.clear();
    },
  };
}
