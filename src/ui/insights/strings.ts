import { currentLanguage } from '../i18n.ts';

/** The Insights panels' own words, Chinese and English (Studio's language decides). */
const STRINGS = {
  'zh-CN': {
    loading: '加载中…',
    failed: '无法加载:',
    retry: '重试',
    noCycle: '还没有已发布的评估周期 — 请在「评估周期」中计算并发布一个。',
    noData: '这段时间没有你可查看的数据。',
    noScope: '你不属于任何部门或团队,请在面板设置中选择一个范围。',
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
    noData: 'Nothing you may see in this period.',
    noScope: 'You belong to no department or team; choose a scope in the panel settings.',
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

export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;
}

export function formatMoney(value: number): string {
  return new Intl.NumberFormat(currentLanguage(), { style: 'currency', currency: 'CNY', maximumFractionDigits: 0 }).format(value);
}
