import { currentLanguage } from '../i18n.ts';

/** The Insights panels' own words, Chinese and English (Studio's language decides). */
const STRINGS = {
  'zh-CN': {
    loading: '加载中…',
    failed: '无法加载:',
    retry: '重试',
    noCycle: '还没有已发布的评估周期 — 请在「评估周期」中计算并发布一个。',
    noData: '所选期间内没有记录。',
    noScope: '你没有可查看的部门、团队或全公司数据。',
    forbidden: '你无权查看这个范围的数据(不是没有数据)。',
    na: '无数据',
    page: '第',
    rows: '行',
    pages: '分页',
    previousPage: '上一页',
    nextPage: '下一页',
    pickScope: '范围',
    pickPeriod: '期间',
    month: '月',
    quarter: '季度',
    custom: '自定义',
    periodFrom: '从',
    periodTo: '至(含)',
    apply: '应用',
    departments: '部门',
    teams: '团队',
    backToChart: '返回图表',
    backToMatrix: '返回矩阵',
    metric: '指标',
    statedPeriod: '本看板所有面板的期间',
    history: '截至所选期间的最近 6 个月',
    explainRadar: '所选期间的已发布评估周期,各维度 0–100 分;无数据的维度不画成 0。',
    explainCompany: '所选期间各部门在五个维度上的得分(已发布周期);无数据的维度留空并标「无数据」。',
    explainTrend: '截至所选期间的已发布评估周期的得分;↻ 标出提出改进措施的周期。',
    explainHandoffs: '所选期间的交接:行是交出部门(发出的交接),列是接收部门;格内为次数与在时限内被接手的占比。',
    explainSla: '现在仍未结的事项按状态统计(超出响应时限的为超时),以及所选期间内记录的超时次数。',
    explainBudget: '所选期间各月的预算与实际支出。',
    explainCsat: '截至所选期间的最近 6 个月:答卷数、满意率(4–5 星占比)与 NPS。',
    explainActions: '所有周期提出的改进措施,按范围、维度与状态计数;以及最新的措施和改进前后的得分。',
    explainScorecards: '所选期间的已发布周期,各部门与团队的综合与五维得分;低于 60 分标红。',
    company: '全公司',
    companyMean: '公司平均',
    previous: '上期',
    current: '本期',
    dimension: '维度',
    score: '得分',
    change: '较上期',
    raw: '原始指标',
    from: '交出部门',
    to: '接收部门',
    handoffs: '交接次数',
    median: '中位响应(小时)',
    slaShare: '时限内占比',
    worst: '最需关注',
    casesOf: '这组交接涉及的事项',
    state: '状态',
    owner: '负责部门',
    open: '未结',
    overdue: '超时',
    withinSla: '未超时',
    oldest: '等待最久的事项',
    age: '已等待',
    hours: '小时',
    breaches: '本期超期',
    response: '响应',
    resolution: '解决',
    budget: '预算',
    expense: '支出',
    execution: '执行率',
    noFinance: '你无权查看此范围的财务数据。',
    csatShare: '满意率',
    csatMean: '平均分',
    nps: 'NPS',
    responses: '答卷数',
    comments: '最新留言',
    proposed: '已提议',
    in_progress: '进行中',
    done: '已完成',
    dropped: '已放弃',
    before: '改进前',
    after: '改进后',
    latestActions: '最新改进措施',
    scope: '部门 / 团队',
    overall: '综合',
    communication: '沟通效率',
    execution_dim: '执行质量',
    satisfaction: '客户满意度',
    utilisation: '资源利用率',
    cohesion: '凝聚力',
  },
  'en-US': {
    loading: 'Loading…',
    failed: 'Could not load: ',
    retry: 'Retry',
    noCycle: 'No published evaluation cycle yet — run and publish one in Evaluation cycles (评估周期).',
    noData: 'Nothing was recorded in the chosen period.',
    noScope: 'There is no department, team or company figure you may read.',
    forbidden: 'You may not see figures of this scope (this is not an empty period).',
    na: 'No data',
    page: 'Page',
    rows: 'rows',
    pages: 'Pages',
    previousPage: 'Previous page',
    nextPage: 'Next page',
    pickScope: 'Scope',
    pickPeriod: 'Period',
    month: 'Month',
    quarter: 'Quarter',
    custom: 'Custom',
    periodFrom: 'From',
    periodTo: 'To (incl.)',
    apply: 'Apply',
    departments: 'Departments',
    teams: 'Teams',
    backToChart: 'Back to the chart',
    backToMatrix: 'Back to the matrix',
    metric: 'Metric',
    statedPeriod: 'Period of every panel on this dashboard',
    history: 'the 6 months up to the chosen period',
    explainRadar: 'The published cycle of the chosen period, each dimension 0–100; a dimension without data is not drawn as 0.',
    explainCompany: 'Every department on the five dimensions in the chosen period (published cycle); no data stays a gap, labelled No data.',
    explainTrend: 'Scores of the published cycles up to the chosen period; ↻ marks cycles that proposed improvement actions.',
    explainHandoffs: 'Handoffs in the chosen period: rows are the senders (handoffs sent), columns the receivers; each cell is the count and the share picked up within the SLA.',
    explainSla: 'Cases open now, by state (past the response SLA counts as overdue), and the SLA breaches recorded in the chosen period.',
    explainBudget: 'Budget against actual expense, month by month, in the chosen period.',
    explainCsat: 'The 6 months up to the chosen period: responses, share satisfied (4–5 stars) and NPS.',
    explainActions: 'Improvement actions of every cycle, counted by scope, dimension and status, and the latest ones with the scores before and after.',
    explainScorecards: 'The published cycle of the chosen period: overall and five dimensions of every department and team; under 60 in red.',
    company: 'Company',
    companyMean: 'Company mean',
    previous: 'Previous',
    current: 'This cycle',
    dimension: 'Dimension',
    score: 'Score',
    change: 'Change',
    raw: 'Raw metrics',
    from: 'From',
    to: 'To',
    handoffs: 'Handoffs',
    median: 'Median response (h)',
    slaShare: 'Within SLA',
    worst: 'Bottleneck',
    casesOf: 'Cases in these handoffs',
    state: 'State',
    owner: 'Owner',
    open: 'Open',
    overdue: 'Overdue',
    withinSla: 'Within SLA',
    oldest: 'Waiting longest',
    age: 'Waiting',
    hours: 'h',
    breaches: 'Breaches in period',
    response: 'Response',
    resolution: 'Resolution',
    budget: 'Budget',
    expense: 'Expense',
    execution: 'Execution',
    noFinance: 'You may not see finance records for this scope.',
    csatShare: 'Satisfied',
    csatMean: 'Mean',
    nps: 'NPS',
    responses: 'Responses',
    comments: 'Latest comments',
    proposed: 'Proposed',
    in_progress: 'In progress',
    done: 'Done',
    dropped: 'Dropped',
    before: 'Before',
    after: 'After',
    latestActions: 'Latest improvement actions',
    scope: 'Department / team',
    overall: 'Overall',
    communication: 'Communication',
    execution_dim: 'Execution',
    satisfaction: 'Satisfaction',
    utilisation: 'Utilisation',
    cohesion: 'Cohesion',
  },
} as const;

export type InsightString = keyof (typeof STRINGS)['en-US'];

export function tr(key: InsightString): string {
  return STRINGS[currentLanguage()][key];
}

export const DIMENSION_ORDER = ['communication', 'execution', 'satisfaction', 'utilisation', 'cohesion'] as const;

export function dimensionName(dimension: string): string {
  if (dimension === 'execution') return tr('execution_dim');
  return (DIMENSION_ORDER as readonly string[]).includes(dimension) || dimension === 'overall' ? tr(dimension as InsightString) : dimension;
}

export function formatScore(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);
}

/** The raw metrics behind a dimension, by their label: a share as a percentage, hours and money rounded. */
const RAW_LABELS: Record<string, { zh: string; en: string; as?: 'share' | 'hours' | 'money' | 'score' }> = {
  handoffs: { zh: '交接次数', en: 'Handoffs' },
  handoffs_with_sla: { zh: '有时限的交接', en: 'Handoffs with an SLA' },
  within_sla_share: { zh: '时限内接手占比', en: 'Picked up within SLA', as: 'share' },
  median_response_hours: { zh: '响应时间中位数(小时)', en: 'Median response (h)', as: 'hours' },
  tasks_due: { zh: '到期任务', en: 'Tasks due' },
  tasks_on_time: { zh: '按时完成的任务', en: 'Tasks on time' },
  on_time_share: { zh: '按时完成占比', en: 'On time', as: 'share' },
  resolutions: { zh: '解决次数', en: 'Resolutions' },
  resolutions_with_sla: { zh: '有时限的解决', en: 'Resolutions with an SLA' },
  resolutions_within_sla: { zh: '时限内解决', en: 'Resolved within SLA' },
  case_sla_share: { zh: '事项时限内解决占比', en: 'Cases resolved within SLA', as: 'share' },
  closed_cases: { zh: '已结事项', en: 'Closed cases' },
  reopens: { zh: '重开次数', en: 'Reopens' },
  responses: { zh: '答卷数', en: 'Responses' },
  csat_share: { zh: '满意率', en: 'Satisfied', as: 'share' },
  csat_mean: { zh: '平均星级', en: 'Mean stars', as: 'score' },
  nps: { zh: 'NPS', en: 'NPS', as: 'score' },
  nps_responses: { zh: 'NPS 答卷数', en: 'NPS responses' },
  budget: { zh: '预算', en: 'Budget', as: 'money' },
  expense: { zh: '支出', en: 'Expense', as: 'money' },
  budget_execution: { zh: '预算执行率', en: 'Budget execution', as: 'share' },
  budget_score: { zh: '预算得分', en: 'Budget score', as: 'score' },
  capacity_hours: { zh: '可用工时', en: 'Capacity (h)', as: 'hours' },
  logged_hours: { zh: '登记工时', en: 'Logged hours', as: 'hours' },
  hours_score: { zh: '工时得分', en: 'Hours score', as: 'score' },
  cross_department_cases: { zh: '跨部门事项', en: 'Cross-department cases' },
  cross_department_share: { zh: '跨部门事项占比', en: 'Cross-department share', as: 'share' },
  invitations: { zh: '邀请人数', en: 'Invitations' },
  attendances: { zh: '出席人数', en: 'Attendances' },
  pulse_mean: { zh: '脉搏调查均分', en: 'Pulse mean', as: 'score' },
  pulse_responses: { zh: '脉搏调查答卷', en: 'Pulse responses' },
  pulse_score: { zh: '脉搏得分', en: 'Pulse score', as: 'score' },
  weights: { zh: '权重', en: 'Weights' },
  dimensions: { zh: '计入的维度', en: 'Dimensions counted' },
};

export function rawLabel(key: string): string {
  const known = RAW_LABELS[key];
  return known ? (currentLanguage() === 'zh-CN' ? known.zh : known.en) : key;
}

/** A raw metric's value for people: percentages, rounded hours, money, counts; no key, no JSON. */
export function rawValue(key: string, value: unknown): string {
  if (value === null || value === undefined) return tr('na');
  const as = RAW_LABELS[key]?.as;
  if (typeof value === 'number') {
    if (as === 'share') return formatPercent(value);
    if (as === 'money') return formatMoney(value);
    if (as === 'hours' || as === 'score') return formatScore(value);
    return Number.isInteger(value) ? String(value) : formatScore(value);
  }
  if (Array.isArray(value)) return value.map((v) => dimensionName(String(v))).join('、');
  if (typeof value === 'object') return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${dimensionName(k)} ${typeof v === 'number' ? formatPercent(v) : String(v)}`).join(' · ');
  return String(value);
}

export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;
}

export function formatMoney(value: number): string {
  return new Intl.NumberFormat(currentLanguage(), { style: 'currency', currency: 'CNY', maximumFractionDigits: 0 }).format(value);
}
