/**
 * The three workflows of the brief (Table 3 of the article), seeded once per key. Each state is
 * owned by the department the article gives that step; each transition needs a capability from
 * the authority matrix (Table 2) and may require case fields.
 */

export interface StateSeed {
  key: string;
  name_zh: string;
  name_en: string;
  owner: string;
  response_sla_hours: number;
  resolution_sla_hours: number | null;
  is_initial?: boolean;
  is_terminal?: boolean;
}

export interface TransitionSeed {
  from: string;
  to: string;
  name_zh: string;
  name_en: string;
  capability: string;
  required_fields?: string[];
  is_reopen?: boolean;
  is_resolution?: boolean;
}

export interface WorkflowSeed {
  key: string;
  name_zh: string;
  name_en: string;
  case_type: 'requirement' | 'complaint' | 'inquiry';
  resolution_sla_hours: number;
  description: string;
  states: StateSeed[];
  transitions: TransitionSeed[];
}

export const WORKFLOWS: readonly WorkflowSeed[] = [
  {
    key: 'requirement',
    name_zh: '客户需求流程',
    name_en: 'Customer requirement',
    case_type: 'requirement',
    resolution_sla_hours: 720,
    description: '需求收集 → 市场部分析 → 技术部研发 → 发布 → 销售与市场推广 → 客服回访后关闭',
    states: [
      { key: 'collected', name_zh: '需求已收集', name_en: 'Collected', owner: 'marketing', response_sla_hours: 24, resolution_sla_hours: 72, is_initial: true },
      { key: 'analysed', name_zh: '需求已分析', name_en: 'Analysed', owner: 'tech', response_sla_hours: 48, resolution_sla_hours: 480 },
      { key: 'released', name_zh: '已发布', name_en: 'Released', owner: 'sales', response_sla_hours: 48, resolution_sla_hours: 168 },
      { key: 'promoted', name_zh: '已推广', name_en: 'Promoted', owner: 'service', response_sla_hours: 72, resolution_sla_hours: 168 },
      { key: 'closed', name_zh: '已关闭', name_en: 'Closed', owner: 'service', response_sla_hours: 0, resolution_sla_hours: null, is_terminal: true },
    ],
    transitions: [
      { from: 'collected', to: 'analysed', name_zh: '完成需求分析', name_en: 'Analyse', capability: 'marketing.strategy', required_fields: ['description'] },
      { from: 'analysed', to: 'collected', name_zh: '退回补充', name_en: 'Send back for detail', capability: 'product.develop' },
      { from: 'analysed', to: 'released', name_zh: '研发完成并发布', name_en: 'Develop and release', capability: 'product.optimise', required_fields: ['resolution_note'], is_resolution: true },
      { from: 'released', to: 'promoted', name_zh: '完成销售与推广', name_en: 'Promote', capability: 'sales.execute' },
      { from: 'promoted', to: 'closed', name_zh: '回访后关闭', name_en: 'Follow up and close', capability: 'feedback.collect' },
    ],
  },
  {
    key: 'complaint',
    name_zh: '客户投诉流程',
    name_en: 'Customer complaint',
    case_type: 'complaint',
    resolution_sla_hours: 72,
    description: '客服受理 → 调查 → 升级技术部 → 解决 → 回访关闭;客户不满意可重开',
    states: [
      { key: 'received', name_zh: '已受理', name_en: 'Received', owner: 'service', response_sla_hours: 4, resolution_sla_hours: 8, is_initial: true },
      { key: 'investigating', name_zh: '调查中', name_en: 'Investigating', owner: 'service', response_sla_hours: 8, resolution_sla_hours: 48 },
      { key: 'escalated', name_zh: '已升级技术部', name_en: 'Escalated to technology', owner: 'tech', response_sla_hours: 8, resolution_sla_hours: 48 },
      { key: 'resolved', name_zh: '已解决', name_en: 'Resolved', owner: 'service', response_sla_hours: 24, resolution_sla_hours: 72 },
      { key: 'closed', name_zh: '已关闭', name_en: 'Closed', owner: 'service', response_sla_hours: 0, resolution_sla_hours: null, is_terminal: true },
    ],
    transitions: [
      { from: 'received', to: 'investigating', name_zh: '开始调查', name_en: 'Investigate', capability: 'complaint.handle' },
      { from: 'investigating', to: 'escalated', name_zh: '升级至技术部', name_en: 'Escalate to technology', capability: 'complaint.handle', required_fields: ['description'] },
      { from: 'investigating', to: 'resolved', name_zh: '直接解决', name_en: 'Resolve', capability: 'complaint.handle', required_fields: ['resolution_note'], is_resolution: true },
      { from: 'escalated', to: 'resolved', name_zh: '技术问题已解决', name_en: 'Fix and resolve', capability: 'issue.resolve', required_fields: ['resolution_note'], is_resolution: true },
      { from: 'resolved', to: 'closed', name_zh: '回访后关闭', name_en: 'Follow up and close', capability: 'feedback.collect' },
      { from: 'resolved', to: 'investigating', name_zh: '客户不满意,重开', name_en: 'Reopen (not satisfied)', capability: 'complaint.handle', is_reopen: true },
      { from: 'closed', to: 'investigating', name_zh: '重新打开', name_en: 'Reopen', capability: 'complaint.handle', is_reopen: true },
    ],
  },
  {
    key: 'inquiry',
    name_zh: '客户咨询流程',
    name_en: 'Customer inquiry',
    case_type: 'inquiry',
    resolution_sla_hours: 24,
    description: '客服接收咨询 → 答复 → 关闭',
    states: [
      { key: 'received', name_zh: '已接收', name_en: 'Received', owner: 'service', response_sla_hours: 4, resolution_sla_hours: 24, is_initial: true },
      { key: 'answered', name_zh: '已答复', name_en: 'Answered', owner: 'service', response_sla_hours: 24, resolution_sla_hours: 72 },
      { key: 'closed', name_zh: '已关闭', name_en: 'Closed', owner: 'service', response_sla_hours: 0, resolution_sla_hours: null, is_terminal: true },
    ],
    transitions: [
      { from: 'received', to: 'answered', name_zh: '答复客户', name_en: 'Answer', capability: 'inquiry.receive', required_fields: ['resolution_note'], is_resolution: true },
      { from: 'answered', to: 'closed', name_zh: '关闭', name_en: 'Close', capability: 'inquiry.receive' },
    ],
  },
];
