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
