/**
 * The organisation the article prescribes: six departments, Table 1 (team composition) and
 * Table 2 (duties and authorities). Seeded once; afterwards the rows are the admins' to edit.
 * Finance is not in the article's tables; the brief adds it, with the budget capabilities.
 */

export interface DepartmentSeed {
  code: string;
  name_zh: string;
  name_en: string;
  color: string;
  /** Table 1: minimum and recommended representatives in a cross-department team; null = no rule. */
  minimum: number | null;
  recommended: number | null;
  responsibility: string | null;
  duties: ReadonlyArray<[zh: string, en: string]>;
  /** Table 2 authorities, each bound to a capability key. */
  authorities: ReadonlyArray<[zh: string, en: string, capability: string]>;
}

export const DEPARTMENTS: readonly DepartmentSeed[] = [
  {
    code: 'marketing', name_zh: '市场部', name_en: 'Marketing', color: '#2F80ED',
    minimum: 2, recommended: 2, responsibility: '负责市场调研、客户需求分析、营销活动策划',
    duties: [['市场调研', 'Market research'], ['客户需求分析', 'Customer needs analysis'], ['营销活动策划', 'Marketing campaign planning']],
    authorities: [
      ['制定营销策略', 'Set marketing strategy', 'marketing.strategy'],
      ['参与产品研发', 'Take part in product development', 'product.develop'],
      ['制定销售目标', 'Set sales targets', 'sales.target'],
      ['参与团队培训', 'Take part in team training', 'training.participate'],
    ],
  },
  {
    code: 'sales', name_zh: '销售部', name_en: 'Sales', color: '#27AE60',
    minimum: 2, recommended: 2, responsibility: '负责客户关系维护、销售渠道拓展、客户满意度提升',
    duties: [['客户关系维护', 'Customer relationship upkeep'], ['销售渠道拓展', 'Sales channel expansion'], ['客户满意度提升', 'Raising customer satisfaction']],
    authorities: [
      ['获取客户信息', 'Read customer information', 'customer.read_contact'],
      ['制定销售计划', 'Make sales plans', 'sales.plan'],
      ['执行销售任务', 'Carry out sales tasks', 'sales.execute'],
      ['处理客户投诉', 'Handle customer complaints', 'complaint.handle'],
      ['维护客户资料', 'Create and edit customers', 'customer.manage'],
    ],
  },
  {
    code: 'service', name_zh: '客服部', name_en: 'Customer service', color: '#F2994A',
    minimum: 2, recommended: 2, responsibility: '负责客户咨询解答、售后服务、客户投诉处理',
    duties: [['客户咨询解答', 'Answering customer inquiries'], ['售后服务', 'After-sales service'], ['客户投诉处理', 'Complaint handling']],
    authorities: [
      ['接收客户咨询', 'Receive customer inquiries', 'inquiry.receive'],
      ['处理客户投诉', 'Handle customer complaints', 'complaint.handle'],
      ['收集客户反馈', 'Collect customer feedback', 'feedback.collect'],
      ['提供技术支持', 'Provide technical support', 'support.provide'],
      // 回访: service calls customers back after a resolution, so it reads their contact details.
      ['获取客户信息(回访)', 'Read customer contact details (follow-up calls)', 'customer.read_contact'],
    ],
  },
  {
    code: 'tech', name_zh: '技术部', name_en: 'Technology', color: '#9B51E0',
    minimum: 2, recommended: 2, responsibility: '负责产品技术研发、产品功能优化、技术支持',
    duties: [['产品技术研发', 'Product engineering'], ['产品功能优化', 'Product feature optimisation'], ['技术支持', 'Technical support']],
    authorities: [
      ['参与产品研发', 'Take part in product development', 'product.develop'],
      ['提供技术支持', 'Provide technical support', 'support.provide'],
      ['优化产品功能', 'Optimise product features', 'product.optimise'],
      ['解决技术问题', 'Resolve technical issues', 'issue.resolve'],
    ],
  },
  {
    code: 'hr', name_zh: '人力资源部', name_en: 'Human resources', color: '#EB5757',
    minimum: 1, recommended: 1, responsibility: '负责团队建设、人员培训、绩效考核',
    duties: [['团队建设', 'Team building'], ['人员培训', 'Staff training'], ['绩效考核', 'Performance review']],
    authorities: [
      ['制定培训计划', 'Plan training', 'training.plan'],
      ['组织培训活动', 'Organise training', 'training.organise'],
      ['进行绩效考核', 'Review performance', 'performance.review'],
      ['招聘优秀人才', 'Recruit talent', 'talent.recruit'],
      ['组建协同团队', 'Build cross-department teams', 'team.build'],
      ['发布协同评估', 'Publish collaboration evaluations', 'evaluation.publish'],
    ],
  },
  {
    code: 'finance', name_zh: '财务部', name_en: 'Finance', color: '#56CCF2',
    minimum: null, recommended: null, responsibility: null,
    duties: [['预算编制与控制', 'Budgeting and control'], ['收支核算', 'Income and expense accounting'], ['财务报表', 'Financial reporting']],
    authorities: [
      ['预算管理', 'Manage budgets', 'budget.manage'],
      ['编制财务报表', 'Prepare financial reports', 'finance.report'],
    ],
  },
];
