import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createItem, readItems } from '@directus/sdk';
import { adminClient, concord, createStaff, http, rawAdmin, testDb, tokenOf, TEST_STAFF_PASSWORD } from '../harness/concord.ts';
import { toDbTime } from '../../src/directus/time.ts';
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
      await page.screenshot({ path: join(SCREENSHOTS, 'desk-customer-as-service-zh.png'), fullPage: true });
      const count = async (selector: string) => [selector, await page.locator(selector).count()];
      const icons = await page.$$eval('.one-to-many [data-icon="delete"]', (found) => found.slice(0, 2).map((icon) => `${icon.closest('td, .v-list-item, div')?.className ?? ''}: ${icon.parentElement?.outerHTML.slice(0, 300) ?? ''}`));
      if (icons.length > 0) console.log('delete icons in related lists:', icons);
      expect(await count('.one-to-many [data-icon="close"]')).toEqual(['.one-to-many [data-icon="close"]', 0]);
      expect(await count('.one-to-many [data-icon="delete"]')).toEqual(['.one-to-many [data-icon="delete"]', 0]);
      expect(await count('.one-to-many .v-remove')).toEqual(['.one-to-many .v-remove', 0]);
    } finally {
      await page.close();
    }
  });
});

describe('SLA on the case and the queues', () => {
  it('shows staff the response and resolution due time with time left, keeps resolved cases out of 待处理 and in 待回访, and the handoff note in the history', async () => {
    const agent = await createStaff('service', { label: 'desk-sla' });
    await rawAdmin('PATCH', `/users/${agent.id}`, { language: 'zh-CN' });
    const admin = adminClient();
    const customer = await admin.request(createItem('cc_customers', { name: '时限测试客户' } as never));
    const [complaint] = (await admin.request(readItems('cc_workflows', { filter: { key: { _eq: 'complaint' } }, fields: ['id'] } as never))) as Array<{ id: number }>;
    const open = await agent.client.request(createItem('cc_cases', { title: '时限:待处理的投诉', workflow: complaint!.id, customer: customer.id } as never));
    const resolved = await agent.client.request(createItem('cc_cases', { title: '时限:已解决待回访', workflow: complaint!.id, customer: customer.id } as never));
    const token = await tokenOf(agent);
    const move = async (id: number, to: string, extra: Record<string, unknown> = {}) => {
      const result = await http('POST', `/concord/cases/${id}/transitions`, { token, body: { to, ...extra } });
      expect([to, result.status, result.text.slice(0, 200)]).toEqual([to, 200, expect.any(String)]);
    };
    await move(open.id, 'investigating', { note: '交接说明:客户要求周五前回电' });
    await move(resolved.id, 'investigating');
    await move(resolved.id, 'resolved', { fields: { resolution_note: '已更换配件' } });

    // The server keeps the due times: response 8 h after entering 调查中, resolution 72 h after opening.
    const stored = await rawAdmin<{ state_entered_at: string; opened_at: string; response_due_at: string; resolution_due_at: string }>(
      'GET', `/items/cc_cases/${open.id}?fields=state_entered_at,opened_at,response_due_at,resolution_due_at`);
    expect(new Date(stored.response_due_at).getTime() - new Date(stored.state_entered_at).getTime()).toBe(8 * 3_600_000);
    expect(new Date(stored.resolution_due_at).getTime() - new Date(stored.opened_at).getTime()).toBe(72 * 3_600_000);
    const after = await rawAdmin<{ resolution_due_at: string | null; response_due_at: string | null }>('GET', `/items/cc_cases/${resolved.id}?fields=response_due_at,resolution_due_at`);
    expect(after.resolution_due_at).toBeNull();
    expect(after.response_due_at).not.toBeNull();

    const page = await signInToStudio(browser, agent.email, TEST_STAFF_PASSWORD);
    try {
      const body = page.locator('body');
      await page.goto(`${concord().url}/admin/content/cc_cases/${open.id}`);
      await expect.poll(() => body.innerText(), { timeout: 30_000 }).toContain('当前状态: 调查中');
      const due = page.locator('.cc-sla-due');
      await expect.poll(() => due.count(), { timeout: 30_000 }).toBe(2);
      const texts = await due.allInnerTexts();
      expect(texts.join(' | ')).toMatch(/剩余 \d+ 小时.*\|.*剩余 \d+ 天/s);
      expect(await page.locator('.cc-sla-due.overdue').count()).toBe(0);
      // 11: the note written at the handoff reads in the history list itself.
      await expect.poll(() => body.innerText(), { timeout: 30_000 }).toContain('交接说明:客户要求周五前回电');
      await page.screenshot({ path: join(SCREENSHOTS, 'desk-case-sla-zh.png'), fullPage: true });

      // 待处理 (the landing bookmark) has the open case with its due times; the resolved one is 待回访.
      await page.goto(`${concord().url}/admin/content/cc_cases?bookmark=900011`);
      await expect.poll(() => body.innerText(), { timeout: 30_000 }).toContain('时限:待处理的投诉');
      expect(await body.innerText()).not.toContain('时限:已解决待回访');
      await expect.poll(() => page.locator('.cc-sla-due').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'desk-queue-sla-zh.png') });
      await page.goto(`${concord().url}/admin/content/cc_cases?bookmark=900201`);
      await expect.poll(() => body.innerText(), { timeout: 30_000 }).toContain('时限:已解决待回访');
      expect(await body.innerText()).not.toContain('时限:待处理的投诉');
      await page.screenshot({ path: join(SCREENSHOTS, 'desk-awaiting-follow-up-zh.png') });
    } finally {
      await page.close();
    }
  });

  it('shows a case past its SLA in red, in the form and in the queue, once the SLA run has refreshed it', async () => {
    const agent = await createStaff('service', { label: 'desk-overdue' });
    await rawAdmin('PATCH', `/users/${agent.id}`, { language: 'zh-CN' });
    const admin = adminClient();
    const [complaint] = (await admin.request(readItems('cc_workflows', { filter: { key: { _eq: 'complaint' } }, fields: ['id'] } as never))) as Array<{ id: number }>;
    const customer = await admin.request(createItem('cc_customers', { name: '超时测试客户' } as never));
    const late = await agent.client.request(createItem('cc_cases', { title: '时限:已超时的投诉', workflow: complaint!.id, customer: customer.id } as never));
    // Ten days old: past the 4-hour response and the 72-hour resolution SLA.
    const db = testDb();
    const then = new Date(Date.now() - 10 * 86_400_000);
    await db('cc_cases').where('id', late.id).update({ opened_at: toDbTime(db, then), state_entered_at: toDbTime(db, then) });
    const run = await http('POST', '/concord/sla/escalate', { token: concord().adminToken });
    expect(run.status).toBe(200);
    const stored = await rawAdmin<{ response_due_at: string }>('GET', `/items/cc_cases/${late.id}?fields=response_due_at`);
    expect(new Date(stored.response_due_at).getTime()).toBe(then.getTime() + 4 * 3_600_000);

    const page = await signInToStudio(browser, agent.email, TEST_STAFF_PASSWORD);
    try {
      await page.goto(`${concord().url}/admin/content/cc_cases/${late.id}`);
      await expect.poll(() => page.locator('.cc-sla-due.overdue').count(), { timeout: 30_000 }).toBe(2);
      expect(await page.locator('.cc-sla-due.overdue').first().innerText()).toContain('已超时 9 天');
      await page.goto(`${concord().url}/admin/content/cc_cases?bookmark=900011`);
      await expect.poll(() => page.locator('body').innerText(), { timeout: 30_000 }).toContain('时限:已超时的投诉');
      await expect.poll(() => page.locator('.cc-sla-due.overdue').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'desk-queue-overdue-zh.png') });
    } finally {
      await page.close();
    }
  });
});

describe('HR evaluates and follows up', () => {
  it('shows 孙丽 (HR head) cycles by period with status, a published cycle read-only, monthly as the default kind', async () => {
    const [published] = await rawAdmin<Array<{ id: number; name: string }>>('GET', '/items/cc_evaluation_cycles?filter[status][_eq]=published&fields=id,name&sort=-starts_on&limit=1');
    const page = await signInAs('sun.li@example.com');
    try {
      const body = page.locator('body');
      await page.goto(`${concord().url}/admin/content/cc_evaluation_cycles`);
      await expect.poll(() => body.innerText(), { timeout: 30_000 }).toContain(published!.name);
      expect(await body.innerText()).toContain('已发布');
      await page.screenshot({ path: join(SCREENSHOTS, 'desk-cycles-list-zh.png') });

      await page.goto(`${concord().url}/admin/content/cc_evaluation_cycles/${published!.id}`);
      // The weights (five dimensions) and the targets: every input there, none editable.
      await expect.poll(() => page.locator('.cc-weights input').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(5);
      expect(await page.locator('.cc-weights input:not([disabled])').count()).toBe(0);
      // Studio keeps its delete button in the header, disabled for an item the rules do not let them delete.
      await expect.poll(() => page.locator('header button:has([data-icon="delete"])').count(), { timeout: 30_000 }).toBe(1);
      expect(await page.locator('header button:has([data-icon="delete"]):not([disabled])').count()).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'desk-published-cycle-zh.png'), fullPage: true });

      await page.goto(`${concord().url}/admin/content/cc_evaluation_cycles/+`);
      await expect.poll(() => body.innerText(), { timeout: 30_000 }).toContain('月度');
    } finally {
      await page.close();
    }
  });

  it('gives an action owner 我的改进措施 with status and due date, and shows each team member with their department', async () => {
    const [owner] = await rawAdmin<Array<{ owner: { email: string } }>>('GET', '/items/cc_improvement_actions?filter[status][_in]=proposed,in_progress&filter[owner][_nnull]=true&fields=owner.email&limit=1');
    expect(owner).toBeDefined();
    const page = await signInAs(owner!.owner.email);
    try {
      const body = page.locator('body');
      await page.goto(`${concord().url}/admin/content/cc_improvement_actions?bookmark=900205`);
      await expect.poll(() => body.innerText(), { timeout: 30_000 }).toContain('我的改进措施');
      await expect.poll(() => page.locator('.v-table tbody tr').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      // Studio may add an empty sticky header row of its own: read the one with the headings.
      const header = await page.locator('.v-table thead', { hasText: '状态' }).first().innerText();
      expect(header).toMatch(/状态/);
      expect(header).toMatch(/截止/);
      await page.screenshot({ path: join(SCREENSHOTS, 'desk-my-actions-zh.png') });

      const [team] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_teams?filter[status][_eq]=active&fields=id&sort=id&limit=1');
      await page.goto(`${concord().url}/admin/content/cc_teams/${team!.id}`);
      await expect.poll(() => body.innerText(), { timeout: 30_000 }).toMatch(/· (市场部|销售部|客服部|技术部|人力资源部|财务部) ·/);
      await page.screenshot({ path: join(SCREENSHOTS, 'desk-team-members-zh.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});

describe('the customer survey page', () => {
  it('names the company and thanks a customer who opens a used link, with no error box', async () => {
    const before = await rawAdmin<{ project_name: string }>('GET', '/settings?fields=project_name');
    await rawAdmin('PATCH', '/settings', { project_name: '协同示范有限公司' });
    const agent = await createStaff('service', { label: 'desk-survey' });
    const admin = adminClient();
    const customer = await admin.request(createItem('cc_customers', { name: '调查测试客户', contact_email: 'survey-desk@customer.example.com' } as never));
    const [complaint] = (await admin.request(readItems('cc_workflows', { filter: { key: { _eq: 'complaint' } }, fields: ['id'] } as never))) as Array<{ id: number }>;
    const created = await agent.client.request(createItem('cc_cases', { title: '调查:已解决的投诉', workflow: complaint!.id, customer: customer.id } as never));
    const token = await tokenOf(agent);
    expect((await http('POST', `/concord/cases/${created.id}/transitions`, { token, body: { to: 'investigating' } })).status).toBe(200);
    expect((await http('POST', `/concord/cases/${created.id}/transitions`, { token, body: { to: 'resolved', fields: { resolution_note: '已处理' } } })).status).toBe(200);
    const [survey] = await rawAdmin<Array<{ id: number }>>('GET', `/items/cc_surveys?filter[case][_eq]=${created.id}&fields=id`);
    const link = await http('POST', `/concord/surveys/${survey!.id}/link`, { token, body: { deliver: 'url' } });
    expect(link.status).toBe(200);
    const url = (link.json?.data as { url: string }).url;

    // A customer whose browser prefers Chinese.
    const page = await browser.newPage({ viewport: { width: 420, height: 860 }, locale: 'zh-CN' });
    try {
      await page.goto(url);
      await expect.poll(() => page.locator('body').innerText(), { timeout: 30_000 }).toContain('协同示范有限公司');
      await page.screenshot({ path: join(SCREENSHOTS, 'desk-survey-page-zh.png'), fullPage: true });
      await page.locator('label:has(input[name="csat"][value="5"]) span').click();
      await page.locator('button[type="submit"]').click();
      await expect.poll(() => page.locator('h1').innerText(), { timeout: 30_000 }).toContain('感谢');
      await page.goto(url);
      await expect.poll(() => page.locator('h1').innerText(), { timeout: 30_000 }).toContain('您已经提交过这份调查');
      expect(await page.locator('.error').count()).toBe(0);
      expect(await page.locator('body').innerText()).toContain('协同示范有限公司');
      await page.screenshot({ path: join(SCREENSHOTS, 'desk-survey-used-link-zh.png'), fullPage: true });
    } finally {
      await page.close();
      await rawAdmin('PATCH', '/settings', { project_name: before.project_name });
    }
  });

  it('offers 重新发送 to whoever reads the case and 复制链接 only to feedback.collect holders, in the case form', async () => {
    const agent = await createStaff('service', { label: 'desk-link' });
    const engineer = await createStaff('tech', { label: 'desk-link-tech' });
    for (const user of [agent, engineer]) await rawAdmin('PATCH', `/users/${user.id}`, { language: 'zh-CN' });
    const admin = adminClient();
    const customer = await admin.request(createItem('cc_customers', { name: '链接测试客户', contact_email: 'link-desk@customer.example.com' } as never));
    const team = await admin.request(createItem('cc_teams', { name: 'desk-link-team', members: [{ user: agent.id, role_in_team: 'representative' }, { user: engineer.id, role_in_team: 'representative' }] } as never));
    const [complaint] = (await admin.request(readItems('cc_workflows', { filter: { key: { _eq: 'complaint' } }, fields: ['id'] } as never))) as Array<{ id: number }>;
    const created = await agent.client.request(createItem('cc_cases', { title: '链接:已解决的投诉', workflow: complaint!.id, customer: customer.id, team: team.id } as never));
    const token = await tokenOf(agent);
    expect((await http('POST', `/concord/cases/${created.id}/transitions`, { token, body: { to: 'investigating' } })).status).toBe(200);
    expect((await http('POST', `/concord/cases/${created.id}/transitions`, { token, body: { to: 'resolved', fields: { resolution_note: '已处理' } } })).status).toBe(200);

    const page = await signInToStudio(browser, agent.email, TEST_STAFF_PASSWORD);
    try {
      await page.goto(`${concord().url}/admin/content/cc_cases/${created.id}`);
      const control = page.locator('.cc-survey-link');
      await expect.poll(() => control.locator('button.copy').count(), { timeout: 30_000 }).toBe(1);
      expect(await control.locator('button.resend').count()).toBe(1);
      await control.locator('button.copy').click();
      await expect.poll(() => control.locator('input.url').inputValue(), { timeout: 30_000 }).toContain('/concord/public/surveys/');
      await control.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, 'desk-case-survey-link-zh.png') });
      await control.locator('button.resend').click();
      await expect.poll(() => control.innerText(), { timeout: 30_000 }).toContain('已把调查链接发送到客户的联系邮箱');
    } finally {
      await page.close();
    }
    const other = await signInToStudio(browser, engineer.email, TEST_STAFF_PASSWORD);
    try {
      await other.goto(`${concord().url}/admin/content/cc_cases/${created.id}`);
      const control = other.locator('.cc-survey-link');
      await expect.poll(() => control.locator('button.resend').count(), { timeout: 30_000 }).toBe(1);
      expect(await control.locator('button.copy').count()).toBe(0);
    } finally {
      await other.close();
    }
  });
});
