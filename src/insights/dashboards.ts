import { stableId } from '../access/stable-id.ts';

/**
 * The Insights dashboards Concord ships, as configuration: fixed ids (applied idempotently by
 * host/apply-presentation.ts) and who each is for. Who may open a dashboard is a native read
 * permission on directus_dashboards and directus_panels, built from `audience` in src/access/model.ts.
 * Every panel reads its numbers with the viewer's own permissions, so a dashboard shows each viewer
 * only what they may read.
 */

export type Audience = 'staff' | 'executive' | 'head' | 'lead' | 'evaluation';

export interface PanelDefinition {
  /** Unique across dashboards; the panel's fixed id derives from it. */
  key: string;
  type: string;
  name: string;
  icon: string;
  x: number;
  y: number;
  width: number;
  height: number;
  options: Record<string, unknown>;
  /** Whether Studio draws the panel's header (name and icon); the picker has none. */
  header?: boolean;
}

export interface DashboardDefinition {
  id: string;
  name: string;
  icon: string;
  color: string;
  note: string;
  audience: Audience[];
  panels: PanelDefinition[];
}

/**
 * Dashboards are 44 grid units (18 px each) wide: they fit between Studio's navigation and its open
 * sidebar at 1440 × 900 (test/browser/dashboards.e2e.test.ts measures it).
 */
const panel = (key: string, type: string, name: string, icon: string, [x, y, width, height]: [number, number, number, number], options: Record<string, unknown> = {}): PanelDefinition => ({
  key,
  type,
  name,
  icon,
  x,
  y,
  width,
  height,
  options,
});

/**
 * The shared scope and period picker (cc-dashboard-filter-panel) on top of a dashboard: every panel
 * seeded with `use_dashboard_filter` shows what it picked (src/ui/insights/dashboard-filter.ts), and
 * their `scope` is only the default the picker starts from.
 */
const picker = (key: string, scope: 'my_department' | 'my_team' | 'company', scopes = true): PanelDefinition => ({
  ...panel(`${key}:filter`, 'cc-dashboard-filter-panel', '范围与期间 Scope and period', 'tune', [1, 1, 44, 3], { scope, scopes }),
  header: false,
});
const follow = { use_dashboard_filter: true };

/** The same set of panels looking at one scope: my department, or my team, unless the picker says otherwise. */
function scopedPanels(scope: 'my_department' | 'my_team'): PanelDefinition[] {
  return [
    picker(scope, scope),
    panel(`${scope}:radar`, 'cc-radar-panel', '五维雷达 Five dimensions', 'radar', [1, 4, 22, 26], { scope, ...follow }),
    panel(`${scope}:trend`, 'cc-trend-panel', '维度趋势 Trend', 'show_chart', [23, 4, 22, 26], { scope, ...follow }),
    panel(`${scope}:handoffs`, 'cc-handoff-flow-panel', '交接流向 Handoff flow', 'swap_horiz', [1, 30, 22, 26], { scope, ...follow }),
    panel(`${scope}:sla`, 'cc-sla-board-panel', '时限与未结事项 SLA board', 'timer', [23, 30, 22, 26], { scope, ...follow }),
    panel(`${scope}:budget`, 'cc-budget-panel', '预算与实际 Budget vs actual', 'account_balance', [1, 56, 22, 20], { scope, ...follow }),
    panel(`${scope}:csat`, 'cc-satisfaction-panel', '客户满意度 CSAT trend', 'sentiment_satisfied', [23, 56, 22, 20], { scope, ...follow }),
    panel(`${scope}:actions`, 'cc-actions-panel', '持续优化措施 Improvement actions', 'trending_up', [1, 76, 44, 20], { scope, ...follow }),
    panel(`${scope}:diagnostics`, 'cc-diagnostics-panel', '诊断 Diagnostics', 'troubleshoot', [1, 96, 44, 24], { scope, ...follow }),
  ];
}

export const DASHBOARDS: readonly DashboardDefinition[] = [
  {
    id: stableId('dashboard:collaboration'),
    name: '跨部门协同概览 Collaboration overview',
    icon: 'hub',
    color: '#2F80ED',
    note: '团队组成与组建规则 / Teams against the composition rules',
    audience: ['staff'],
    panels: [panel('team-composition', 'cc-team-composition-panel', '团队组成 Team composition', 'groups', [1, 1, 44, 24], { status: 'all' })],
  },
  {
    id: stableId('dashboard:executive-overview'),
    name: '协同总览 Collaboration at a glance',
    icon: 'insights',
    color: '#6644FF',
    note: '各部门五维得分、趋势、交接瓶颈、时限与满意度 / Every department on five dimensions, trends, bottlenecks, SLAs and satisfaction',
    audience: ['executive'],
    panels: [
      picker('overview', 'company'),
      panel('overview:radar', 'cc-radar-panel', '各部门五维得分 Departments on five dimensions', 'bar_chart', [1, 4, 22, 26], { scope: 'company', ...follow }),
      panel('overview:trend', 'cc-trend-panel', '综合得分趋势 Overall by department', 'show_chart', [23, 4, 22, 26], { scope: 'company', dimension: 'overall', ...follow }),
      panel('overview:handoffs', 'cc-handoff-flow-panel', '交接流向与瓶颈 Handoff flow', 'swap_horiz', [1, 30, 22, 26], { scope: 'company', ...follow }),
      panel('overview:sla', 'cc-sla-board-panel', '时限与未结事项 SLA board', 'timer', [23, 30, 22, 26], { scope: 'company', ...follow }),
      panel('overview:csat', 'cc-satisfaction-panel', '客户满意度趋势 CSAT trend', 'sentiment_satisfied', [1, 56, 44, 20], { scope: 'company', ...follow }),
      panel('overview:diagnostics', 'cc-diagnostics-panel', '诊断 Diagnostics', 'troubleshoot', [1, 76, 44, 24], { scope: 'company', ...follow }),
    ],
  },
  {
    id: stableId('dashboard:department'),
    name: '部门看板 My department',
    icon: 'apartment',
    color: '#27AE60',
    note: '本部门的评估、交接、时限、预算与满意度 / Your department’s evaluation, handoffs, SLAs, budget and satisfaction',
    audience: ['head', 'executive'],
    panels: scopedPanels('my_department'),
  },
  {
    id: stableId('dashboard:team'),
    name: '团队看板 My team',
    icon: 'groups',
    color: '#F2994A',
    note: '本团队的评估、交接、时限、预算与满意度 / Your team’s evaluation, handoffs, SLAs, budget and satisfaction',
    audience: ['lead', 'executive'],
    panels: scopedPanels('my_team'),
  },
  {
    id: stableId('dashboard:evaluation'),
    name: '评估与改进 Evaluation and improvement',
    icon: 'fact_check',
    color: '#EB5757',
    note: '最新周期的评分卡与持续优化措施 / The latest scorecards and the improvement actions',
    audience: ['evaluation', 'executive'],
    panels: [
      // The scorecards list every scope the viewer may read: the picker chooses the period only.
      picker('evaluation', 'company', false),
      panel('evaluation:monthly', 'cc-scorecards-panel', '月度评分卡 Monthly scorecards', 'fact_check', [1, 4, 44, 22], { period_kind: 'monthly', ...follow }),
      panel('evaluation:quarterly', 'cc-scorecards-panel', '季度评分卡 Quarterly scorecards', 'fact_check', [1, 26, 44, 22], { period_kind: 'quarterly', ...follow }),
      panel('evaluation:actions', 'cc-actions-panel', '持续优化措施 Improvement actions', 'trending_up', [1, 48, 44, 20], { scope: 'company' }),
    ],
  },
];

export function panelId(panel: PanelDefinition): string {
  return stableId(`panel:${panel.key}`);
}

/** The dashboards an audience may open. */
export function dashboardsFor(audience: Audience): string[] {
  return DASHBOARDS.filter((d) => d.audience.includes(audience)).map((d) => d.id);
}

/** Where a head (department) or a lead (team) finds their scorecard in Studio. */
export function scorecardDashboard(kind: 'department' | 'team'): string {
  return stableId(kind === 'department' ? 'dashboard:department' : 'dashboard:team');
}

/** Where an executive lands in Studio: 协同总览. */
export function executiveLanding(): string {
  return `/insights/${stableId('dashboard:executive-overview')}`;
}

/**
 * The address query that opens a scope's dashboard on one cycle: its period and the scope, read by
 * the dashboard's picker (src/ui/insights/dashboard-filter.ts, initialSelection).
 */
export function scorecardQuery(cycle: { period_kind: string; starts_on: string; ends_on: string }, kind: 'department' | 'team', key: string | number): string {
  return new URLSearchParams({ period: cycle.period_kind === 'quarterly' ? 'quarter' : 'month', starts_on: cycle.starts_on, ends_on: cycle.ends_on, scope_kind: kind, scope: String(key) }).toString();
}
