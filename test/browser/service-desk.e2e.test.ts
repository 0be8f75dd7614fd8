import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concord, rawAdmin } from '../harness/concord.ts';
import { SCREENSHOTS, launchChromium, signInToStudio } from './chromium.ts';

/**
 * The service desk's and HR's day in Studio (issue 18: 2, 10–15), as the demo's own people in zh-CN:
 * 黄磊 (客服专员), 杨丽 (客服主管), 孙丽 (HR head).
 */
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function signInAs(email: string): Promise<Page> {
  const [user] = await rawAdmin<Array<{ id: string }>>('GET', `/users?filter[email][_eq]=${encodeURIComponent(email)}&fields=id`);
  await rawAdmin('PATCH', `/users/${user!.id}`, { language: 'zh-CN' });
  return signInToStudio(browser, email, concord().staffPassword);
}

describe('service sees the customer it calls back', () => {
  it('shows 黄磊 (客服部) the customer overview, the contact number and sorted related lists without delete icons', async () => {
    const [purchase] = await rawAdmin<Array<{ customer: number }>>('GET', '/items/cc_purchases?fields=customer&sort=customer&limit=1&filter[customer][_nnull]=true');
    const customerId = purchase!.customer;
    const customer = await rawAdmin<{ contact_phone: string | null; name: string }>('GET', `/items/cc_customers/${customerId}?fields=contact_phone,name`);
    expect(customer.contact_phone).toBeTruthy();
    const purchases = await rawAdmin<Array<{ purchased_on: string }>>('GET', `/items/cc_purchases?filter[customer][_eq]=${customerId}&fields=purchased_on&sort=-purchased_on&limit=10`);

    const page = await signInAs('huang.lei@example.com');
    try {
      await page.goto(`${concord().url}/admin/content/cc_customers/${customerId}`);
      const body = page.locator('body');
      await expect.poll(() => body.innerText(), { timeout: 30_000 }).toContain('客户全貌');
      await expect.poll(() => page.locator('.cc-360').innerText(), { timeout: 30_000 }).toContain('满意度');
      // Field values live in inputs, which innerText leaves out.
      await expect.poll(() => page.$$eval('input', (inputs) => inputs.map((i) => (i as HTMLInputElement).value)), { timeout: 30_000 }).toContain(customer.contact_phone!);
      // Related lists: a table per relation, newest first, nothing to remove for a reader who cannot.
      const lists = page.locator('.one-to-many');
      await expect.poll(() => lists.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
      const purchaseList = page.locator('[data-field="purchases"] .one-to-many, .field:has-text("购买记录") .one-to-many').first();
      await expect.poll(() => purchaseList.locator('tr.table-row').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      const firstRow = await purchaseList.locator('tr.table-row').first().innerText();
      const newest = purchases[0]!.purchased_on;
      const [y, m, d] = newest.split('-');
      expect(firstRow.replace(/\s+/g, ' ')).toMatch(new RegExp(`${y}|${Number(m)}月${Number(d)}|${newest}`));
      expect(await page.locator('.one-to-many [data-icon="close"], .one-to-many [data-icon="delete"], .one-to-many .v-remove').count()).toBe(0);
      expect(await page.locator('.one-to-many.disabled, .one-to-many .disabled tr.table-row').count()).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'desk-customer-as-service-zh.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});
