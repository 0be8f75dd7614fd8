import { cycleNameIn, monthAxisLabel, templateIn } from './i18n-periods.ts';

/**
 * Strings of Concord's own Studio components. Directus sets <html lang> to the user's language;
 * anything that is not Chinese falls back to English.
 */
const STRINGS = {
  'zh-CN': {
    department: '部门',
    members: '现有',
    minimum: '最少',
    recommended: '建议',
    gap: '缺口',
    ok: '满足',
    canActivate: '满足组建规则,可以启用',
    cannotActivate: '未满足组建规则,暂不能启用',
    saveFirst: '保存团队后显示组成情况',
    loading: '加载中…',
    noTeams: '没有可见的团队',
    chooseCapability: '选择或输入能力标识',
    heldBy: '持有部门',
    invalidKey: '格式应为小写点分标识,如 complaint.handle',
    stateOnCreate: '新事项从流程的初始状态开始',
    status_forming: '组建中',
    status_active: '运行中',
    status_archived: '已归档',
    currentState: '当前状态',
    noTransitions: '此状态没有后续转换',
    needsCapability: '需要能力',
    requires: '需填写',
    note: '备注',
    confirm: '确认转换',
    cancel: '取消',
    cycleSaveFirst: '保存周期后即可计算得分',
    cycleDraft: '草稿',
    cyclePublished: '已发布:得分已冻结并已反馈',
    cycleComputedAt: '计算于',
    cycleRun: '计算得分',
    cycleRunAgain: '重新计算',
    cyclePublish: '发布',
    cyclePublishConfirm: '发布后得分将冻结,各部门负责人和团队负责人会收到评分卡,低于阈值的维度会生成改进措施。确定发布吗?',
    cycleRunDone: '已计算 {n} 个部门与团队的草稿得分。',
    cyclePublishDone: '已发布:通知 {n} 位负责人,提出 {a} 项改进措施。',
    cycleReload: '刷新页面',
    cycleScope: '部门 / 团队',
    cycleNoScores: '没有你可查看的得分',
    ownedBy: '负责部门',
    yourDepartmentLacks: '你的部门没有此能力',
    alsoSaving: '表单中其他未保存的修改会先一起保存:',
    noteHint: '写入事项历史,接手的同事可以看到',
    errorCode: '错误代码',
    takeTransition: '执行转换',
    stagedChanges: '含尚未保存的成员变更',
    activationWillFail: '保存时会被拒绝:团队设为“运行中”前,每个部门都要达到最少人数。请补充成员,或先保持“组建中”。',
    removalWillFail: '保存时会被拒绝:这些变更会让运行中的团队低于组建要求。',
    addMembersHint: '在下方“成员”中添加各部门代表,组成情况会随之更新。',
    matrixTitle: '权限矩阵',
    matrixIntro: '每一格表示一个部门是否具备一项能力。流程转换和数据权限都按此判断,修改立即生效。',
    matrixReadOnly: '由管理员维护;这里可以看到每个部门具备哪些能力。',
    capability: '能力',
    holds: '项',
    grant: '授予',
    revoke: '收回',
    addCapability: '添加能力标识',
    add: '添加',
    configure: '流程与规则配置',
    configureHint: '这些配置集合不在员工的导航中显示。',
    joinsThisTeam: '保存团队时加入正在编辑的这个团队',
    notACaseField: '不是客户事项的字段,请取消勾选',
    c360Purchases: '购买记录',
    c360Service: '服务记录',
    c360OpenCases: '处理中的事项',
    c360ClosedCases: '已关闭的事项',
    c360Projects: '项目',
    c360Satisfaction: '满意度',
    c360NoAccess: '你没有查看这部分的权限',
    c360None: '暂无',
    c360Responses: '份答卷',
    c360Mean: '平均分',
    c360Satisfied: '满意(4–5 分)',
    c360SaveFirst: '保存客户后显示其全貌',
    c360More: '仅显示最近的记录',
    c360Entries: '笔',
    pickerTitle: '选择人员',
    pickerName: '姓名',
    pickerEmail: '邮箱',
    pickerSearch: '搜索姓名、部门或邮箱',
    pickerNone: '没有符合条件的人员',
    pickerChoose: '选择人员',
    pickerClear: '清除',
  },
  'en-US': {
    department: 'Department',
    members: 'Members',
    minimum: 'Minimum',
    recommended: 'Recommended',
    gap: 'Gap',
    ok: 'OK',
    canActivate: 'Meets the composition rules: the team can be activated',
    cannotActivate: 'Below the composition rules: the team cannot be activated yet',
    saveFirst: 'Save the team to see its composition',
    loading: 'Loading…',
    noTeams: 'No teams visible to you',
    chooseCapability: 'Choose or type a capability key',
    heldBy: 'Held by',
    invalidKey: 'Use a lower-case dotted key such as complaint.handle',
    stateOnCreate: 'A new case starts in its workflow’s initial state',
    status_forming: 'Forming',
    status_active: 'Active',
    status_archived: 'Archived',
    currentState: 'Current state',
    noTransitions: 'No transition leaves this state',
    needsCapability: 'Needs capability',
    requires: 'Requires',
    note: 'Note',
    confirm: 'Take transition',
    cancel: 'Cancel',
    cycleSaveFirst: 'Save the cycle to compute its scores',
    cycleDraft: 'Draft',
    cyclePublished: 'Published: scores frozen and fed back',
    cycleComputedAt: 'computed',
    cycleRun: 'Compute scores',
    cycleRunAgain: 'Compute again',
    cyclePublish: 'Publish',
    cyclePublishConfirm: 'Publishing freezes the scores, sends each department head and team lead their scorecard and proposes improvement actions under the threshold. Publish now?',
    cycleRunDone: 'Draft scores computed for {n} departments and teams.',
    cyclePublishDone: 'Published: {n} managers notified, {a} improvement actions proposed.',
    cycleReload: 'Reload the page',
    cycleScope: 'Department / team',
    cycleNoScores: 'No scores you may see',
    ownedBy: 'Owned by',
    yourDepartmentLacks: 'your department does not hold it',
    alsoSaving: 'Your other unsaved changes in this form are saved first:',
    noteHint: 'Goes into the case history, for whoever takes it over',
    errorCode: 'Error code',
    takeTransition: 'Take transition',
    stagedChanges: 'includes member changes not saved yet',
    activationWillFail: 'Saving will be refused: every department needs its minimum before the team can be active. Add members, or keep it forming for now.',
    removalWillFail: 'Saving will be refused: these changes take an active team below the composition rules.',
    addMembersHint: 'Add department representatives under Members below; the composition follows.',
    matrixTitle: 'Authority matrix',
    matrixIntro: 'Each cell says whether a department holds a capability. Workflow transitions and data rights follow it, at once.',
    matrixReadOnly: 'Kept by administrators; shows which department holds what.',
    capability: 'Capability',
    holds: 'held',
    grant: 'Grant',
    revoke: 'Revoke',
    addCapability: 'Add a capability key',
    add: 'Add',
    configure: 'Workflows and rules',
    configureHint: 'These configuration collections are not in staff navigation.',
    joinsThisTeam: 'Joins the team you are editing when you save it',
    notACaseField: 'is not a field of customer cases; untick it',
    c360Purchases: 'Purchases',
    c360Service: 'Service records',
    c360OpenCases: 'Open cases',
    c360ClosedCases: 'Closed cases',
    c360Projects: 'Projects',
    c360Satisfaction: 'Satisfaction',
    c360NoAccess: 'You may not see this part',
    c360None: 'None yet',
    c360Responses: 'responses',
    c360Mean: 'mean',
    c360Satisfied: 'satisfied (4–5)',
    c360SaveFirst: 'Save the customer to see the whole picture',
    c360More: 'Most recent only',
    c360Entries: 'entries',
    pickerTitle: 'Choose a person',
    pickerName: 'Name',
    pickerEmail: 'Email',
    pickerSearch: 'Search name, department or email',
    pickerNone: 'No one matches',
    pickerChoose: 'Choose a person',
    pickerClear: 'Clear',
  },
} as const;

export type StringKey = keyof (typeof STRINGS)['en-US'];

export function currentLanguage(): 'zh-CN' | 'en-US' {
  const lang = typeof document === 'undefined' ? '' : document.documentElement.lang;
  return lang.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US';
}

export function t(key: StringKey): string {
  return STRINGS[currentLanguage()][key];
}

/** Picks the text in the user's language from a `{ 'zh-CN', 'en-US' }` pair. */
export function inLanguage(text: { 'zh-CN': string; 'en-US': string }): string {
  return text[currentLanguage()];
}

/** Picks the label in the user's language from a row carrying name_zh / name_en. */
export function localName(row: { name_zh: string; name_en: string | null }): string {
  return currentLanguage() === 'zh-CN' ? row.name_zh : (row.name_en ?? row.name_zh);
}

/** A cycle's name in the user's language: derived from its period unless somebody typed one (i18n-periods.ts). */
export function cycleName(cycle: { name?: string | null; period_kind?: string | null; starts_on?: string | null }): string {
  return cycleNameIn(cycle, currentLanguage());
}

/** A month on a chart's axis in the user's language. */
export function monthLabel(month: string): string {
  return monthAxisLabel(month, currentLanguage());
}

/** A Studio display template in the user's language (`name_zh` → `name_en` in English). */
export function localTemplate(template: string | null | undefined): string | null | undefined {
  return templateIn(template, currentLanguage());
}
