import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOKMARKS } from '../../src/studio/landing.ts';
import { TEST_STAFF_PASSWORD, concord, createStaff, http, rawAdmin, tokenOf, type StaffUser } from '../harness/concord.ts';
import { SCREENSHOTS, launchChromium, signInToStudio } from './chromium.ts';

/**
 * Issue 10's journeys through the real Studio, in Chinese (the project's language; these people
 * have none of their own): a refusal read whole, a transition carrying what was typed in the form,
 * a team's composition before its first save, the authority matrix, landing on one's queue, and a
 * customer's whole picture. One browser for the file, one page per journey.
 */

let browser: Browser;
const TAG = `journey-${Date.now().toString(36)}`;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function journey(person: StaffUser | { email: string; password: string }, steps: (page: Page) => Promise<void>): Promise<void> {
  const page = await signInToStudio(browser, person.email, 'password' in person ? person.password : TEST_STAFF_PASSWORD);
  try {
    await steps(page);
  } finally {
    await page.close();
  }
}

const studio = (path: string) => `${concord().url}/admin${path}`;

describe('a refusal in Studio', () => {
  it('is a dialog in Chinese with the whole message, the code small below it', async () => {
    const hr = await createStaff('hr', { label: 'dialog-hr' });
    const marketer = await createStaff('marketing', { label: 'dialog-mkt' });
    const team = await rawAdmin<{ id: number }>('POST', '/items/cc_teams', { name: `${TAG} 组建中`, status: 'forming', members: [{ user: marketer.id, role_in_team: 'representative' }] });

    await journey(hr, async (page) => {
      await page.goto(studio(`/content/cc_teams/${team.id}`));
      await page.locator('[data-field="status"] .v-input').click();
      await page.getByText('运行中', { exact: true }).last().click();
      // The form warns before saving, with the gaps as they stand.
      await expect.poll(() => page.locator('.cc-team-composition').innerText(), { timeout: 15_000 }).toContain('保存时会被拒绝');
      await page.locator('header button:has([data-icon="check"])').last().click();

      const dialog = page.locator('#dialog-outlet .v-card.error');
      await dialog.waitFor({ timeout: 30_000 });
      await expect.poll(() => dialog.locator('.v-card-title').innerText()).toBe('团队人数未达组建要求');
      const text = await dialog.locator('.notification-text').innerText();
      expect(text).toContain(`团队「${TAG} 组建中」还不能启用:市场部现有 1 人,最少需要 2 人;销售部现有 0 人,最少需要 2 人;`);
      expect(text).toContain('人力资源部现有 0 人,最少需要 1 人。请先从这些部门补充成员,或让团队保持“组建中”。');
      expect((await dialog.locator('.v-error').innerText()).trim()).toBe('[COMPOSITION_BELOW_MINIMUM]');
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-refusal-dialog-zh.png') });
    });
    expect((await rawAdmin<{ status: string }>('GET', `/items/cc_teams/${team.id}?fields=status`)).status).toBe('forming');
  });
});

describe('the case state control', () => {
  it('carries the resolution note typed in the form with the transition, saves the other edits, and records who did it', async () => {
    const agent = await createStaff('service', { label: 'control-agent' });
    const team = await rawAdmin<{ id: number }>('POST', '/items/cc_teams', { name: `${TAG} 处理组`, members: [{ user: agent.id, role_in_team: 'representative' }] });
    const customer = await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `${TAG} 客户` });
    const [complaint] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_workflows?filter[key][_eq]=complaint&fields=id');
    const token = await tokenOf(agent);
    const created = await http('POST', '/items/cc_cases', { token, body: { title: `${TAG} 设备故障`, workflow: complaint!.id, customer: customer.id, team: team.id } });
    const caseId = (created.json?.data as { id: number }).id;
    expect((await http('POST', `/concord/cases/${caseId}/transitions`, { token, body: { to: 'investigating' } })).status).toBe(200);

    await journey(agent, async (page) => {
      await page.goto(studio(`/content/cc_cases/${caseId}`));
      const control = page.locator('.cc-case-state');
      await expect.poll(() => control.innerText(), { timeout: 30_000 }).toContain('当前状态: 调查中');
      // Names, not keys: the owning department, the field a transition needs.
      const offered = await control.innerText();
      expect(offered).toContain('负责部门 客服部');
      expect(offered).toContain('需填写 解决说明');
      expect(offered).not.toMatch(/resolution_note|complaint\.handle|· service/);

      await page.locator('[data-field="resolution_note"] textarea').fill('已更换主板,电话回访确认正常');
      await page.locator('[data-field="title"] input').fill(`${TAG} 设备故障(已核实)`);
      await control.getByRole('button', { name: /直接解决/ }).click();
      // What was typed in the form is what the transition carries; the other edit is saved with it.
      await expect(control.locator('textarea').first().inputValue()).resolves.toBe('已更换主板,电话回访确认正常');
      expect(await control.innerText()).toContain('表单中其他未保存的修改会先一起保存: 标题');
      await control.locator('label', { hasText: '备注' }).locator('textarea').fill('客户同意关闭前再回访一次');
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-case-control-zh.png') });
      await control.getByRole('button', { name: '确认转换' }).click();

      await expect.poll(() => page.locator('.cc-case-state').innerText(), { timeout: 30_000 }).toContain('当前状态: 已解决');
      const history = page.locator('[data-field="events"]');
      await expect.poll(() => history.innerText(), { timeout: 15_000 }).toContain('客户同意关闭前再回访一次');
      // One line per event: time · from → to · who · the note written at the handoff.
      const line = (await history.innerText()).split('\n').find((text) => text.includes('客户同意关闭前再回访一次'));
      expect(line).toMatch(/调查中\s*→\s*已解决/);
      expect(line).toMatch(/service\d+\s*Test/);
      await history.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-case-history-zh.png') });
    });

    const stored = await rawAdmin<{ title: string; resolution_note: string; state: { key: string } }>('GET', `/items/cc_cases/${caseId}?fields=title,resolution_note,state.key`);
    expect(stored).toEqual({ title: `${TAG} 设备故障(已核实)`, resolution_note: '已更换主板,电话回访确认正常', state: { key: 'resolved' } });
    const [last] = await rawAdmin<Array<{ actor: string; actor_department: string; note: string }>>('GET', `/items/cc_case_events?filter[case][_eq]=${caseId}&sort=-id&limit=1&fields=actor,actor_department,note`);
    expect(last).toEqual({ actor: agent.id, actor_department: 'service', note: '客户同意关闭前再回访一次' });
  });
});

describe('building a team', () => {
  it('shows the composition gap before the first save, counting the members staged in the drawer, which does not ask for the team', async () => {
    const hr = await createStaff('hr', { label: 'compose-hr' });
    const engineer = await createStaff('tech', { label: 'compose-tech' });

    await journey(hr, async (page) => {
      await page.goto(studio('/content/cc_teams/+'));
      const composition = page.locator('.cc-team-composition');
      await expect.poll(() => composition.innerText(), { timeout: 30_000 }).toContain('人力资源部');
      expect(await composition.innerText()).toContain('未满足组建规则,暂不能启用');

      await page.getByRole('button', { name: '新建' }).click();
      const teamField = page.locator('[data-field="team"]').last();
      await expect.poll(() => teamField.innerText(), { timeout: 15_000 }).toContain('保存团队时加入正在编辑的这个团队');
      expect(await teamField.locator('.v-list-item, input').count()).toBe(0);

      await page.locator('[data-field="user"] .v-list-item').last().click();
      await page.getByText(engineer.email).click();
      await page.locator('header button:has([data-icon="check"])').last().click();
      await page.locator('[data-field="user"]').last().getByText(/tech/).first().waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-member-drawer-zh.png') });
      await page.locator('header button:has([data-icon="check"])').last().click();

      const techLine = composition.locator('tr', { hasText: '技术部' });
      await expect.poll(() => techLine.innerText(), { timeout: 15_000 }).toMatch(/^技术部\s+1\s+2\s+2\s+−1$/);
      expect(await composition.innerText()).toContain('含尚未保存的成员变更');
      await composition.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-team-before-save-zh.png') });
    });
  });
});

describe('the authority matrix', () => {
  it('is a grid of departments and capabilities by name; an admin toggles a cell and cc_authorities follows', async () => {
    const cell = (page: Page) => page.getByRole('button', { name: '财务部 · 收集客户反馈' });
    const held = async () => rawAdmin<Array<{ id: number }>>('GET', '/items/cc_authorities?filter[department][_eq]=finance&filter[capability][_eq]=feedback.collect&fields=id');
    expect(await held()).toEqual([]);

    await journey({ email: 'admin@example.com', password: 'concord-admin' }, async (page) => {
      await page.goto(studio('/concord-matrix'));
      await cell(page).waitFor({ timeout: 30_000 });
      const header = await page.locator('.cc-matrix thead').innerText();
      for (const name of ['市场部', '销售部', '客服部', '技术部', '人力资源部', '财务部']) expect(header).toContain(name);
      expect(await page.locator('.cc-matrix tbody').innerText()).toContain('处理客户投诉');

      expect(await cell(page).getAttribute('aria-pressed')).toBe('false');
      await cell(page).click();
      await expect.poll(async () => cell(page).getAttribute('aria-pressed'), { timeout: 15_000 }).toBe('true');
      expect(await held()).toHaveLength(1);
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-authority-matrix-zh.png') });
      await cell(page).click();
      await expect.poll(async () => cell(page).getAttribute('aria-pressed'), { timeout: 15_000 }).toBe('false');
    });
    expect(await held()).toEqual([]);
  });
});

describe('where staff land', () => {
  it('on their department’s open cases, with configuration out of their navigation; a list they may not read says so', async () => {
    const agent = await createStaff('service', { label: 'landing-service' });
    await journey(agent, async (page) => {
      await page.waitForURL(new RegExp(`/admin/content/cc_cases\\?bookmark=${BOOKMARKS.myDepartmentOpenCases}`), { timeout: 30_000 });
      const body = page.locator('body');
      await expect.poll(() => body.innerText(), { timeout: 30_000 }).toContain('本部门待处理事项');
      const text = await body.innerText();
      for (const configuration of ['协同流程定义', '流程状态', '流程转换', '团队组建规则', '部门权限']) expect(text).not.toContain(configuration);
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-staff-landing-zh.png') });

      await page.goto(studio('/content/cc_overrides'));
      await expect.poll(() => body.innerText(), { timeout: 30_000 }).toContain('找不到页面,或你无权查看');
      expect(await body.innerText()).toContain('没有查看它的权限');
    });
  });

  it('on their open tasks when their department owns no workflow step; a list empty for them says so', async () => {
    const hr = await createStaff('hr', { label: 'landing-hr' });
    await journey(hr, async (page) => {
      await page.waitForURL(new RegExp(`/admin/content/cc_tasks\\?bookmark=${BOOKMARKS.myTasks}`), { timeout: 30_000 });
      await expect.poll(() => page.locator('body').innerText(), { timeout: 30_000 }).toContain('我的待办任务');
      // Case history exists, but none of it is on this person's cases.
      await page.goto(studio('/content/cc_case_events'));
      await expect.poll(() => page.locator('body').innerText(), { timeout: 30_000 }).toContain('这里没有你可以查看的记录');
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-empty-for-you-zh.png') });
    });
  });
});

describe('a customer in Studio', () => {
  it('shows the whole picture on its form: purchases, service, cases, projects and satisfaction', async () => {
    const seller = await createStaff('sales', { label: 'c360-sales' });
    const [purchase] = await rawAdmin<Array<{ customer: number }>>('GET', '/items/cc_purchases?fields=customer&limit=1&sort=id');
    const customer = { id: purchase!.customer };
    const picture = (await http('GET', `/concord/customers/${customer!.id}/360`, { token: await tokenOf(seller) })).json?.data as {
      purchases: Array<{ amount: number }>;
      serviceRecords: unknown[];
      openCases: unknown[];
    };

    await journey(seller, async (page) => {
      await page.goto(studio(`/content/cc_customers/${customer!.id}`));
      const overview = page.locator('.cc-360');
      await expect.poll(() => overview.innerText(), { timeout: 30_000 }).toContain('满意度');
      const text = await overview.innerText();
      for (const section of ['购买记录', '服务记录', '处理中的事项', '已关闭的事项', '项目']) expect(text).toContain(section);
      const total = picture.purchases.reduce((sum, p) => sum + Number(p.amount), 0);
      expect(text).toContain(new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' }).format(total));
      expect(text).toContain(`${picture.purchases.length} 笔`);
      await overview.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-customer-360-zh.png') });
    });
  });
});
