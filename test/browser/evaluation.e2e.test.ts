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

describe('the evaluation interfaces', () => {
  it('edits a cycle’s weights with their shares shown, refusing what the server refuses', async () => {
    const publisher = await createStaff('hr', { label: 'studio-weights' });
    await rawAdmin('PATCH', `/users/${publisher.id}`, { language: 'zh-CN' });
    const cycle = await rawAdmin<{ id: number }>('POST', '/items/cc_evaluation_cycles', { period_kind: 'monthly', starts_on: '2024-02-01' });
    const page = await signInToStudio(browser, publisher.email, TEST_STAFF_PASSWORD);
    try {
      await page.goto(`${concord().url}/admin/content/cc_evaluation_cycles/${cycle.id}`);
      const weights = page.locator('.cc-weights').first();
      await expect.poll(async () => weights.innerText(), { timeout: 30_000 }).toContain('20.0%');
      await weights.locator('#cc-communication').fill('3');
      await expect.poll(async () => weights.innerText()).toContain('42.9%');
      await weights.locator('#cc-execution').fill('-1');
      await expect.poll(async () => weights.innerText()).toContain('execution is -1');
      await weights.locator('#cc-execution').fill('1');
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-evaluation-weights-zh.png') });
      await page.keyboard.press('Control+s');
      await expect.poll(async () => (await rawAdmin<{ weights: unknown }>('GET', `/items/cc_evaluation_cycles/${cycle.id}`)).weights, { timeout: 30_000 }).toEqual({
        communication: 3,
        execution: 1,
        satisfaction: 1,
        utilisation: 1,
        cohesion: 1,
      });
    } finally {
      await page.close();
    }
  });

  it('takes a satisfaction score from the keyboard', async () => {
    const [response] = await rawAdmin<Array<{ id: number; csat: number }>>('GET', '/items/cc_survey_responses?filter[csat][_eq]=3&fields=id,csat&limit=1');
    const page = await signInToStudio(browser, 'admin@example.com', 'concord-admin');
    try {
      await page.goto(`${concord().url}/admin/content/cc_survey_responses/${response!.id}`);
      const rating = page.locator('.cc-rating').first();
      await expect.poll(async () => rating.count(), { timeout: 30_000 }).toBe(1);
      await rating.locator('[role="radio"][aria-checked="true"]').focus();
      await page.keyboard.press('ArrowRight');
      await expect.poll(async () => rating.locator('[role="radio"][aria-checked="true"]').getAttribute('data-score')).toBe('4');
      await page.keyboard.press('5');
      await expect.poll(async () => rating.locator('[role="radio"][aria-checked="true"]').getAttribute('data-score')).toBe('5');
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-rating-zh.png') });
      await page.keyboard.press('Control+s');
      await expect.poll(async () => (await rawAdmin<{ csat: number }>('GET', `/items/cc_survey_responses/${response!.id}`)).csat, { timeout: 30_000 }).toBe(5);
    } finally {
      await page.close();
    }
  });
});
