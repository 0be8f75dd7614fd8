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

/** Picks the label in the user's language from a row carrying name_zh / name_en. */
export function localName(row: { name_zh: string; name_en: string | null }): string {
  return currentLanguage() === 'zh-CN' ? row.name_zh : (row.name_en ?? row.name_zh);
}
