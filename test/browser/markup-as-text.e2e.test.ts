import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARDS } from '../../src/insights/dashboards.ts';
import { handoffNotice } from '../../src/workflows/case-workflow.ts';
import { TEST_STAFF_PASSWORD, concord, createStaff, http, rawAdmin, testDb, type StaffUser } from '../harness/concord.ts';
import { SCREENSHOTS, launchChromium, signInToStudio } from './chromium.ts';

/**
 * Issue 17, hole 2: strings people wrote — a cycle name, a case title, a team name, a survey
 * comment — carrying markup reach Studio's panels (ApexCharts writes tooltips and legends as HTML)
 * and notifications (rendered as Markdown) and must show as the characters typed: no element of
 * the markup in the page, no script run, the literal text visible.
 */

const MARKUP = '<img src=x onerror=window.__xss=1><b>bold</b>';
const TAG = `mk${Date.now().toString(36)}`;

interface Cycle {
  id: number;
  name: string;
  starts_on: string;
  status: string;
}

let browser: Browser;
let head: StaffUser;
let cycleName = '';
let caseTitle = '';
let teamName = '';
let comment = '';

const admin = () => concord().adminToken;
const dashboard = (prefix: string) => DASHBOARDS.find((d) => d.name.startsWith(prefix))!;

function nextMonth(day: string): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}

/** The month after the latest published one gets a cycle named with markup, run and published. */
async function publishMarkupCycle(): Promise<void> {
  const monthly = await rawAdmin<Cycle[]>('GET', '/items/cc_evaluation_cycles?filter[period_kind][_eq]=monthly&sort=-starts_on&limit=-1&fields=id,name,starts_on,status');
  const latest = monthly.find((c) => c.status === 'published')!;
  const starts = nextMonth(latest.starts_on);
  cycleName = `${starts.slice(0, 7)} ${MARKUP}`;
  const existing = monthly.find((c) => c.starts_on === starts);
  const id = existing
    ? (await rawAdmin<Cycle>('PATCH', `/items/cc_evaluation_cycles/${existing.id}`, { name: cycleName })).id
    : (await rawAdmin<Cycle>('POST', '/items/cc_evaluation_cycles', { period_kind: 'monthly', starts_on: starts, name: cycleName })).id;
  expect((await http('POST', `/concord/evaluation/cycles/${id}/run`, { token: admin() })).status).toBe(200);
  expect((await http('POST', `/concord/evaluation/cycles/${id}/publish`, { token: admin() })).status).toBe(200);
}

beforeAll(async () => {
  browser = await launchChromium();
  head = await createStaff('service', { head: true, label: `${TAG}.head` });
  await rawAdmin('PATCH', `/users/${head.id}`, { language: 'zh-CN' });
  await publishMarkupCycle();

  // The oldest open case the SLA board lists, the latest CSAT comment the CSAT trend lists.
  const today = new Date();
  const board = await http('GET', `/concord/insights/sla?scope_kind=company&starts_on=${today.toISOString().slice(0, 8)}01&ends_on=${new Date(today.getTime() + 86_400_000).toISOString().slice(0, 10)}`, { token: admin() });
  const oldest = (board.json!.data as { oldest: Array<{ id: number; title: string }> }).oldest[0]!;
  caseTitle = `${oldest.title} ${MARKUP}`;
  await testDb()('cc_cases').where('id', oldest.id).update({ title: caseTitle });
  const latest = await testDb()('cc_survey_responses as r')
    .join('cc_surveys as s', 's.id', 'r.survey')
    .where('s.kind', 'csat')
    .whereNotNull('r.csat')
    .whereNotNull('r.comment')
    .orderBy('r.responded_at', 'desc')
    .first('r.id');
  comment = `服务很好 ${MARKUP}`;
  await testDb()('cc_survey_responses').where('id', latest.id).update({ comment });

  teamName = `${TAG} ${MARKUP}`;
  await rawAdmin('POST', '/items/cc_teams', { name: teamName, status: 'forming' });

  // A handoff notice as the workflow writes it, about the case with markup in its title.
  const notice = handoffNotice('zh-CN', { id: oldest.id, title: caseTitle }, { name_zh: `审核 ${MARKUP}`, name_en: null, key: 'review', owner_department: 'service' }, { name_zh: '转交', name_en: null }, { name_zh: teamName, name_en: null });
  await rawAdmin('POST', '/notifications', { recipient: head.id, subject: notice.subject, message: notice.message, collection: 'cc_cases', item: String(oldest.id) });
});

afterAll(async () => {
  await browser?.close();
});

/** Nothing of the markup became an element, and nothing ran. */
async function expectNoMarkup(page: Page, where: Locator): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await where.locator('b', { hasText: 'bold' }).count()).toBe(0);
  expect(await page.locator('iframe[srcdoc]').count()).toBe(0);
}

async function openDashboard(page: Page, prefix: string): Promise<void> {
  const target = dashboard(prefix);
  // Wide enough that Studio keeps its navigation beside the dashboard, not over it.
  await page.setViewportSize({ width: 1920, height: 1200 });
  await page.goto(`${concord().url}/admin/insights/${target.id}`);
  await expect.poll(async () => page.locator('.cc-insight').count(), { timeout: 60_000 }).toBe(target.panels.filter((p) => p.type !== 'cc-dashboard-filter-panel').length);
  await expect.poll(async () => (await page.locator('.cc-insight').allInnerTexts()).some((t) => t.includes('加载中')), { timeout: 60_000 }).toBe(false);
}

/** Moves the mouse across a chart's plot until its tooltip's title says `text`; returns the tooltip. */
async function hoverUntilTooltip(page: Page, chart: Locator, text: string): Promise<Locator> {
  await chart.scrollIntoViewIfNeeded();
  const svg = chart.locator('.apexcharts-svg').first();
  const outer = await svg.boundingBox();
  const plot = (await chart.locator('.apexcharts-grid').first().boundingBox()) ?? outer;
  if (!outer || !plot) throw new Error('the chart has no box');
  const tooltip = chart.locator('.apexcharts-tooltip').first();
  const seen = new Set<string>();
  for (let step = 0; step <= 40; step++) {
    const x = plot.x + plot.width - 2 - (step * (plot.width - 4)) / 40;
    await svg.hover({ position: { x: x - outer.x, y: plot.y + plot.height / 2 - outer.y }, timeout: 5_000 });
    const title = (await tooltip.locator('.apexcharts-tooltip-title').textContent({ timeout: 2_000 }).catch(() => null)) ?? '';
    const html = (await tooltip.locator('.apexcharts-tooltip-title').innerHTML({ timeout: 2_000 }).catch(() => null)) ?? '';
    seen.add(`${title} | ${html}`.replace(/</g, '‹').replace(/>/g, '›'));
    if (title.includes(text)) return tooltip;
  }
  await page.screenshot({ path: join(SCREENSHOTS, 'markup-no-tooltip.png'), fullPage: true });
  throw new Error(`no tooltip showed "${text}"; seen: ${JSON.stringify([...seen])}`);
}

describe('markup people wrote shows as text in Studio', () => {
  it('in the panels an administrator opens: trend tooltip and axis, radar, SLA board, CSAT comments, team composition, scorecards', async () => {
    const page = await signInToStudio(browser, 'admin@example.com', 'concord-admin');
    try {
      await openDashboard(page, '协同总览');
      const panels = page.locator('.cc-insight');
      const trend = panels.nth(1);
      await expect.poll(async () => trend.locator('.apexcharts-svg').count(), { timeout: 60_000 }).toBeGreaterThan(0);
      // The cycle name is the x-axis category: SVG text as typed, and the tooltip title as text.
      expect(await trend.locator('.apexcharts-xaxis').textContent()).toContain('<img src=x');
      const tooltip = await hoverUntilTooltip(page, trend, '<b>bold</b>');
      expect(await tooltip.locator('.apexcharts-tooltip-title').innerText()).toBe(cycleName);
      await page.screenshot({ path: join(SCREENSHOTS, 'markup-trend-tooltip.png') });
      await expectNoMarkup(page, page.locator('body'));

      const sla = panels.nth(3);
      await expect.poll(async () => sla.innerText(), { timeout: 30_000 }).toContain(caseTitle);
      const csat = panels.nth(4);
      await expect.poll(async () => csat.innerText(), { timeout: 30_000 }).toContain(comment);
      await expectNoMarkup(page, page.locator('body'));
      await page.screenshot({ path: join(SCREENSHOTS, 'markup-overview.png'), fullPage: true });

      // The team composition panel is a table of its own (no chart shell).
      await page.goto(`${concord().url}/admin/insights/${dashboard('跨部门协同概览').id}`);
      await expect.poll(async () => page.locator('body').innerText(), { timeout: 60_000 }).toContain(teamName);
      await expectNoMarkup(page, page.locator('body'));

      await openDashboard(page, '评估与改进');
      await expect.poll(async () => page.locator('.cc-insight').first().innerText(), { timeout: 30_000 }).toContain(cycleName);
      await expectNoMarkup(page, page.locator('body'));
      await page.screenshot({ path: join(SCREENSHOTS, 'markup-evaluation.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it("in a department head's notifications: the scorecard of the cycle and a handoff of the case", async () => {
    const page = await signInToStudio(browser, head.email, TEST_STAFF_PASSWORD);
    try {
      await openDashboard(page, '部门看板');
      const trend = page.locator('.cc-insight').nth(1);
      await expect.poll(async () => trend.locator('.apexcharts-svg').count(), { timeout: 60_000 }).toBeGreaterThan(0);
      await hoverUntilTooltip(page, trend, '<b>bold</b>');
      await expectNoMarkup(page, page.locator('body'));

      await page.locator('.module-bar-avatar .notifications').click();
      const drawer = page.locator('.notifications-block');
      await expect.poll(async () => drawer.innerText(), { timeout: 30_000 }).toContain(cycleName);
      expect(await drawer.innerText()).toContain(caseTitle);
      // Open every notification's message (Markdown in Studio).
      const headers = drawer.locator('.header');
      for (let i = 0; i < (await headers.count()); i++) await headers.nth(i).click();
      await expect.poll(async () => drawer.locator('.message').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      const messages = await drawer.locator('.message').allInnerTexts();
      expect(messages.some((m) => m.includes(cycleName))).toBe(true);
      expect(messages.some((m) => m.includes(caseTitle) && m.includes(teamName))).toBe(true);
      await expectNoMarkup(page, drawer);
      await page.screenshot({ path: join(SCREENSHOTS, 'markup-notifications.png') });
    } finally {
      await page.close();
    }
  });
});
