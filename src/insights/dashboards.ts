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

/** The same set of panels looking at one scope: my department, or my team. */
function scopedPanels(scope: 'my_department' | 'my_team'): PanelDefinition[] {
  return [
    panel(`${scope}:radar`, 'cc-radar-panel', '五维雷达 Five dimensions', 'radar', [1, 1, 24, 22], { scope, period_kind: 'monthly' }),
    panel(`${scope}:trend`, 'cc-trend-panel', '维度趋势 Trend', 'show_chart', [25, 1, 24, 22], { scope, period_kind: 'monthly' }),
    panel(`${scope}:handoffs`, 'cc-handoff-flow-panel', '交接流向 Handoff flow', 'swap_horiz', [1, 23, 24, 20], { scope, months: 3 }),
    panel(`${scope}:sla`, 'cc-sla-board-panel', '时限与未结事项 SLA board', 'timer', [25, 23, 24, 20], { scope, months: 1 }),
    panel(`${scope}:budget`, 'cc-budget-panel', '预算与实际 Budget vs actual', 'account_balance', [1, 43, 24, 16], { scope, months: 6 }),
    panel(`${scope}:csat`, 'cc-satisfaction-panel', '客户满意度 CSAT trend', 'sentiment_satisfied', [25, 43, 24, 16], { scope, months: 6 }),
    panel(`${scope}:actions`, 'cc-actions-panel', '持续优化措施 Improvement actions', 'trending_up', [1, 59, 48, 18], { scope }),
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
    panels: [panel('team-composition', 'cc-team-composition-panel', '团队组成 Team composition', 'groups', [1, 1, 48, 24], { status: 'all' })],
  },
  {
    id: stableId('dashboard:executive-overview'),
    name: '协同总览 Collaboration at a glance',
    icon: 'insights',
    color: '#6644FF',
    note: '各部门五维得分、趋势、交接瓶颈、时限与满意度 / Every department on five dimensions, trends, bottlenecks, SLAs and satisfaction',
    audience: ['executive'],
    panels: [
      panel('overview:radar', 'cc-radar-panel', '各部门五维雷达 Departments on five dimensions', 'radar', [1, 1, 24, 22], { scope: 'company', period_kind: 'monthly' }),
      panel('overview:trend', 'cc-trend-panel', '综合得分趋势 Overall by department', 'show_chart', [25, 1, 24, 22], { scope: 'company', period_kind: 'monthly', dimension: 'overall' }),
      panel('overview:handoffs', 'cc-handoff-flow-panel', '交接流向与瓶颈 Handoff flow', 'swap_horiz', [1, 23, 24, 20], { scope: 'company', months: 3 }),
      panel('overview:sla', 'cc-sla-board-panel', '时限与未结事项 SLA board', 'timer', [25, 23, 24, 20], { scope: 'company', months: 1 }),
      panel('overview:csat', 'cc-satisfaction-panel', '客户满意度趋势 CSAT trend', 'sentiment_satisfied', [1, 43, 48, 16], { scope: 'company', months: 6 }),
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
      panel('evaluation:monthly', 'cc-scorecards-panel', '月度评分卡 Monthly scorecards', 'fact_check', [1, 1, 48, 14], { period_kind: 'monthly' }),
      panel('evaluation:quarterly', 'cc-scorecards-panel', '季度评分卡 Quarterly scorecards', 'fact_check', [1, 15, 48, 14], { period_kind: 'quarterly' }),
      panel('evaluation:actions', 'cc-actions-panel', '持续优化措施 Improvement actions', 'trending_up', [1, 29, 48, 22], { scope: 'company' }),
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
