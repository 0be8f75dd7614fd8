import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_IDS } from '../../src/access/model.ts';
import { DASHBOARDS } from '../../src/insights/dashboards.ts';
import { TEST_STAFF_PASSWORD, concord, createStaff, rawAdmin } from '../harness/concord.ts';
import { SCREENSHOTS, launchChromium, signInToStudio } from './chromium.ts';

/**
 * The Insights dashboards in the real Studio, as a department head, a team lead and an executive:
 * every panel renders with the demo company's data, and the figures a panel shows are the ones its
 * endpoint returns and the stored scores say.
 */

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

const dashboard = (prefix: string) => DASHBOARDS.find((d) => d.name.startsWith(prefix))!;

async function openDashboard(page: Page, prefix: string): Promise<void> {
  const target = dashboard(prefix);
  await page.goto(`${concord().url}/admin/insights/${target.id}`);
  // Every panel has rendered its content: none is still loading.
  await expect
    .poll(async () => page.locator('.cc-insight').count(), { timeout: 60_000 })
    .toBe(target.panels.filter((p) => p.type !== 'cc-dashboard-filter-panel').length);
  await expect.poll(async () => (await page.locator('.cc-insight').allInnerTexts()).some((t) => t.includes('加载中')), { timeout: 60_000 }).toBe(false);
  await expect.poll(async () => page.locator('.cc-insight .apexcharts-svg').count(), { timeout: 60_000 }).toBeGreaterThan(0);
}

interface Scorecards {
  cycle: { name: string };
  company: Record<string, number | null>;
  scorecards: Array<{ scope_name: string; dimensions: Record<string, { score: number | null; change: number | null }> }>;
}

async function scorecardsAs(email: string, password: string, query: string): Promise<Scorecards> {
  const login = await fetch(`${concord().url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
  const response = await fetch(`${concord().url}/concord/evaluation/scorecards?${query}`, { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as { data: Scorecards }).data;
}

describe('Insights in Studio', () => {
  it('shows a department head their department on every panel, with the stored scores', async () => {
    const head = await createStaff('service', { head: true, label: 'studio-head' });
    await rawAdmin('PATCH', `/users/${head.id}`, { language: 'zh-CN' });
    const page = await signInToStudio(browser, head.email, TEST_STAFF_PASSWORD);
    try {
      await openDashboard(page, '部门看板');
      const radar = page.locator('.cc-insight').first();
      await expect.poll(async () => radar.innerText()).toContain('客服部');
      const [stored] = await rawAdmin<Array<{ score: number }>>(
        'GET',
        '/items/cc_evaluation_scores?filter[department][_eq]=service&filter[dimension][_eq]=overall&filter[cycle][status][_eq]=published&filter[cycle][period_kind][_eq]=monthly&sort=-cycle.starts_on&limit=1',
      );
      expect(await radar.locator('.overall strong').innerText()).toBe(stored!.score.toFixed(1));
      await page.screenshot({ path: join(SCREENSHOTS, 'insights-department-head-zh.png') });
      expect((await page.locator('body').innerText()).includes('协同总览')).toBe(false);
    } finally {
      await page.close();
    }
  });

  it('shows a team lead their team', async () => {
    const [team] = await rawAdmin<Array<{ id: number; name: string; lead: { email: string } }>>('GET', '/items/cc_teams?filter[status][_eq]=active&fields=id,name,lead.email&sort=id&limit=1');
    const page = await signInToStudio(browser, team!.lead.email, concord().staffPassword);
    try {
      await openDashboard(page, '团队看板');
      const radar = page.locator('.cc-insight').first();
      await expect.poll(async () => radar.innerText()).toContain(team!.name);
      const cards = await scorecardsAs(team!.lead.email, concord().staffPassword, `period_kind=monthly&scope_kind=team&scope=${team!.id}`);
      expect(await radar.locator('.overall strong').innerText()).toBe(cards.scorecards[0]!.dimensions['overall']!.score!.toFixed(1));
      await page.screenshot({ path: join(SCREENSHOTS, 'insights-team-lead-zh.png') });
    } finally {
      await page.close();
    }
  });

  it('shows an executive the whole company, and the scorecards of the latest cycle as stored', async () => {
    const email = `studio-exec.${Date.now().toString(36)}@example.com`;
    await rawAdmin('POST', '/users', { email, password: TEST_STAFF_PASSWORD, first_name: '总', last_name: '高', role: ROLE_IDS.executive, language: 'zh-CN' });
    const page = await signInToStudio(browser, email, TEST_STAFF_PASSWORD);
    try {
      await openDashboard(page, '协同总览');
      await page.screenshot({ path: join(SCREENSHOTS, 'insights-executive-overview-zh.png') });
      await page.goto(`${concord().url}/admin/insights/${dashboard('评估与改进').id}`);
      const monthly = page.locator('.cc-insight').first();
      await expect.poll(async () => monthly.innerText(), { timeout: 60_000 }).toContain('客服部');
      const cards = await scorecardsAs(email, TEST_STAFF_PASSWORD, 'period_kind=monthly');
      const service = cards.scorecards.find((c) => c.scope_name === '客服部')!;
      const row = monthly.locator('tr', { hasText: '客服部' });
      expect(await row.locator('td').nth(1).innerText()).toContain(service.dimensions['overall']!.score!.toFixed(1));
      await page.screenshot({ path: join(SCREENSHOTS, 'insights-evaluation-zh.png') });
    } finally {
      await page.close();
    }
  });

  it('shows a member of staff no evaluation dashboard, so no draft figure either', async () => {
    const member = await createStaff('marketing', { label: 'studio-member' });
    await rawAdmin('PATCH', `/users/${member.id}`, { language: 'zh-CN' });
    const page = await signInToStudio(browser, member.email, TEST_STAFF_PASSWORD);
    try {
      await page.goto(`${concord().url}/admin/insights`);
      await expect.poll(async () => page.locator('body').innerText(), { timeout: 30_000 }).toContain('跨部门协同概览');
      const text = await page.locator('body').innerText();
      for (const name of ['评估与改进', '协同总览', '部门看板', '团队看板']) expect(text.includes(name)).toBe(false);
    } finally {
      await page.close();
    }
  });
});
