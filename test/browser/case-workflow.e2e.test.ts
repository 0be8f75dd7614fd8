import { join } from 'node:path';
import { createItem, readItems } from '@directus/sdk';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_STAFF_PASSWORD, adminClient, concord, createStaff, rawAdmin } from '../harness/concord.ts';
import { SCREENSHOTS, launchChromium, signInToStudio } from './chromium.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('the case form in Studio', () => {
  it('offers only the transitions this user may take, and takes one', async () => {
    const agent = await createStaff('service', { label: 'studio-service' });
    await rawAdmin('PATCH', `/users/${agent.id}`, { language: 'zh-CN' });
    const admin = adminClient();
    const customer = await admin.request(createItem('cc_customers', { name: '浏览器测试客户' } as never));
    const team = await admin.request(createItem('cc_teams', { name: 'E2E-team', members: [{ user: agent.id, role_in_team: 'representative' }] } as never));
    const [complaint] = (await admin.request(readItems('cc_workflows', { filter: { key: { _eq: 'complaint' } }, fields: ['id'] } as never))) as Array<{ id: number }>;
    const created = await agent.client.request(createItem('cc_cases', { title: '浏览器里的投诉', workflow: complaint!.id, customer: customer.id, team: team.id } as never));

    const page = await signInToStudio(browser, agent.email, TEST_STAFF_PASSWORD);
    try {      await page.goto(`${concord().url}/admin/content/cc_cases/${created.id}`);
      const body = page.locator('body');
      await expect.poll(async () => body.innerText(), { timeout: 30_000 }).toContain('当前状态: 已受理');
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-case-form-zh.png') });
      await page.getByRole('button', { name: /开始调查/ }).click();
      // The control asks before it moves the case (with room for a note for the history).
      await page.getByRole('button', { name: '确认转换' }).click();
      await expect.poll(async () => body.innerText(), { timeout: 30_000 }).toContain('当前状态: 调查中');
    } finally {
      await page.close();
    }
    const [stored] = await rawAdmin<Array<{ state: { key: string } }>>('GET', `/items/cc_cases?filter[id][_eq]=${created.id}&fields=state.key`);
    expect(stored?.state.key).toBe('investigating');
    const events = await rawAdmin<Array<{ actor: string }>>('GET', `/items/cc_case_events?filter[case][_eq]=${created.id}&fields=actor&sort=id`);
    expect(events.map((e) => e.actor)).toEqual([agent.id, agent.id]);
  });
});
