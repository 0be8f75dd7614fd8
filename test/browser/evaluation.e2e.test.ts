import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_STAFF_PASSWORD, concord, createStaff, rawAdmin } from '../harness/concord.ts';
import { SCREENSHOTS, launchChromium, signInToStudio } from './chromium.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('an evaluation cycle in Studio', () => {
  it('is computed, reviewed and published by an HR member from the cycle form', async () => {
    const publisher = await createStaff('hr', { label: 'studio-evaluation' });
    await rawAdmin('PATCH', `/users/${publisher.id}`, { language: 'zh-CN' });
    const cycle = await rawAdmin<{ id: number }>('POST', '/items/cc_evaluation_cycles', { period_kind: 'monthly', starts_on: '2024-03-01' });

    const page = await signInToStudio(browser, publisher.email, TEST_STAFF_PASSWORD);
    try {
      await page.goto(`${concord().url}/admin/content/cc_evaluation_cycles/${cycle.id}`);
      const body = page.locator('body');
      await expect.poll(async () => body.innerText(), { timeout: 30_000 }).toContain('计算得分');
      await page.getByRole('button', { name: '计算得分' }).click();
      await expect.poll(async () => body.innerText(), { timeout: 30_000 }).toContain('已计算');
      await expect.poll(async () => body.innerText(), { timeout: 30_000 }).toContain('客服部');
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-evaluation-draft-zh.png'), fullPage: true });
      await page.getByRole('button', { name: '发布', exact: true }).click();
      await expect.poll(async () => body.innerText(), { timeout: 30_000 }).toContain('发布后得分将冻结');
      await page.locator('.confirm').getByRole('button', { name: '发布', exact: true }).click();
      await expect.poll(async () => body.innerText(), { timeout: 30_000 }).toContain('已发布:通知');
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-evaluation-published-zh.png'), fullPage: true });
    } finally {
      await page.close();
    }
    const stored = await rawAdmin<{ status: string; published_at: string | null }>('GET', `/items/cc_evaluation_cycles/${cycle.id}`);
    expect(stored.status).toBe('published');
    expect(stored.published_at).not.toBeNull();
  });
});
