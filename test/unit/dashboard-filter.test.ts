import { describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/insights/viewer.ts';
import { choose, initialSelection, monthOf, ownScope, periodLabel, quarterOf, readableScopes, recentPeriods, selectionOf, selectionQuery } from '../../src/ui/insights/dashboard-filter.ts';
import { PALETTE, departmentColour } from '../../src/ui/insights/palette.ts';
import { insightOptionsOf } from '../../src/ui/insights/scope.ts';
import { rawLabel, rawValue } from '../../src/ui/insights/strings.ts';

const departments = ['marketing', 'sales', 'service', 'tech', 'hr', 'finance'].map((code) => ({ code, name_zh: code, name_en: code }));
const teams = [
  { id: 1, name: '华东', status: 'active' },
  { id: 2, name: '制造', status: 'active' },
];
const base = { user: 'u', departments, all_teams: teams, latest_month: '2026-11-01' };
const executive: Viewer = { ...base, department: null, heads: [], teams: [], readable: { company: true, departments: departments.map((d) => d.code), teams: [1, 2] } };
const head: Viewer = { ...base, department: 'service', heads: ['service'], teams: [{ id: 2, name: '制造', lead: false }], readable: { company: false, departments: ['service'], teams: [2] } };
const NOW = new Date(2026, 11, 3, 10);

describe('the dashboard picker', () => {
  it('writes periods as [start, end) and labels them with the last day included', () => {
    expect(monthOf('2026-12-03')).toEqual({ kind: 'month', starts_on: '2026-12-01', ends_on: '2027-01-01' });
    expect(quarterOf('2026-11-15')).toEqual({ kind: 'quarter', starts_on: '2026-10-01', ends_on: '2027-01-01' });
    expect(periodLabel(quarterOf('2026-11-15'))).toBe('2026 Q4');
    expect(periodLabel({ kind: 'custom', starts_on: '2026-10-05', ends_on: '2026-11-21' })).toBe('2026-10-05 – 2026-11-20');
    expect(recentPeriods(new Date(2026, 0, 10), 'month', 2).map((p) => p.starts_on)).toEqual(['2026-01-01', '2025-12-01']);
  });

  it('offers only what the viewer may read, starting from their own scope', () => {
    expect(readableScopes(head).map((s) => s.label)).toEqual(['service', '制造']);
    expect(ownScope(head, 'my_department')).toMatchObject({ kind: 'department', key: 'service' });
    expect(ownScope(head, 'my_team')).toMatchObject({ kind: 'team', key: 2 });
    // No company for a head: the first scope they may read instead.
    expect(ownScope(head, 'company')).toMatchObject({ kind: 'department', key: 'service' });
  });

  it('never leaves an executive without a scope', () => {
    expect(ownScope(executive, 'my_department')).toMatchObject({ kind: 'department', key: 'marketing' });
    expect(ownScope(executive, 'my_team')).toMatchObject({ kind: 'team', key: 1 });
    expect(ownScope(executive, 'company')).toMatchObject({ kind: 'company' });
  });

  it('starts on the latest evaluated month, or on what a notification link names when the viewer may read it', () => {
    expect(initialSelection(head, 'my_department', NOW, '').period).toEqual(monthOf('2026-11-01'));
    expect(initialSelection({ ...head, latest_month: null }, 'my_department', NOW, '').period).toEqual(monthOf('2026-11-01'));
    const linked = initialSelection(executive, 'my_department', NOW, '?period=quarter&starts_on=2026-07-01&ends_on=2026-10-01&scope_kind=department&scope=sales');
    expect(linked).toMatchObject({ scope: { kind: 'department', key: 'sales' }, period: { kind: 'quarter', starts_on: '2026-07-01', ends_on: '2026-10-01' } });
    // A scope the head may not read is not taken from the address.
    expect(initialSelection(head, 'my_department', NOW, '?scope_kind=department&scope=finance').scope).toMatchObject({ key: 'service' });
  });
});

describe('the picker and the address', () => {
  const address = (selection: Parameters<typeof selectionQuery>[0]) => `?${new URLSearchParams(Object.entries(selectionQuery(selection)).filter((e): e is [string, string] => e[1] !== undefined)).toString()}`;

  it('writes a selection into the query string and reads the same view back from it', () => {
    for (const selection of [
      { scope: { kind: 'team' as const, key: 2, label: '制造' }, period: quarterOf('2026-08-01') },
      { scope: { kind: 'company' as const, label: 'company' }, period: { kind: 'custom' as const, starts_on: '2026-10-05', ends_on: '2026-11-21' } },
      { scope: { kind: 'department' as const, key: 'sales', label: 'sales' }, period: monthOf('2026-09-01') },
    ]) {
      const search = address(selection);
      expect(initialSelection(executive, 'my_department', NOW, search)).toMatchObject({ scope: { kind: selection.scope.kind }, period: selection.period });
      if (selection.scope.kind !== 'company') expect(initialSelection(executive, 'my_department', NOW, search).scope).toMatchObject({ key: selection.scope.key });
    }
    expect(address({ scope: { kind: 'company', label: 'c' }, period: monthOf('2026-11-01') })).toBe('?period=month&starts_on=2026-11-01&ends_on=2026-12-01&scope_kind=company');
  });

  it('lets a link that names a view win over what was picked earlier, and keeps a choice while the address catches up', () => {
    const picked = selectionOf('d-url', executive, 'my_department', NOW, '');
    expect(picked.scope).toMatchObject({ key: 'marketing' });
    // The scorecard link names sales in 2026-09, on a dashboard already open this session.
    const link = '?period=month&starts_on=2026-09-01&ends_on=2026-10-01&scope_kind=department&scope=sales';
    expect(selectionOf('d-url', executive, 'my_department', NOW, link)).toMatchObject({ scope: { key: 'sales' }, period: monthOf('2026-09-01') });
    // A choice made on that page stands until the picker has rewritten the address…
    choose('d-url', { scope: { kind: 'company', label: 'c' }, period: monthOf('2026-08-01') });
    expect(selectionOf('d-url', executive, 'my_department', NOW, link)).toMatchObject({ scope: { kind: 'company' }, period: monthOf('2026-08-01') });
    // …and the rewritten address reads back as the same choice.
    expect(selectionOf('d-url', executive, 'my_department', NOW, address({ scope: { kind: 'company', label: 'c' }, period: monthOf('2026-08-01') }))).toMatchObject({ scope: { kind: 'company' }, period: monthOf('2026-08-01') });
  });
});

describe('what the panels show', () => {
  it('gives every department its own colour from one palette of at least eight', () => {
    expect(PALETTE.length).toBeGreaterThanOrEqual(8);
    const colours = departments.map((d) => departmentColour({ departments }, d.code));
    expect(new Set(colours).size).toBe(departments.length);
  });

  it('names raw metrics by label and shows shares as percentages, hours rounded', () => {
    expect(rawLabel('within_sla_share')).not.toBe('within_sla_share');
    expect(rawValue('within_sla_share', 0.5555555)).toBe('55.6%');
    expect(rawValue('median_response_hours', 50.912345)).toBe('50.9');
    expect(rawValue('handoffs', 25)).toBe('25');
    expect(rawValue('handoffs', null)).toMatch(/No data|无数据/);
  });
});

describe('a panel’s options', () => {
  it('are its scope, period and dashboard, not its size: resizing a panel reloads nothing', () => {
    const props = { dashboard: 'd1', use_dashboard_filter: true, scope: 'my_team' as const, department: null, team: 3, months: 6, height: 20, showHeader: true };
    const options = insightOptionsOf(props);
    expect(options()).toEqual({ dashboard: 'd1', use_dashboard_filter: true, now: undefined, scope: 'my_team', department: null, team: 3, months: 6 });
    props.team = 4;
    props.height = 40;
    expect(options()).toMatchObject({ team: 4 });
    expect(options()).not.toHaveProperty('height');
  });
});
