import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARDS } from '../../src/insights/dashboards.ts';
import { toDbTime } from '../../src/directus/time.ts';
import { concord, http, rawAdmin, testDb } from '../harness/concord.ts';
import { SCREENSHOTS, launchChromium, studioSessions } from './chromium.ts';

/**
 * Issue 18's dashboards as the demo's people see them (zh-CN): the executive ceo@example.com, the
 * service head yang.li and the team lead chen.jing. One scope and period picker per dashboard; no
 * dead end for an executive; gaps and forbidden said as such; labels, not keys; panels that fit.
 */

let browser: Browser;
let sessions: ReturnType<typeof studioSessions>;
beforeAll(async () => {
  browser = await launchChromium();
  sessions = studioSessions(browser);
});
afterAll(async () => {
  await sessions?.close();
  await browser?.close();
});

const dashboard = (prefix: string) => DASHBOARDS.find((d) => d.name.startsWith(prefix))!;
const CEO = 'ceo@example.com';

/** A page of the person's Studio session: signed in on their first page (which is where Studio landed them), later pages open on no address. */
async function signIn(email: string, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const page = await sessions.page(email, concord().staffPassword);
  await page.setViewportSize(viewport);
  return page;
}

/**
 * Opens a dashboard and waits until every Concord panel has finished loading. On a page already in
 * Studio, on another dashboard or module, it follows the dashboard's link in Insights' navigation, as a person does (Studio is not
 * loaded again); the panels of the dashboard left behind are marked first, so the wait is for the
 * new dashboard's own panels (a panel Studio kept would stay marked and fail the wait, not pass it).
 */
async function open(page: Page, prefix: string): Promise<void> {
  const target = dashboard(prefix);
  const link = page.locator(`a[href="/admin/insights/${target.id}"]`).first();
  const here = page.url().startsWith(`${concord().url}/admin/`) ? new URL(page.url()).pathname : null;
  if (here !== null && here !== `/admin/insights/${target.id}` && (await link.count()) > 0) {
    await page.evaluate(() => document.querySelectorAll('.cc-insight').forEach((el) => el.setAttribute('data-left-behind', '')));
    await link.click();
    await page.waitForURL((url) => url.pathname === `/admin/insights/${target.id}`);
  } else {
    await page.goto(`${concord().url}/admin/insights/${target.id}`);
  }
  const panels = target.panels.filter((p) => p.type !== 'cc-dashboard-filter-panel').length;
  await expect.poll(async () => page.locator('.cc-insight[data-left-behind]').count(), { timeout: 60_000 }).toBe(0);
  await expect.poll(async () => page.locator('.cc-insight').count(), { timeout: 60_000 }).toBe(panels);
  await expect.poll(async () => page.locator('.cc-insight[data-state="loading"]').count(), { timeout: 60_000 }).toBe(0);
  await page.waitForTimeout(500);
}

async function tokenOf(email: string): Promise<string> {
  const login = await http('POST', '/auth/login', { body: { email, password: concord().staffPassword } });
  return (login.json!.data as { access_token: string }).access_token;
}

/**
 * Every Concord panel whose content is taller or wider than its box, or whose box reaches under
 * Studio's sidebar (open by default on a wide window) or past the window's edge.
 */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    let cover = window.innerWidth;
    for (let el = document.elementFromPoint(window.innerWidth - 4, window.innerHeight / 2); el; el = el.parentElement) {
      const left = el.getBoundingClientRect().left;
      if (left > window.innerWidth / 2) cover = Math.min(cover, left);
    }
    // A chart's box clips, so its drawing must fit inside it too.
    const clippedChart = (el: HTMLElement) =>
      Array.from(el.querySelectorAll<HTMLElement>('.chart')).some((chart) => {
        const svg = chart.querySelector('svg.apexcharts-svg');
        return svg !== null && chart.offsetParent !== null && svg.getBoundingClientRect().bottom > chart.getBoundingClientRect().bottom + 1;
      });
    return Array.from(document.querySelectorAll<HTMLElement>('.cc-insight, .cc-filter'))
      .filter((el) => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > cover || clippedChart(el))
      .map((el) => `${(el.querySelector('.explain')?.textContent ?? el.className).slice(0, 16)}: ${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight}, right edge ${Math.round(el.getBoundingClientRect().right)} of ${Math.round(cover)}`);
  });
}

describe('Dashboards (issue 18)', () => {
  it('lands the executive on 协同总览 with a picker, and no panel of any dashboard dead-ends', async () => {
    const page = await signIn(CEO);
    try {
      await expect.poll(() => page.url(), { timeout: 30_000 }).toContain(`/insights/${dashboard('协同总览').id}`);
      await open(page, '协同总览');
      await expect.poll(async () => page.locator('.cc-filter [data-cc="stated"]').innerText()).toContain('全公司');
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboards-executive-overview-zh.png'), fullPage: true });
      for (const prefix of ['部门看板', '团队看板', '评估与改进']) {
        await open(page, prefix);
        const text = await page.locator('body').innerText();
        expect(text).not.toContain('你不属于任何部门或团队');
        expect(await page.locator('.cc-insight[data-state="error"]').count()).toBe(0);
        await page.screenshot({ path: join(SCREENSHOTS, `dashboards-executive-${prefix}-zh.png`), fullPage: true });
      }
      // The picker offers every department and team to an executive; choosing one moves every panel.
      await open(page, '部门看板');
      const scope = page.locator('.cc-filter select[data-cc="scope"]');
      const offered = await scope.locator('option').allInnerTexts();
      expect(offered).toEqual(expect.arrayContaining(['全公司', '销售部', '客服部', '人力资源部', '华东大客户协同团队']));
      await scope.selectOption({ label: '销售部' });
      await expect.poll(async () => page.locator('.cc-insight .scope').allInnerTexts(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringContaining('销售部')]));
      await expect.poll(async () => page.locator('.cc-insight[data-state="loading"]').count(), { timeout: 60_000 }).toBe(0);
      const scopes = await page.locator('.cc-insight .scope').allInnerTexts();
      for (const line of scopes) expect(line).toContain('销售部');
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboards-executive-department-sales-zh.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('states one period on every panel of a dashboard, and the picker changes it for all', async () => {
    const page = await signIn('yang.li@example.com');
    try {
      await open(page, '部门看板');
      const stated = await page.locator('.cc-filter [data-cc="stated"] strong').innerText();
      expect(stated).toMatch(/^\d{4}-\d{2}$/);
      // Every period-bound panel names the dashboard's period, and says what it counts.
      const periods = await page.locator('.cc-insight .period').allInnerTexts();
      expect(periods.length).toBeGreaterThanOrEqual(5);
      for (const p of periods) expect(p).toBe(stated);
      expect(await page.locator('.cc-insight .explain').count()).toBe(8);
      expect(await page.locator('.cc-insight', { hasText: '交接流向' }).count()).toBeGreaterThanOrEqual(0);
      const explains = (await page.locator('.cc-insight .explain').allInnerTexts()).join('\n');
      expect(explains).toContain('发出的交接');
      // A quarter, for every panel.
      await page.locator('.cc-filter select[data-cc="period-kind"]').selectOption('quarter');
      await expect.poll(async () => page.locator('.cc-filter [data-cc="stated"] strong').innerText()).toMatch(/^\d{4} Q[1-4]$/);
      const quarter = await page.locator('.cc-filter [data-cc="stated"] strong').innerText();
      await expect.poll(async () => page.locator('.cc-insight[data-state="loading"]').count(), { timeout: 60_000 }).toBe(0);
      for (const p of await page.locator('.cc-insight .period').allInnerTexts()) expect(p).toBe(quarter);
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboards-head-quarter-zh.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('tells the head "nothing in this period" apart from "you may not see this"', async () => {
    const token = await tokenOf('yang.li@example.com');
    const empty = await http('GET', '/concord/insights/handoffs?scope_kind=department&scope=service&starts_on=2001-01-01&ends_on=2001-02-01', { token });
    expect(empty.status).toBe(200);
    expect(empty.json).toMatchObject({ access: 'full', data: { pairs: [] } });
    const other = await http('GET', '/concord/insights/handoffs?scope_kind=department&scope=finance&starts_on=2001-01-01&ends_on=2001-02-01', { token });
    expect(other.json).toMatchObject({ access: 'none' });
    for (const path of ['/concord/evaluation/scorecards?period_kind=monthly', '/concord/insights/trend?period_kind=monthly']) {
      expect((await http('GET', `${path}&scope_kind=department&scope=finance`, { token })).json).toMatchObject({ access: 'none' });
      expect((await http('GET', `${path}&scope_kind=department&scope=service`, { token })).json).toMatchObject({ access: 'full' });
    }
    const me = await http('GET', '/concord/insights/me', { token });
    expect((me.json!.data as { readable: unknown }).readable).toEqual({ company: false, departments: ['service'], teams: expect.any(Array) });
    // In Studio: a month long before the demo's history is empty, and says so.
    const page = await signIn('yang.li@example.com');
    try {
      await open(page, '部门看板');
      await page.locator('.cc-filter select[data-cc="period-kind"]').selectOption('custom');
      await page.locator('.cc-filter input[data-cc="from"]').fill('2001-01-01');
      await page.locator('.cc-filter input[data-cc="to"]').fill('2001-01-31');
      await page.locator('.cc-filter button.apply').click();
      await expect.poll(async () => page.locator('.cc-insight[data-state="empty"]').count(), { timeout: 60_000 }).toBeGreaterThan(0);
      await expect.poll(async () => page.locator('.cc-insight[data-state="loading"]').count(), { timeout: 60_000 }).toBe(0);
      await expect
        .poll(async () => (await page.locator('.cc-insight[data-state="empty"] .status').allInnerTexts()).some((t) => t.includes('所选期间内没有记录')), { timeout: 30_000 })
        .toBe(true);
      expect((await page.locator('body').innerText()).includes('你无权查看这个范围')).toBe(false);
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboards-head-empty-period-zh.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('shows labels, percentages and rounded scores, never keys or long decimals; gaps as 无数据', async () => {
    const page = await signIn('yang.li@example.com');
    try {
      await open(page, '部门看板');
      const radar = page.locator('.cc-insight').first();
      await radar.locator('.chips button', { hasText: '沟通效率' }).click();
      const detail = await radar.locator('table.raw').innerText();
      expect(detail).toContain('时限内接手占比');
      expect(detail).not.toMatch(/handoffs_with_sla|within_sla_share|median_response_hours/);
      expect(detail).not.toMatch(/\b0\.\d{3}\b/);
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboards-head-dimension-detail-zh.png') });
      const body = await page.locator('body').innerText();
      expect(body).not.toMatch(/\d+\.\d{3,}/);
      for (const key of ['evaluation.publish', 'handoffs_with_sla']) expect(body).not.toContain(key);
    } finally {
      await page.close();
    }
  });

  it('leaves a dimension without a score out of the radar and names it 无数据 (the marketing head)', async () => {
    const token = await tokenOf('wang.fang@example.com');
    const cards = (await http('GET', '/concord/evaluation/scorecards?period_kind=monthly&scope_kind=department&scope=marketing', { token })).json!.data as {
      scorecards: Array<{ dimensions: Record<string, { score: number | null } | undefined> }>;
    };
    const names: Record<string, string> = { communication: '沟通效率', execution: '执行质量', satisfaction: '客户满意度', utilisation: '资源利用率', cohesion: '凝聚力' };
    const missing = Object.keys(names).filter((d) => cards.scorecards[0]!.dimensions[d]?.score == null);
    // The demo's marketing department receives no handoffs: its communication has no score.
    expect(missing.length).toBeGreaterThan(0);
    const page = await signIn('wang.fang@example.com');
    try {
      await open(page, '部门看板');
      const radar = page.locator('.cc-insight').first();
      await expect.poll(async () => radar.locator('.apexcharts-svg').count(), { timeout: 30_000 }).toBe(1);
      const gaps = await radar.locator('.gaps').innerText();
      const drawn = (await radar.locator('.apexcharts-svg').textContent()) ?? '';
      for (const d of missing) {
        expect(gaps).toContain(names[d]);
        // Not an axis at the centre of the radar; at most a labelled empty slot.
        if (drawn.includes(names[d]!)) expect(drawn).toContain(`${names[d]}(无数据)`);
      }
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboards-head-marketing-gaps-zh.png') });
    } finally {
      await page.close();
    }
    // The team lead's dashboard, on their team, for the closing screenshots.
    const lead = await signIn('chen.jing@example.com');
    try {
      await open(lead, '团队看板');
      expect(await lead.locator('.cc-filter [data-cc="stated"]').innerText()).toContain('华东大客户协同团队');
      expect(await lead.locator('.cc-insight[data-state="error"]').count()).toBe(0);
      await lead.screenshot({ path: join(SCREENSHOTS, 'dashboards-lead-team-zh.png'), fullPage: true });
    } finally {
      await lead.close();
    }
  });

  it('gives each department one colour on every chart, and no chart repeats a colour', async () => {
    const page = await signIn(CEO);
    try {
      await open(page, '协同总览');
      await expect.poll(async () => page.locator('.cc-insight .apexcharts-svg').count(), { timeout: 60_000 }).toBeGreaterThan(1);
      const legends = await page.evaluate(() =>
        Array.from(document.querySelectorAll('.cc-insight')).map((panel) =>
          Array.from(panel.querySelectorAll('.apexcharts-legend-series')).map((s) => {
            const marker = s.querySelector('.apexcharts-legend-marker') as HTMLElement | null;
            const path = marker?.querySelector('path');
            const colour = path?.getAttribute('fill') ?? (marker ? getComputedStyle(marker).backgroundColor : '');
            return [s.querySelector('.apexcharts-legend-text')?.textContent ?? '', colour] as const;
          }),
        ),
      );
      const byName = new Map<string, string>();
      for (const legend of legends.filter((l) => l.length > 0)) {
        const colours = legend.map(([, c]) => c);
        expect(new Set(colours).size).toBe(colours.length);
        for (const [name, colour] of legend) {
          if (byName.has(name)) expect(colour).toBe(byName.get(name));
          byName.set(name, colour);
        }
      }
      for (const name of ['市场部', '财务部']) expect(byName.has(name)).toBe(true);
      expect(byName.get('市场部')).not.toBe(byName.get('财务部'));
      // The company comparison is bars, not a radar of seven polygons.
      expect(await page.locator('.cc-insight').first().locator('.apexcharts-radar-series').count()).toBe(0);
      expect(await page.locator('.cc-insight').first().locator('.apexcharts-bar-series').count()).toBe(1);
    } finally {
      await page.close();
    }
  });

  for (const viewport of [
    { width: 1440, height: 900 },
    { width: 1920, height: 1080 },
  ]) {
    it(`fits every seeded panel's content in its box at ${viewport.width}×${viewport.height}`, async () => {
      // What the SLA board shows depends on the data and the clock (the other suites' cases, whether the
      // early warning found a case near its SLA). This test sets the fullest board itself: the oldest open
      // cases get long titles, with and without spaces, and at-risk marks; all of it is undone after.
      const board = await http('GET', '/concord/insights/sla', { token: await tokenOf(CEO) });
      const oldest = ((board.json!.data as { oldest: Array<{ id: number; title: string; state: number }> }).oldest ?? []).slice(0, 2);
      const long = ['客户反馈设备在高温环境下连续运行 72 小时后出现间歇性断电 需要技术部与供应链共同排查批次问题并给出书面答复', 'ContractRenewalForEastChinaKeyAccountsIncludingPricingAndDeliveryTermsReview'];
      for (const [i, c] of oldest.entries()) await rawAdmin('PATCH', `/items/cc_cases/${c.id}`, { title: long[i] });
      const db = testDb();
      const planted = oldest.map((c, i) => ({
        case: c.id,
        kind: 'at_risk',
        breach_key: `layout-test:${viewport.width}:${c.id}`,
        state: c.state,
        due_at: toDbTime(db, new Date(Date.now() + (2 + i) * 3_600_000)),
        detected_at: toDbTime(db, new Date()),
        notified: JSON.stringify([]),
      }));
      if (planted.length > 0) await db('cc_sla_breaches').insert(planted);
      const page = await signIn(CEO, viewport);
      try {
        const found: string[] = [];
        for (const prefix of ['协同总览', '部门看板', '团队看板', '评估与改进']) {
          await open(page, prefix);
          await expect.poll(async () => page.locator('.cc-insight .apexcharts-svg').count(), { timeout: 60_000 }).toBeGreaterThan(prefix === '评估与改进' ? -1 : 0);
          await page.waitForTimeout(500);
          if (prefix === '协同总览') expect(await page.locator('p[data-cc="at-risk"]').count()).toBe(oldest.length > 0 ? 1 : 0);
          for (const line of await overflowing(page)) found.push(`${prefix} · ${line}`);
          await page.screenshot({ path: join(SCREENSHOTS, `dashboards-layout-${prefix}-${viewport.width}x${viewport.height}.png`), fullPage: true });
        }
        expect(found, found.join(" | ")).toEqual([]);
      } finally {
        await page.close();
        for (const c of oldest) await rawAdmin('PATCH', `/items/cc_cases/${c.id}`, { title: c.title });
        await db('cc_sla_breaches').whereIn('breach_key', planted.map((p) => p.breach_key)).delete();
      }
    });
  }
});
