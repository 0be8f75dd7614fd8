import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_STAFF_PASSWORD, createStaff, rawAdmin } from '../harness/concord.ts';
import { SCREENSHOTS, launchChromium, signInToStudio } from './chromium.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('Studio as a staff member', () => {
  it('signs in and sees the Concord collections under their Chinese names', async () => {
    const person = await createStaff('sales', { label: 'studio' });
    await rawAdmin('PATCH', `/users/${person.id}`, { language: 'zh-CN' });
    const page = await signInToStudio(browser, person.email, TEST_STAFF_PASSWORD);
    try {
      // The content module's navigation lists the Concord folder and collections by their zh-CN names.
      const body = page.locator('body');
      await expect.poll(async () => body.innerText(), { timeout: 30_000 }).toContain('组织');
      if (!(await body.innerText()).includes('跨部门协同团队')) await page.getByText('组织', { exact: true }).first().click();
      await expect.poll(async () => body.innerText(), { timeout: 15_000 }).toContain('跨部门协同团队');
      const text = await body.innerText();
      for (const name of ['部门', '团队成员', '部门职责']) expect(text).toContain(name);
      // Configuration is for those who configure it (admins, from the authority matrix module).
      for (const name of ['团队组建规则', '部门权限']) expect(text).not.toContain(name);

      await page.getByText('跨部门协同团队', { exact: true }).first().click();
      await page.waitForURL(/\/admin\/content\/cc_teams/);
      await expect.poll(async () => body.innerText(), { timeout: 30_000 }).toContain('华东大客户协同团队');
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-teams-zh.png'), fullPage: false });

      // The team form carries Concord's composition interface, fed by the composition endpoint.
      await page.getByText('华东大客户协同团队', { exact: true }).first().click();
      await page.waitForURL(/\/admin\/content\/cc_teams\/\d+/);
      await expect.poll(async () => body.innerText(), { timeout: 30_000 }).toContain('满足组建规则,可以启用');
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-team-form-zh.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});
