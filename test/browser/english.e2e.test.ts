import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARDS } from '../../src/insights/dashboards.ts';
import { cycleNameIn } from '../../src/ui/i18n-periods.ts';
import { concord, http, rawAdmin } from '../harness/concord.ts';
import { SCREENSHOTS, launchChromium, signInToStudio } from './chromium.ts';

/**
 * Issue 18 item 16, "English means English": people whose Studio language is en-US (set through the
 * API here, and put back afterwards) read departments, workflow states, workflows, dimensions, cycle
 * names and months in English on 部门看板 (with its 诊断 panel), 协同总览, a case form and the cycle
 * list. Each check names concrete English words and finds no CJK character in those elements.
 */

const HEAD = 'yang.li@example.com';
const CEO = 'ceo@example.com';
const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/;
const MONTH_YEAR = /^(January|February|March|April|May|June|July|August|September|October|November|December) \d{4}$/;
const SHORT_MONTH_YEAR = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}$/;
const DIMENSIONS_EN = ['Communication', 'Execution', 'Satisfaction', 'Utilisation', 'Cohesion'];

interface Named {
  name_zh: string;
  name_en: string | null;
}

let browser: Browser;
const restore: Array<{ id: string; language: string | null }> = [];
let vocabulary: { departments: Array<Named & { code: string }>; states: Named[]; workflows: Named[] };
/**
 * Names people gave cycles (another file publishes one named with markup): shown as typed in every
 * language, as they should be. Concord's own names are the ones that must read as English months.
 */
let personNamed = new Set<string>();

async function userByEmail(email: string): Promise<{ id: string; language: string | null }> {
  const found = await rawAdmin<Array<{ id: string; language: string | null }>>('GET', `/users?filter[email][_eq]=${encodeURIComponent(email)}&fields=id,language`);
  return found[0]!;
}

async function tokenOf(email: string): Promise<string> {
  const login = await http('POST', '/auth/login', { body: { email, password: concord().staffPassword } });
  return (login.json!.data as { access_token: string }).access_token;
}

beforeAll(async () => {
  for (const email of [HEAD, CEO]) {
    const user = await userByEmail(email);
    restore.push(user);
    await rawAdmin('PATCH', `/users/${user.id}`, { language: 'en-US' });
  }
  const [departments, states, workflows] = await Promise.all([
    rawAdmin<Array<Named & { code: string }>>('GET', '/items/cc_departments?fields=code,name_zh,name_en&limit=-1'),
    rawAdmin<Named[]>('GET', '/items/cc_workflow_states?fields=name_zh,name_en&limit=-1'),
    rawAdmin<Named[]>('GET', '/items/cc_workflows?fields=name_zh,name_en&limit=-1'),
  ]);
  vocabulary = { departments, states, workflows };
  const cycles = await rawAdmin<Array<{ name: string; period_kind: string; starts_on: string }>>('GET', '/items/cc_evaluation_cycles?fields=name,period_kind,starts_on&limit=-1');
  // A name Concord gave reads differently in English; a name a person gave reads the same in every language.
  personNamed = new Set(cycles.filter((c) => cycleNameIn(c, 'en-US') === c.name.trim()).map((c) => c.name.trim()));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const user of restore) await rawAdmin('PATCH', `/users/${user.id}`, { language: user.language });
});

const englishOf = (rows: Named[]) => new Set(rows.map((r) => r.name_en ?? r.name_zh));
const chineseOf = (rows: Named[]) => rows.map((r) => r.name_zh);
const noCjk = (texts: string[]) => expect(texts.filter((t) => CJK.test(t))).toEqual([]);
/** A cycle's label: an English month for a cycle Concord named, the name as typed for one a person named. */
const cycleLabels = (labels: string[]) => {
  expect(labels.filter((l) => !MONTH_YEAR.test(l) && !personNamed.has(l))).toEqual([]);
  expect(labels.some((l) => MONTH_YEAR.test(l))).toBe(true);
};

async function signIn(email: string): Promise<Page> {
  const page = await signInToStudio(browser, email, concord().staffPassword);
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect.poll(async () => page.evaluate(() => document.documentElement.lang), { timeout: 30_000 }).toBe('en-US');
  return page;
}

async function openDashboard(page: Page, prefix: string): Promise<void> {
  const target = DASHBOARDS.find((d) => d.name.startsWith(prefix))!;
  await page.goto(`${concord().url}/admin/insights/${target.id}`);
  const panels = target.panels.filter((p) => p.type !== 'cc-dashboard-filter-panel').length;
  await expect.poll(async () => page.locator('.cc-insight').count(), { timeout: 60_000 }).toBe(panels);
  await expect.poll(async () => page.locator('.cc-insight[data-state="loading"]').count(), { timeout: 60_000 }).toBe(0);
  await page.waitForTimeout(800);
}

/** The texts of SVG elements (chart axes, legends) under a panel. */
const svgTexts = (panel: Locator, selector: string) =>
  panel.locator(selector).evaluateAll((els) =>
    els
      .map((el) => {
        // An axis label is <text><tspan>…</tspan>…<title>…</title></text>: the title holds it whole
        // (the tspans may be trimmed to the column's width).
        const title = el.querySelector('title')?.textContent;
        const spans = Array.from(el.querySelectorAll('tspan'));
        return (title ?? (spans.length > 0 ? spans.map((s) => s.textContent ?? '').join(' ') : (el.textContent ?? ''))).replace(/\s+/g, ' ').trim();
      })
      .filter((t) => t !== ''),
  );

const panelOf = (page: Page, explainStart: string) => page.locator('.cc-insight', { has: page.locator('.explain', { hasText: explainStart }) });

describe('English means English (issue 18 item 16)', () => {
  it('部门看板 and its 诊断 panel in English: departments, states, dimensions, cycle names and months', async () => {
    const page = await signIn(HEAD);
    try {
      await openDashboard(page, '部门看板');
      const departmentsEn = englishOf(vocabulary.departments);
      const statesEn = englishOf(vocabulary.states);
      // The stated period and scope, and every panel's scope line: Customer service, English cycle names.
      const stated = await page.locator('.cc-filter [data-cc="stated"]').innerText();
      expect(stated).toContain('Customer service');
      // The picker offers departments by their English names.
      expect(await page.locator('.cc-filter select[data-cc="scope"] option:checked').innerText()).toBe('Customer service');
      const scopes = await page.locator('.cc-insight .scope').allInnerTexts();
      noCjk([stated, ...scopes]);
      expect(scopes.some((s) => s.includes('Customer service'))).toBe(true);

      // The radar: its dimension chips, and the cycle named from its period.
      const radar = panelOf(page, 'The published cycle of the chosen period, each dimension');
      if ((await radar.getAttribute('data-state')) === 'ready') {
        const chips = await radar.locator('.chips button').allInnerTexts();
        expect(chips.map((c) => c.split(' · ')[0]!.trim())).toEqual(DIMENSIONS_EN);
        noCjk(chips);
        const subtitle = (await radar.locator('.scope').innerText()).split(' · ').at(-1)!.trim();
        if (!personNamed.has(subtitle)) expect(subtitle).toMatch(MONTH_YEAR);
        noCjk(await svgTexts(radar, '.apexcharts-xaxis-label, .apexcharts-datalabel, .apexcharts-legend-text'));
      }

      // The trend: cycles on the axis by their English period name.
      const trend = panelOf(page, 'Scores of the published cycles');
      if ((await trend.getAttribute('data-state')) === 'ready') {
        const axis = await svgTexts(trend, '.apexcharts-xaxis-label');
        cycleLabels(axis);
        const legend = await svgTexts(trend, '.apexcharts-legend-text');
        for (const name of legend) expect(['Overall', ...DIMENSIONS_EN]).toContain(name);
      }

      // The SLA board: states and owning departments by their English names.
      const sla = panelOf(page, 'Cases open now, by state');
      expect(await sla.getAttribute('data-state')).toBe('ready');
      const stateCells = await sla.locator('table').first().locator('tbody tr td:nth-child(1)').allInnerTexts();
      const ownerCells = await sla.locator('table').first().locator('tbody tr td:nth-child(2)').allInnerTexts();
      expect(stateCells.length).toBeGreaterThan(0);
      for (const s of stateCells) expect(statesEn).toContain(s.trim());
      for (const d of ownerCells) expect(departmentsEn).toContain(d.trim());
      noCjk([...stateCells, ...ownerCells, ...(await sla.locator('th').allInnerTexts())]);

      // CSAT: months on the axis in English.
      const csat = panelOf(page, 'The 6 months up to the chosen period');
      if ((await csat.getAttribute('data-state')) === 'ready') {
        const months = await svgTexts(csat, '.apexcharts-xaxis-label');
        expect(months.length).toBeGreaterThan(0);
        for (const m of months) expect(m).toMatch(SHORT_MONTH_YEAR);
      }

      // The handoff flow's departments.
      const flow = panelOf(page, 'Handoffs in the chosen period');
      if ((await flow.getAttribute('data-state')) === 'ready') noCjk(await flow.locator('th').allInnerTexts());

      await page.screenshot({ path: join(SCREENSHOTS, 'english-department-dashboard.png'), fullPage: true });

      // The 诊断 panel: the endpoint's English findings, dimension chips and the at-risk departments.
      const diagnostics = panelOf(page, 'Where collaboration breaks and why');
      const state = await diagnostics.getAttribute('data-state');
      expect(['ready', 'empty']).toContain(state);
      if (state === 'empty') {
        expect(await diagnostics.locator('.status').innerText()).toContain('No collaboration problem found');
      } else {
        const chips = await diagnostics.locator('[data-cc="findings"] .chip').allInnerTexts();
        for (const c of chips) expect(DIMENSIONS_EN).toContain(c.trim());
        const titles = await diagnostics.locator('[data-cc="findings"] .title').allInnerTexts();
        // Findings name departments and states by their English names: no Chinese vocabulary in them.
        for (const title of titles) for (const zh of [...chineseOf(vocabulary.departments), ...chineseOf(vocabulary.states)]) expect(title).not.toContain(zh);
        if (titles.length > 0) expect(titles.some((t) => /[A-Za-z]{3,}/.test(t))).toBe(true);
        const risk = await diagnostics.locator('[data-cc="at-risk"] .subdued').allInnerTexts();
        for (const d of risk) expect(departmentsEn).toContain(d.trim());
        noCjk([...chips, ...risk, ...(await diagnostics.locator('h4, th').allInnerTexts())]);
      }
      await diagnostics.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, 'english-diagnostics-panel.png') });
    } finally {
      await page.close();
    }
  });

  it('协同总览 in English: every department by its English name on the charts', async () => {
    const page = await signIn(CEO);
    try {
      await openDashboard(page, '协同总览');
      const departmentsEn = englishOf(vocabulary.departments);
      const radar = panelOf(page, 'Every department on the five dimensions');
      expect(await radar.getAttribute('data-state')).toBe('ready');
      // Bars per department: the legend names departments in English, the axis the dimensions.
      const legend = await svgTexts(radar, '.apexcharts-legend-text');
      expect(legend.length).toBeGreaterThan(1);
      for (const name of legend) expect([...departmentsEn, 'Company mean']).toContain(name);
      expect(legend).toContain('Customer service');
      const axis = await svgTexts(radar, '.apexcharts-xaxis-label');
      expect(axis).toEqual(DIMENSIONS_EN);

      const trend = panelOf(page, 'Scores of the published cycles');
      if ((await trend.getAttribute('data-state')) === 'ready') {
        for (const name of await svgTexts(trend, '.apexcharts-legend-text')) expect(departmentsEn).toContain(name);
        cycleLabels(await svgTexts(trend, '.apexcharts-xaxis-label'));
      }
      const csat = panelOf(page, 'The 6 months up to the chosen period');
      if ((await csat.getAttribute('data-state')) === 'ready') for (const m of await svgTexts(csat, '.apexcharts-xaxis-label')) expect(m).toMatch(SHORT_MONTH_YEAR);
      const sla = panelOf(page, 'Cases open now, by state');
      noCjk(await sla.locator('table').first().locator('tbody tr td:nth-child(-n+2)').allInnerTexts());
      const flow = panelOf(page, 'Handoffs in the chosen period');
      if ((await flow.getAttribute('data-state')) === 'ready') noCjk(await flow.locator('th').allInnerTexts());
      noCjk(await page.locator('.cc-insight .scope').allInnerTexts());
      const offered = await page.locator('.cc-filter select[data-cc="scope"] optgroup').first().evaluate((g) => g.getAttribute('label'));
      expect(offered).toBe('Company');
      const departmentOptions = await page.locator('.cc-filter select[data-cc="scope"] optgroup[label="Departments"] option').allInnerTexts();
      expect(departmentOptions.length).toBe(vocabulary.departments.length);
      for (const d of departmentOptions) expect(departmentsEn).toContain(d.trim());
      // The company bars keep their dimension names level, and the plot keeps its height.
      // (Rotated, they left the bars a few pixels at 1440 × 900.)
      await page.screenshot({ path: join(SCREENSHOTS, 'english-overview.png'), fullPage: true });
      const plot = await radar.locator('.apexcharts-grid').evaluate((g) => g.getBoundingClientRect().height);
      expect(plot).toBeGreaterThan(50);
    } finally {
      await page.close();
    }
  });

  it('a case form in English: its workflow, state and history by their English names', async () => {
    const token = await tokenOf(HEAD);
    const cases = (await http('GET', '/items/cc_cases?filter[workflow][name_en][_eq]=Customer%20complaint&filter[events][from_state][_nnull]=true&fields=id,workflow.name_en,state.name_en&sort=-id&limit=1', { token })).json!.data as Array<{ id: number; workflow: { name_en: string }; state: { name_en: string } }>;
    expect(cases.length).toBe(1);
    const target = cases[0]!;
    const page = await signIn(HEAD);
    try {
      await page.goto(`${concord().url}/admin/content/cc_cases/${target.id}`);
      const workflow = page.locator('[data-field="workflow"]');
      await expect.poll(async () => workflow.innerText(), { timeout: 60_000 }).toContain('Customer complaint');
      noCjk([await workflow.innerText()]);
      const state = page.locator('[data-field="state"]');
      await expect.poll(async () => state.innerText(), { timeout: 30_000 }).toContain(target.state.name_en);
      for (const zh of chineseOf(vocabulary.states)) expect(await state.innerText()).not.toContain(zh);
      // The history: one line per event, "time · from → to · who · note"; the states are English.
      const history = page.locator('[data-field="events"]');
      await expect.poll(async () => (await history.innerText()).includes('→'), { timeout: 30_000 }).toBe(true);
      const lines = (await history.innerText()).split('\n').filter((l) => l.includes('→'));
      const statesEn = englishOf(vocabulary.states);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        const [from, to] = (line.split(' · ')[1] ?? '').split('→').map((s) => s.trim());
        noCjk([from ?? '', to ?? '']);
        expect(statesEn).toContain(to);
      }
      await page.screenshot({ path: join(SCREENSHOTS, 'english-case-form.png') });
      await history.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, 'english-case-history.png') });
    } finally {
      await page.close();
    }
  });

  it('the cycle list in English: cycles Concord named are named from their period', async () => {
    const token = await tokenOf(HEAD);
    const cycles = (await http('GET', '/items/cc_evaluation_cycles?fields=id,name,period_kind,starts_on&sort=-starts_on&limit=-1', { token })).json!.data as Array<{ id: number; name: string; period_kind: string; starts_on: string }>;
    const named = cycles.filter((c) => cycleNameIn(c, 'zh-CN') === c.name && CJK.test(c.name));
    expect(named.length).toBeGreaterThan(0);
    const page = await signIn(HEAD);
    try {
      await page.goto(`${concord().url}/admin/content/cc_evaluation_cycles`);
      const table = page.locator('.v-table tbody, table tbody').first();
      await expect.poll(async () => table.locator('tr').count(), { timeout: 60_000 }).toBeGreaterThan(0);
      const text = await table.innerText();
      await page.screenshot({ path: join(SCREENSHOTS, 'english-cycle-list.png'), fullPage: true });
      const shown = named.filter((c) => text.includes(cycleNameIn(c, 'en-US')));
      expect(shown.length, text).toBeGreaterThan(0);
      for (const c of shown) expect(cycleNameIn(c, 'en-US')).toMatch(/^((January|February|March|April|May|June|July|August|September|October|November|December) \d{4}|Q[1-4] \d{4})$/);
      // No cycle Concord named shows its Chinese name, and the status and kind columns are English too.
      for (const c of named) expect(text).not.toContain(c.name);
      const typed = cycles.filter((c) => !named.includes(c)).map((c) => c.name);
      const rows = (await table.locator('tr').allInnerTexts()).filter((row) => !typed.some((name) => row.includes(name)));
      noCjk(rows);
      await page.screenshot({ path: join(SCREENSHOTS, 'english-cycle-list.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});
