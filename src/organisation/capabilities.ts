/**
 * Capabilities are the stable keys of the authority matrix (Table 2). Hooks and native permissions
 * refer to these keys, never to department names, so an admin can move a capability between
 * departments in Studio without touching code.
 */

/** `area.action`, lower case, e.g. `complaint.handle`. Kept strict so typos fail loudly. */
export const CAPABILITY_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export interface CapabilityInfo {
  key: string;
  zh: string;
  en: string;
}

/** Keys the product itself checks. Admins may add further keys for their own workflow transitions. */
export const CAPABILITY_CATALOGUE: readonly CapabilityInfo[] = [
  { key: 'marketing.strategy', zh: '制定营销策略', en: 'Set marketing strategy' },
  { key: 'product.develop', zh: '参与产品研发', en: 'Take part in product development' },
  { key: 'sales.target', zh: '制定销售目标', en: 'Set sales targets' },
  { key: 'training.participate', zh: '参与团队培训', en: 'Take part in team training' },
  { key: 'customer.read_contact', zh: '获取客户信息', en: 'Read customer contact details' },
  { key: 'customer.manage', zh: '维护客户资料', en: 'Create and edit customers' },
  { key: 'sales.plan', zh: '制定销售计划', en: 'Make sales plans' },
  { key: 'sales.execute', zh: '执行销售任务', en: 'Carry out sales tasks' },
  { key: 'complaint.handle', zh: '处理客户投诉', en: 'Handle customer complaints' },
  { key: 'inquiry.receive', zh: '接收客户咨询', en: 'Receive customer inquiries' },
  { key: 'feedback.collect', zh: '收集客户反馈', en: 'Collect customer feedback' },
  { key: 'support.provide', zh: '提供技术支持', en: 'Provide technical support' },
  { key: 'product.optimise', zh: '优化产品功能', en: 'Optimise product features' },
  { key: 'issue.resolve', zh: '解决技术问题', en: 'Resolve technical issues' },
  { key: 'training.plan', zh: '制定培训计划', en: 'Plan training' },
  { key: 'training.organise', zh: '组织培训活动', en: 'Organise training' },
  { key: 'performance.review', zh: '进行绩效考核', en: 'Review performance' },
  { key: 'talent.recruit', zh: '招聘优秀人才', en: 'Recruit talent' },
  { key: 'team.build', zh: '组建协同团队', en: 'Build cross-department teams' },
  { key: 'evaluation.publish', zh: '发布协同评估', en: 'Publish collaboration evaluations' },
  { key: 'budget.manage', zh: '预算管理', en: 'Manage budgets' },
  { key: 'finance.report', zh: '编制财务报表', en: 'Prepare financial reports' },
];

export function isCapabilityKey(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 64 && CAPABILITY_PATTERN.test(value);
}

export function describeCapability(key: string): CapabilityInfo | undefined {
  return CAPABILITY_CATALOGUE.find((c) => c.key === key);
}
