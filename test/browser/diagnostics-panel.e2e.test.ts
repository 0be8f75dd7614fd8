import { join } from 'node:path';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARDS } from '../../src/insights/dashboards.ts';
import { concord, http } from '../harness/concord.ts';
import { SCREENSHOTS, launchChromium, signInToStudio } from './chromium.ts';

/**
 * Issue 19 item 4: the 诊断 panel as the service head (yang.li, 客服部) sees it on 部门看板 (zh-CN):
 * the findings the endpoint ranked, in its order, each opening to its evidence linked to Studio's item
 * pages; the at-risk cases with probability and time left; or, when the period has nothing, the
 * honest empty state.
 */

interface Diagnosis {
  findings: Array<{ title: string; detail: string; evidence: { cases: number[]; tasks?: number[]; people?: string[] } }>;
  at_risk: Array<{ case: number; hours_in_state: number; sla_hours: number; breach_probability: number }>;
}

const HEAD = 'yang.li@example.com';
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function tokenOf(email: string): Promise<string> {
  const login = await http('POST', '/auth/login', { body: { email, password: concord().staffPassword } });
  return (login.json!.data as { access_token: string }).access_token;
}

describe('诊断 panel (issue 19)', () => {
  it('marks the cases the early warning found at risk on the SLA board', async () => {
    // The SLA schedule, run once by hand: it claims each newly at-risk case (cc_sla_breaches, at_risk).
    const run = await http('POST', '/concord/sla/escalate', { token: concord().adminToken });
    expect(run.status).toBe(200);
    const token = await tokenOf(HEAD);
    const board = (await http('GET', '/concord/insights/sla?scope_kind=department&scope=service', { token })).json!.data as { at_risk: Array<{ id: number; hours_left: number }> };
    const diagnosed = (await http('GET', '/concord/insights/diagnostics?scope_kind=department&scope=service', { token })).json!.data as Diagnosis;
    // The warning reads every row (the server's reading), the diagnostics the head's: in the demo the
    // head reads the service states' whole history, so both name the same cases.
    expect(board.at_risk.map((r) => r.id).sort()).toEqual(diagnosed.at_risk.map((r) => r.case).sort());
    for (const r of board.at_risk) expect(r.hours_left).toBeGreaterThan(0);
    // Every mark is an open case in a state the service department owns, readable by its head.
    for (const r of board.at_risk) {
      const found = (await http('GET', `/items/cc_cases/${r.id}?fields=state.owner_department,state.is_terminal`, { token })).json!.data as { state: { owner_department: string; is_terminal: boolean } };
      expect(found.state).toMatchObject({ owner_department: 'service', is_terminal: false });
    }
    if (board.at_risk.length === 0) return;
    const page: Page = await signInToStudio(browser, HEAD, concord().staffPassword);
    try {
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(`${concord().url}/admin/insights/${DASHBOARDS.find((d) => d.name.startsWith('部门看板'))!.id}`);
      const sla = page.locator('.cc-insight', { hasText: '现在仍未结的事项按状态统计' });
      await expect.poll(async () => sla.getAttribute('data-state'), { timeout: 60_000 }).toBe('ready');
      const line = await sla.locator('[data-cc="at-risk"]').innerText();
      expect(line).toContain('有超时风险');
      for (const r of board.at_risk) expect(line).toContain(`#${r.id}`);
      await sla.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, 'diagnostics-sla-board-at-risk-zh.png') });
    } finally {
      await page.close();
    }
  });

  it('answers with access: full for the head’s department, none for another’s', async () => {
    const token = await tokenOf(HEAD);
    const own = await http('GET', '/concord/insights/diagnostics?scope_kind=department&scope=service&starts_on=2001-01-01&ends_on=2001-02-01', { token });
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ access: 'full', data: { findings: [], ping_pong: [] } });
    const other = await http('GET', '/concord/insights/diagnostics?scope_kind=department&scope=finance&starts_on=2001-01-01&ends_on=2001-02-01', { token });
    expect(other.json).toMatchObject({ access: 'none' });
  });

  it('shows the head their department’s ranked findings, one opened to its linked evidence, and the at-risk cases', async () => {
    const page: Page = await signInToStudio(browser, HEAD, concord().staffPassword);
    try {
      await page.setViewportSize({ width: 1440, height: 900 });
      const target = DASHBOARDS.find((d) => d.name.startsWith('部门看板'))!;
      expect(target.panels.some((p) => p.type === 'cc-diagnostics-panel')).toBe(true);
      // What the panel itself asked for: its scope and the dashboard's period.
      const answered = page.waitForResponse((r: Response) => r.url().includes('/concord/insights/diagnostics') && r.request().method() === 'GET', { timeout: 60_000 });
      await page.goto(`${concord().url}/admin/insights/${target.id}`);
      const response = await answered;
      expect(new URL(response.url()).searchParams.get('scope')).toBe('service');
      const body = (await response.json()) as { data: Diagnosis; access: string };
      expect(body.access).toBe('full');
      const panel = page.locator('.cc-insight', { hasText: '协同在哪里卡住' });
      await expect.poll(async () => panel.getAttribute('data-state'), { timeout: 60_000 }).not.toBe('loading');
      const { findings, at_risk: atRisk } = body.data;
      if (findings.length === 0 && atRisk.length === 0) {
        // Nothing to diagnose in the period: said as such, not as forbidden.
        expect(await panel.getAttribute('data-state')).toBe('empty');
        expect(await panel.locator('.status').innerText()).toContain('没有发现协同问题');
        await page.screenshot({ path: join(SCREENSHOTS, 'diagnostics-panel-head-empty-zh.png'), fullPage: true });
        return;
      }
      expect(await panel.getAttribute('data-state')).toBe('ready');
      await panel.scrollIntoViewIfNeeded();
      const rows = panel.locator('[data-cc="findings"] button[data-cc="finding"]');
      expect(await panel.locator('[data-cc="findings"] h4').innerText()).toContain(`(${findings.length})`);
      if (findings.length > 0) {
        // In the endpoint's ranking, as plain text.
        const shown = await rows.allInnerTexts();
        expect(shown.length).toBe(Math.min(5, findings.length));
        shown.forEach((text, i) => expect(text).toContain(findings[i]!.title));
        await page.screenshot({ path: join(SCREENSHOTS, 'diagnostics-panel-head-zh.png'), fullPage: true });
        // Opened: the detail, and the evidence linked to each item's Studio page.
        await rows.first().click();
        const opened = panel.locator('[data-cc="evidence"]');
        await expect.poll(async () => opened.count()).toBe(1);
        expect(await opened.locator('.detail').innerText()).toBe(findings[0]!.detail);
        const evidence = findings[0]!.evidence;
        const hrefs = await opened.locator('.links a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
        const expected = [
          ...evidence.cases.map((id) => `/admin/content/cc_cases/${id}`),
          ...(evidence.tasks ?? []).map((id) => `/admin/content/cc_tasks/${id}`),
          ...(evidence.people ?? []).map((id) => `/admin/users/${id}`),
        ];
        expect(hrefs).toEqual(expected.slice(0, 6));
        if (evidence.cases.length > 0) {
          // A case the head can read is named by its title, read with the head's permissions.
          const title = (await http('GET', `/items/cc_cases/${evidence.cases[0]}?fields=title`, { token: await tokenOf(HEAD) })).json!.data as { title: string };
          await expect.poll(async () => opened.locator('.links a').first().innerText()).toBe(`#${evidence.cases[0]} ${title.title}`);
        }
        await opened.scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(SCREENSHOTS, 'diagnostics-panel-head-evidence-zh.png'), fullPage: true });
        // Collapsing returns to the ranked list.
        await opened.locator('button[data-cc="finding"]').click();
        await expect.poll(async () => rows.count()).toBe(Math.min(5, findings.length));
      }
      if (atRisk.length > 0) {
        const first = panel.locator('[data-cc="at-risk"] tbody tr').first();
        const cells = await first.locator('td').allInnerTexts();
        expect(cells[0]).toContain(`#${atRisk[0]!.case}`);
        expect(cells[1]).toBe(`${Math.round(atRisk[0]!.breach_probability * 100)}%`);
        expect(cells[2]).toBe(`${Math.max(0, Math.round((atRisk[0]!.sla_hours - atRisk[0]!.hours_in_state) * 10) / 10)}小时`);
      } else {
        expect(await panel.locator('[data-cc="at-risk"] .na').count()).toBe(1);
      }
    } finally {
      await page.close();
    }
  });
});
