import type { Localized } from './i18n/language.ts';
import { defineRefusal, listOf, quoted } from './i18n/refusals.ts';
import type { CompositionLine } from './organisation/composition.ts';

/**
 * Every refusal Concord makes, with a stable code. Each says, in Chinese and in English, what
 * happened and what to do; extensions carry the machine-readable details (which department,
 * which capability). A new code is one `defineRefusal` here with both languages — the unit test
 * "every refusal speaks both languages" fails for a code that has not.
 */

export const CompositionBelowMinimumError = defineRefusal<{ team: string; gaps: CompositionLine[]; from?: string }>('COMPOSITION_BELOW_MINIMUM', 422, {
  'zh-CN': {
    title: '团队人数未达组建要求',
    message: ({ team, gaps, from }) =>
      from
        ? `团队${team ? `「${team}」` : ''}从 ${from} 起将低于组建要求:${gaps.map((g) => `${g.name_zh}届时有 ${g.members} 人,最少需要 ${g.minimum} 人`).join(';')}。请先安排接替的成员(加入日期不晚于 ${from}),或调整离开日期。`
        : `团队${team ? `「${team}」` : ''}还不能启用:${gaps.map((g) => `${g.name_zh}现有 ${g.members} 人,最少需要 ${g.minimum} 人`).join(';')}。请先从这些部门补充成员,或让团队保持“组建中”。`,
  },
  'en-US': {
    title: 'Team below the composition rules',
    message: ({ team, gaps, from }) =>
      from
        ? `Team${team ? ` "${team}"` : ''} would fall below the composition rules from ${from}: ${gaps.map((g) => `${g.name_en ?? g.name_zh} would have ${g.members} of the minimum ${g.minimum} representatives`).join('; ')}. Schedule a replacement who joins by ${from} first, or change the leaving date.`
        : `Team${team ? ` "${team}"` : ''} cannot be active: ${gaps.map((g) => `${g.name_en ?? g.name_zh} has ${g.members} of the minimum ${g.minimum} representatives`).join('; ')}. Add members from these departments first, or keep the team forming.`,
  },
});

export const InvalidCapabilityError = defineRefusal<{ capability: unknown }>('INVALID_CAPABILITY', 400, {
  'zh-CN': {
    title: '能力标识无效',
    message: ({ capability }) => `「${String(capability)}」不是有效的能力标识。请使用小写、用点分隔的标识,例如 complaint.handle。`,
  },
  'en-US': {
    title: 'Not a capability key',
    message: ({ capability }) => `"${String(capability)}" is not a capability key. Use lower-case dotted keys such as "complaint.handle".`,
  },
});

export const DuplicateCapabilityError = defineRefusal<{ department: string; capability: string }>('DUPLICATE_CAPABILITY', 409, {
  'zh-CN': {
    title: '部门已有此能力',
    message: ({ department, capability }, names) => `${names.department(department)}已经拥有「${names.capability(capability)}」(${capability}),不需要再添加一次。`,
  },
  'en-US': {
    title: 'Capability already held',
    message: ({ department, capability }, names) => `${names.department(department)} already holds "${names.capability(capability)}" (${capability}).`,
  },
});

export const DepartmentScopeError = defineRefusal<{ department: string | null; collection: string }>('DEPARTMENT_SCOPE', 403, {
  'zh-CN': {
    title: '不是你负责的部门',
    message: ({ department, collection }, names) =>
      `你只能为自己负责的部门修改「${names.collection(collection)}」;${department ? names.department(department) : '未指定部门的记录'}不归你负责。请联系该部门负责人或管理员。`,
  },
  'en-US': {
    title: 'Not your department',
    message: ({ department, collection }, names) =>
      `You can change ${names.collection(collection)} only for a department you head; ${department ? names.department(department) : 'a record without a department'} is not yours. Ask its head or an admin.`,
  },
});

export const TeamScopeError = defineRefusal<{ team: string }>('TEAM_SCOPE', 403, {
  'zh-CN': {
    title: '不是你负责的团队',
    message: ({ team }) => `只有团队负责人(或具备“组建协同团队”能力的部门)可以调整团队成员;团队 #${team} 不由你负责。`,
  },
  'en-US': {
    title: 'Not your team',
    message: ({ team }) => `You can change the members only of a team you lead (or with the team.build capability); team #${team} is not yours.`,
  },
});

export const InvalidPayloadError = defineRefusal<{ field: string; reason: Localized; collection?: string }>('INVALID_PAYLOAD', 400, {
  // Fields by their label as Studio shows them (维度权重, not weights); the key stays in extensions.field.
  'zh-CN': { title: '填写的内容无效', message: ({ field, reason, collection }, names) => `「${names.field(collection ?? '', field)}」的值无效:${reason['zh-CN']}。` },
  'en-US': { title: 'Invalid value', message: ({ field, reason, collection }, names) => `Invalid value for "${names.field(collection ?? '', field)}": ${reason['en-US']}.` },
});

export const NotFoundError = defineRefusal<{ collection: string; id: string }>('NOT_FOUND', 404, {
  'zh-CN': {
    title: '找不到记录',
    message: ({ collection, id }, names) => `没有编号为「${id}」的${names.collection(collection)}记录,或者你没有查看它的权限。`,
  },
  'en-US': {
    title: 'Not found',
    message: ({ collection, id }, names) => `No ${names.collection(collection)} item with id "${id}" exists, or you may not see it.`,
  },
});

export interface StateRef {
  id: number;
  key: string;
  name_zh: string;
  name_en?: string | null;
}

const stateName = (state: StateRef | null | undefined, zh: boolean): string =>
  state ? (zh ? state.name_zh : (state.name_en ?? state.name_zh ?? state.key)) : zh ? '(无)' : 'none';
const targetName = (to: unknown, zh: boolean): string =>
  typeof to === 'object' && to !== null ? stateName(to as StateRef, zh) : String(to);

export const IllegalTransitionError = defineRefusal<{ case: number; from: StateRef | null; to: StateRef | string | number; allowed: StateRef[] }>('ILLEGAL_TRANSITION', 422, {
  'zh-CN': {
    title: '流程不允许此转换',
    message: ({ case: caseId, from, to, allowed }) =>
      caseId === 0
        ? `新事项只能从流程的初始状态开始,不能直接设为「${targetName(to, true)}」;请留空状态,或选择「${listOf(allowed.map((s) => stateName(s, true)), 'zh-CN')}」。`
        : `事项 #${caseId} 不能从「${stateName(from, true)}」转到「${targetName(to, true)}」。` +
          (allowed.length > 0 ? `从这里可以转到:${listOf(allowed.map((s) => `「${stateName(s, true)}」`), 'zh-CN')}。` : '此状态没有后续转换。'),
  },
  'en-US': {
    title: 'Transition not in the workflow',
    message: ({ case: caseId, from, to, allowed }) =>
      caseId === 0
        ? `A new case starts in its workflow's initial state, not in "${targetName(to, false)}"; leave the state empty or choose ${listOf(allowed.map((s) => `"${stateName(s, false)}"`), 'en-US')}.`
        : `Case #${caseId} cannot move from "${stateName(from, false)}" to "${targetName(to, false)}" in its workflow. ` +
          (allowed.length > 0 ? `From here it can move to: ${listOf(allowed.map((s) => `"${stateName(s, false)}"`), 'en-US')}.` : 'No transition leaves this state.'),
  },
});

export const MissingCapabilityError = defineRefusal<{ case?: number; capability: string; department: string | null; action?: Localized }>('MISSING_CAPABILITY', 403, {
  'zh-CN': {
    title: '缺少所需的能力',
    message: ({ capability, department, action }, names) =>
      `${action?.['zh-CN'] ?? '此转换'}需要「${names.capability(capability)}」能力(${capability}),你所在的${department ? names.department(department) : '部门(未指定)'}没有这项能力。请交给具备此能力的部门处理,或请管理员调整权限矩阵。`,
  },
  'en-US': {
    title: 'Capability needed',
    message: ({ capability, department, action }, names) =>
      `${action?.['en-US'] ?? 'This transition'} needs the capability "${names.capability(capability)}" (${capability}), which your department (${department ? names.department(department) : 'none'}) does not hold. Ask a department that holds it, or an admin to change the authority matrix.`,
  },
});

export const MissingFieldsError = defineRefusal<{ case: number; fields: string[] }>('MISSING_FIELDS', 422, {
  'zh-CN': {
    title: '请先填写必填项',
    message: ({ fields }, names) => `执行此转换前请先填写:${listOf(fields.map((f) => quoted(names.field('cc_cases', f), 'zh-CN')), 'zh-CN')}。`,
  },
  'en-US': {
    title: 'Fields to fill in',
    message: ({ fields }, names) => `Fill in ${listOf(fields.map((f) => quoted(names.field('cc_cases', f), 'en-US')), 'en-US')} before taking this transition.`,
  },
});

export const TransitionConflictError = defineRefusal<{ case: number; expected: number; actual: number | null }>('TRANSITION_CONFLICT', 409, {
  'zh-CN': { title: '事项状态已变化', message: ({ case: caseId }) => `事项 #${caseId} 在你操作期间已被他人改变了状态;请刷新后查看当前状态再操作。` },
  'en-US': { title: 'Case changed meanwhile', message: ({ case: caseId }) => `Case #${caseId} changed state while you were acting on it; reload it and try again.` },
});

export const TransitionLeavesScopeError = defineRefusal<{ case: number; to: StateRef; owner: string }>('TRANSITION_LEAVES_SCOPE', 403, {
  'zh-CN': {
    title: '请用状态控件转交',
    message: ({ case: caseId, to, owner }, names) =>
      `把事项 #${caseId} 转到「${stateName(to, true)}」会交给${names.department(owner)}负责,之后你将不能再编辑它,所以普通保存无法完成这一步。请使用事项表单上的状态控件(或 POST /concord/cases/${caseId}/transitions)。`,
  },
  'en-US': {
    title: 'Hand over with the state control',
    message: ({ case: caseId, to, owner }, names) =>
      `Moving case #${caseId} to "${stateName(to, false)}" hands it to ${names.department(owner)}, after which you could no longer edit it, so a plain item update cannot make this change. Use the state control on the case form (or POST /concord/cases/${caseId}/transitions).`,
  },
});

export const MixedTransitionPayloadError = defineRefusal<{ fields: string[] }>('MIXED_TRANSITION_PAYLOAD', 400, {
  'zh-CN': {
    title: '状态转换请单独保存',
    message: ({ fields }, names) =>
      `改变状态时只能同时保存转换自带的字段(${listOf(['description', 'resolution_note'].map((f) => names.field('cc_cases', f)), 'zh-CN')});请把 ${listOf(fields.map((f) => quoted(names.field('cc_cases', f), 'zh-CN')), 'zh-CN')} 另行保存。`,
  },
  'en-US': {
    title: 'Save the state change on its own',
    message: ({ fields }, names) =>
      `A state change may only carry the transition's own fields (${listOf(['description', 'resolution_note'].map((f) => names.field('cc_cases', f)), 'en-US')}); save ${listOf(fields.map((f) => quoted(names.field('cc_cases', f), 'en-US')), 'en-US')} in a separate update.`,
  },
});

export const ManagedFieldError = defineRefusal<{ fields: string[] }>('MANAGED_FIELD', 400, {
  'zh-CN': {
    title: '字段由流程维护',
    message: ({ fields }, names) => `${listOf(fields.map((f) => quoted(names.field('cc_cases', f), 'zh-CN')), 'zh-CN')}由流程自动维护,不能直接填写。`,
  },
  'en-US': {
    title: 'Kept by the workflow',
    message: ({ fields }, names) =>
      `${listOf(fields.map((f) => quoted(names.field('cc_cases', f), 'en-US')), 'en-US')} ${fields.length === 1 ? 'is' : 'are'} kept by the workflow and cannot be written directly.`,
  },
});

const HISTORY_ACTIONS = { created: { zh: '新建', en: 'created' }, changed: { zh: '修改', en: 'changed' }, deleted: { zh: '删除', en: 'deleted' } } as const;

export const HistoryAppendOnlyError = defineRefusal<{ action: 'created' | 'changed' | 'deleted' }>('HISTORY_APPEND_ONLY', 403, {
  'zh-CN': {
    title: '历史记录只能追加',
    message: ({ action }) =>
      `事项历史只能追加,不能在这里${HISTORY_ACTIONS[action].zh}。Concord 在每次转换时自动写入历史;如需更正,请管理员通过 POST /concord/case-events/:id/repair 并写明原因。`,
  },
  'en-US': {
    title: 'History is append-only',
    message: ({ action }) =>
      `Case history is append-only: it cannot be ${HISTORY_ACTIONS[action].en} here. Concord writes it with each transition; an admin may repair it through POST /concord/case-events/:id/repair with a reason.`,
  },
});

export const AdminOnlyError = defineRefusal<{ action: Localized }>('ADMIN_ONLY', 403, {
  'zh-CN': { title: '仅限管理员', message: ({ action }) => `只有管理员可以${action['zh-CN']}。` },
  'en-US': { title: 'Administrators only', message: ({ action }) => `Only an administrator may ${action['en-US']}.` },
});

export const InvalidPeriodError = defineRefusal<{ field: string; reason: Localized }>('INVALID_PERIOD', 400, {
  'zh-CN': { title: '评估周期无效', message: ({ field, reason }, names) => `评估周期(${names.field('cc_evaluation_cycles', field)})无效:${reason['zh-CN']}。` },
  'en-US': { title: 'Invalid evaluation period', message: ({ field, reason }, names) => `Invalid evaluation period (${names.field('cc_evaluation_cycles', field)}): ${reason['en-US']}.` },
});

export const InvalidWeightsError = defineRefusal<{ reason: Localized }>('INVALID_WEIGHTS', 400, {
  'zh-CN': {
    title: '维度权重无效',
    message: ({ reason }) =>
      `维度权重无效:${reason['zh-CN']}。请为沟通效率、执行质量、客户满意度、资源利用率、凝聚力五个维度各给一个不小于 0 的数(不能全为 0),或留空表示等权。`,
  },
  'en-US': {
    title: 'Invalid weights',
    message: ({ reason }) =>
      `Invalid dimension weights: ${reason['en-US']}. Give a number of at least 0 for each of the five dimensions (communication, execution, satisfaction, utilisation, cohesion), not all 0 (or leave the weights empty for equal weights).`,
  },
});

export const DuplicateCycleError = defineRefusal<{ period_key: string; cycle: number | null }>('DUPLICATE_CYCLE', 409, {
  'zh-CN': {
    title: '该期间已有评估周期',
    message: ({ period_key, cycle }) => `${period_key} 已经有一个评估周期${cycle === null ? '' : `(#${cycle})`};请计算或修改那一个。`,
  },
  'en-US': {
    title: 'Cycle already exists',
    message: ({ period_key, cycle }) => `There is already an evaluation cycle for ${period_key}${cycle === null ? '' : ` (cycle ${cycle})`}; run or edit that one instead.`,
  },
});

export const CyclePublishedError = defineRefusal<{ cycle: number | null; action: Localized }>('CYCLE_PUBLISHED', 409, {
  'zh-CN': {
    title: '评估已发布',
    message: ({ cycle, action }) =>
      `评估周期${cycle === null ? '' : ` #${cycle} `}已发布,不能${action['zh-CN']}:它的得分已冻结并反馈给各部门。如需评估其他期间,请新建一个周期。`,
  },
  'en-US': {
    title: 'Evaluation published',
    message: ({ cycle, action }) =>
      `Evaluation cycle${cycle === null ? '' : ` ${cycle}`} is published, so it cannot ${action['en-US']}: its scores are frozen and were fed back to the departments. Create a new cycle for another period instead.`,
  },
});

export const CycleNotRunError = defineRefusal<{ cycle: number }>('CYCLE_NOT_RUN', 409, {
  'zh-CN': {
    title: '评估尚未计算',
    message: ({ cycle }) => `评估周期 #${cycle} 还没有可发布的得分;请先计算(POST /concord/evaluation/cycles/${cycle}/run)并审阅草稿。`,
  },
  'en-US': {
    title: 'Evaluation not run',
    message: ({ cycle }) => `Evaluation cycle ${cycle} has no current scores to publish; run it first (POST /concord/evaluation/cycles/${cycle}/run) and review the draft.`,
  },
});

export const CycleChangedError = defineRefusal<{ cycle: number }>('CYCLE_CHANGED', 409, {
  'zh-CN': { title: '评估周期已变化', message: ({ cycle }) => `评估周期 #${cycle} 在计算期间被修改了(期间、权重或目标);请重新计算。` },
  'en-US': { title: 'Cycle changed meanwhile', message: ({ cycle }) => `Evaluation cycle ${cycle} changed (period, weights or targets) while it was being computed; run it again.` },
});

export const ScoreFrozenError = defineRefusal<{ cycle: number | null }>('SCORE_FROZEN', 409, {
  'zh-CN': { title: '得分已冻结', message: ({ cycle }) => `这些得分属于已发布的评估周期 #${cycle ?? '?'},已经冻结,任何人都不能修改或删除。` },
  'en-US': { title: 'Scores are frozen', message: ({ cycle }) => `These scores belong to published evaluation cycle ${cycle ?? '?'} and are frozen; nobody can change or delete them.` },
});

export const ScoreManagedError = defineRefusal<{ action: 'created' | 'changed' | 'deleted' }>('SCORE_MANAGED', 403, {
  'zh-CN': {
    title: '得分由计算得出',
    message: ({ action }) =>
      `评估得分由系统计算,不能手工${HISTORY_ACTIONS[action].zh}:请修改周期的权重或相关业务记录,然后重新计算(POST /concord/evaluation/cycles/:id/run)。`,
  },
  'en-US': {
    title: 'Scores are computed',
    message: ({ action }) =>
      `Evaluation scores are computed, not ${HISTORY_ACTIONS[action].en} by hand: change the cycle's weights or the underlying records, then run the cycle again (POST /concord/evaluation/cycles/:id/run).`,
  },
});

export const InvalidSurveyLinkError = defineRefusal<Record<string, never>>('INVALID_SURVEY_LINK', 400, {
  'zh-CN': { title: '调查链接无效', message: () => '此链接无效。请使用邮件中的完整链接,或联系我们获取新的链接。' },
  'en-US': { title: 'Invalid survey link', message: () => 'This survey link is not valid. Use the link exactly as it was sent to you, or ask the company for a new one.' },
});

export const SurveyLinkExpiredError = defineRefusal<{ expired_at: string }>('SURVEY_LINK_EXPIRED', 410, {
  'zh-CN': { title: '调查链接已过期', message: ({ expired_at }) => `此链接已于 ${expired_at} 过期。如仍想评价,请联系我们获取新的链接。` },
  'en-US': { title: 'Survey link expired', message: ({ expired_at }) => `This survey link expired on ${expired_at}. Ask the company for a new link if you still want to answer.` },
});

export const SurveyAnsweredError = defineRefusal<{ survey: number | null }>('SURVEY_ANSWERED', 409, {
  'zh-CN': {
    title: '调查已作答',
    message: ({ survey }) => `${survey === null ? '此调查' : `调查 #${survey} `}已经作答过了;每份调查只收一份答卷(团队脉搏调查为每人一份)。`,
  },
  'en-US': {
    title: 'Survey already answered',
    message: ({ survey }) => `${survey === null ? 'This survey' : `Survey ${survey}`} has already been answered; each survey takes one answer (one per person for a team pulse survey).`,
  },
});

export const NotTeamMemberError = defineRefusal<{ team: number | null }>('NOT_TEAM_MEMBER', 403, {
  'zh-CN': { title: '不是团队成员', message: ({ team }) => `只有团队 #${team ?? '?'} 的现任成员可以回答它的脉搏调查。` },
  'en-US': { title: 'Not a team member', message: ({ team }) => `Only current members of team ${team ?? '?'} answer its pulse survey.` },
});

/** One thing wrong with a workflow definition (see src/workflows/workflow-validation.ts). */
export type WorkflowProblem =
  | { kind: 'initial_states'; count: number }
  | { kind: 'no_terminal_state' }
  | { kind: 'state_of_other_workflow'; transition: string | null; state: string }
  | { kind: 'unknown_case_field'; field: string };

const workflowProblem = (problem: WorkflowProblem, zh: boolean): string => {
  switch (problem.kind) {
    case 'initial_states':
      if (problem.count === 0) return zh ? '没有初始状态(需要恰好一个)' : 'it has no initial state (it needs exactly one)';
      return zh ? `有 ${problem.count} 个初始状态(只能有一个)` : `it has ${problem.count} initial states (it needs exactly one)`;
    case 'no_terminal_state':
      return zh ? '没有终止状态(至少需要一个)' : 'it has no terminal state (it needs at least one)';
    case 'state_of_other_workflow':
      return zh
        ? `转换${problem.transition ? `「${problem.transition}」` : ''}用到的状态「${problem.state}」属于另一个流程`
        : `transition${problem.transition ? ` "${problem.transition}"` : ''} uses state "${problem.state}" of another workflow`;
    case 'unknown_case_field':
      return zh ? `必填字段「${problem.field}」不是客户事项的字段` : `required field "${problem.field}" is not a field of customer cases`;
  }
};

/** When the definition was found wrong: saving it, saving it while cases use it, or opening a case with it. */
type WorkflowCheck = 'saving' | 'in_use' | 'opening_case';

export const InvalidWorkflowError = defineRefusal<{ workflow: string; problems: WorkflowProblem[]; when: WorkflowCheck }>('INVALID_WORKFLOW', 422, {
  'zh-CN': {
    title: '流程定义有误',
    message: ({ workflow, problems, when }) =>
      `流程「${workflow}」的定义有误:${problems.map((p) => workflowProblem(p, true)).join(';')}。` +
      { saving: '请改正后再保存。', in_use: '已有事项在使用这个流程,请保持它完整。', opening_case: '请管理员完善这个流程后,再用它登记事项。' }[when],
  },
  'en-US': {
    title: 'Workflow definition is wrong',
    message: ({ workflow, problems, when }) =>
      `Workflow "${workflow}" is not valid: ${problems.map((p) => workflowProblem(p, false)).join('; ')}. ` +
      { saving: 'Correct it, then save.', in_use: 'Cases use this workflow, so it must stay complete.', opening_case: 'Ask an admin to complete it before cases are opened with it.' }[when],
  },
});

export const RestrictedQueryError = defineRefusal<{ collection: string; path: string; use: string }>('RESTRICTED_QUERY_FIELD', 403, {
  'zh-CN': {
    title: '不能按此字段查询',
    message: ({ collection, path, use }, names) =>
      `「${names.collection(collection)}」的「${path}」你只能在部分记录上查看,因此不能按它${use === 'sort' ? '排序' : use === 'filter' ? '筛选' : '汇总或分组'}:结果会泄露你看不到的值。请去掉该字段${use === 'filter' ? '' : ',或改为按它筛选(筛选只在你能查看该值的记录上生效)'}。`,
  },
  'en-US': {
    title: 'Cannot query by this field',
    message: ({ collection, path, use }, names) =>
      `You may read "${path}" of ${names.collection(collection)} only on some rows, so you cannot ${use} by it: the result would reveal values you may not see. Leave it out of the ${use}${use === 'filter' ? '' : ', or filter by it instead (a filter only matches where you may read the value)'}.`,
  },
});

const AGGREGATE_OPERATIONS: Record<string, { zh: string; en: string }> = {
  count: { zh: '计数', en: 'counted' },
  countDistinct: { zh: '去重计数', en: 'counted' },
  sum: { zh: '求和', en: 'summed' },
  sumDistinct: { zh: '求和', en: 'summed' },
  avg: { zh: '求平均', en: 'averaged' },
  avgDistinct: { zh: '求平均', en: 'averaged' },
  min: { zh: '取最小值', en: 'used for a minimum' },
  max: { zh: '取最大值', en: 'used for a maximum' },
};
const aggregateVerb = (use: string, operation: string | null, zh: boolean): string =>
  use === 'group' ? (zh ? '分组' : 'grouped by') : zh ? (AGGREGATE_OPERATIONS[operation ?? '']?.zh ?? '汇总') : (AGGREGATE_OPERATIONS[operation ?? '']?.en ?? 'aggregated');

export const UnsupportedAggregateError = defineRefusal<{
  collection: string;
  field: string;
  use: 'aggregate' | 'group';
  why: 'relation' | 'path' | 'type' | 'function';
  operation: string | null;
  type: string | null;
}>('UNSUPPORTED_AGGREGATE', 400, {
  'zh-CN': {
    title: '不能按此字段汇总或分组',
    message: ({ collection, field, use, why, operation, type }, names) => {
      const subject = `「${names.collection(collection)}」的「${field === '*' ? '*' : names.field(collection, field)}」不能${aggregateVerb(use, operation, true)}`;
      switch (why) {
        case 'relation':
          return `${subject}:它是关联记录的列表,不是本记录的值。请改为查询关联的集合,并按指向本集合的字段分组。`;
        case 'path':
          return `${subject}:汇总和分组不能跨越关联。请按本集合自己的字段(例如关联的编号)分组,或直接查询关联的集合。`;
        case 'function':
          return `${subject}:汇总只能用于本集合的字段本身,不能用于函数。请去掉函数,或改为按它分组。`;
        default:
          return `${subject}:${field === '*' ? '只有计数可以用 *' : `此类字段(${type ?? '未知'})不支持该运算`}。请改用计数,或选择数值或日期字段。`;
      }
    },
  },
  'en-US': {
    title: 'Cannot aggregate or group by this field',
    message: ({ collection, field, use, why, operation, type }, names) => {
      const subject = `"${field === '*' ? '*' : names.field(collection, field)}" of ${names.collection(collection)} cannot be ${aggregateVerb(use, operation, false)}`;
      switch (why) {
        case 'relation':
          return `${subject}: it lists related items rather than holding a value of the row. Query the related collection instead, grouped by its field that points here.`;
        case 'path':
          return `${subject}: aggregates and groups do not follow relations. Group by a field of the collection itself (such as the related item's key), or query the related collection.`;
        case 'function':
          return `${subject}: aggregates take a field of the collection itself, not a function. Leave the function out, or group by it instead.`;
        default:
          return `${subject}: ${field === '*' ? 'only count takes *' : `a ${type ?? 'field of this type'} field has no such aggregate`}. Count it instead, or choose a number or date field.`;
      }
    },
  },
});

export const InUseError = defineRefusal<{ collection: string; id: string; referenced_by: string; field: string; count: number; instead: Localized }>('IN_USE', 409, {
  'zh-CN': {
    title: '仍在使用,不能删除',
    message: ({ collection, id, referenced_by, field, count, instead }, names) =>
      `${names.collection(collection)} ${id} 不能删除:仍有 ${count} 条${names.collection(referenced_by)}记录引用它(${field})。${instead['zh-CN']}`,
  },
  'en-US': {
    title: 'Still in use',
    message: ({ collection, id, referenced_by, field, count, instead }, names) =>
      `${names.collection(collection)} ${id} cannot be deleted: ${count} ${names.collection(referenced_by)} item${count === 1 ? '' : 's'} still refer${count === 1 ? 's' : ''} to it (${field}). ${instead['en-US']}`,
  },
});

export const UpdateLeavesScopeError = defineRefusal<{ collection: string; id: string }>('UPDATE_LEAVES_SCOPE', 403, {
  'zh-CN': {
    title: '修改后将超出你的权限',
    message: ({ collection, id }, names) =>
      `这次修改之后你将无法再编辑${names.collection(collection)} ${id},因此没有执行。请分两步修改(把记录移出你负责范围的那一步放在最后),或请负责修改后范围的人来改。`,
  },
  'en-US': {
    title: 'Change would leave your scope',
    message: ({ collection, id }, names) =>
      `After this change you could no longer edit ${names.collection(collection)} ${id}, so it is not made. Make it in two steps (the part that moves the item out of your hands last), or ask someone whose scope covers the result.`,
  },
});

export const StateInUseError = defineRefusal<{ state: string; cases: number }>('STATE_IN_USE', 409, {
  'zh-CN': {
    title: '状态中仍有事项',
    message: ({ state, cases }) => `流程状态 ${state} 中还有 ${cases} 个事项,不能移到另一个流程。请先推进(或由管理员调整)这些事项,或在另一个流程中新建状态。`,
  },
  'en-US': {
    title: 'State still holds cases',
    message: ({ state, cases }) =>
      `Workflow state ${state} holds ${cases} case${cases === 1 ? '' : 's'} of its workflow, so it cannot move to another workflow. Move those cases on (or override them) first, or add a new state to the other workflow.`,
  },
});

/** `kind`: who wrote it (the default), a creation or update stamp, or the place in the manual order. */
export const WriterFieldError = defineRefusal<{ collection: string; field: string; kind?: 'writer' | 'stamp' | 'sort' | undefined }>('SET_BY_SERVER', 400, {
  'zh-CN': {
    title: '由系统填写的字段',
    message: ({ collection, field, kind }, names) =>
      kind === 'stamp'
        ? `「${names.field(collection, field)}」记录的是新建或修改的时间(或操作人),由系统在保存时自动填写;请不要提交它(不能填写,也不能改早或改晚)。`
        : kind === 'sort'
          ? `「${names.field(collection, field)}」是「${names.collection(collection)}」的排列顺序,由系统维护;请在列表中拖动调整顺序,不要直接填写。`
          : `「${names.field(collection, field)}」记录的是由谁填写,由系统按当前操作人自动填写;请不要提交它(不能填写他人,之后也不能修改)。`,
  },
  'en-US': {
    title: 'Set by the server',
    message: ({ collection, field, kind }, names) =>
      kind === 'stamp'
        ? `"${names.field(collection, field)}" of ${names.collection(collection)} records when (or by whom) the item was created or changed and is set by the server on every save; leave it out (it cannot be set or back-dated).`
        : kind === 'sort'
          ? `"${names.field(collection, field)}" is the place of the item in the manual order of ${names.collection(collection)}, kept by the server; reorder by dragging in the list (POST /utils/sort/${collection}) instead of writing it.`
          : `"${names.field(collection, field)}" of ${names.collection(collection)} records who wrote it and is set by the server from whoever writes; leave it out (it cannot name someone else, or be changed later).`,
  },
});

export const CreateOutOfScopeError = defineRefusal<{ collection: string }>('CREATE_OUT_OF_SCOPE', 403, {
  'zh-CN': {
    title: '超出你可新建的范围',
    message: ({ collection }, names) =>
      `你只能在自己也能编辑的范围内新建「${names.collection(collection)}」(团队负责人:自己负责的团队;公告受众:自己发布的公告);这条记录超出了该范围,没有创建。`,
  },
  'en-US': {
    title: 'Outside what you may create',
    message: ({ collection }, names) =>
      `You may add ${names.collection(collection)} items only where you could also edit them (a team lead: for their own teams; a notice's audience: for their own notices); this one would be outside that, so it was not created.`,
  },
});

export const SelfAppointmentError = defineRefusal<{ collection: string; field: string }>('SELF_APPOINTMENT', 403, {
  'zh-CN': {
    title: '不能任命自己',
    message: () => `你不能任命自己为团队负责人:负责人拥有管理者权限,须由人力资源部的其他同事或管理员任命。`,
  },
  'en-US': {
    title: 'Cannot appoint yourself',
    message: ({ collection, field }) =>
      `You cannot appoint yourself (${collection}.${field}): leading a team brings a manager's rights, so someone else appoints its lead — another member of HR or an administrator.`,
  },
});

/** Team names are unique (a unique key settles concurrent creates and renames, on every write path). */
export const DuplicateTeamNameError = defineRefusal<{ name: string }>('DUPLICATE_TEAM_NAME', 409, {
  'zh-CN': {
    title: '团队名称已被使用',
    message: ({ name }) => `已经有一个名为“${name}”的团队;请换一个名称(例如加上客户或地区),或打开那个团队继续维护。`,
  },
  'en-US': {
    title: 'Team name taken',
    message: ({ name }) => `There is already a team named "${name}": choose another name (add the customer or region, say), or open that team instead.`,
  },
});

/** Request bodies of the /concord routes (src/http/request-body.ts). */
export const BodyTooLargeError = defineRefusal<{ limit: number }>('BODY_TOO_LARGE', 413, {
  'zh-CN': { title: '请求内容太大', message: ({ limit }) => `请求内容超过了 ${Math.floor(limit / 1024)} KB 的上限,没有被处理。请只发送所需的字段。` },
  'en-US': { title: 'Request too large', message: ({ limit }) => `The request body is larger than the ${Math.floor(limit / 1024)} KB limit and was not processed. Send only the fields needed.` },
});

export const UnreadableBodyError = defineRefusal<{ reason: Localized }>('UNREADABLE_BODY', 400, {
  'zh-CN': { title: '无法读取请求内容', message: ({ reason }) => `无法读取请求内容:${reason['zh-CN']}。请检查后重新发送。` },
  'en-US': { title: 'Request body unreadable', message: ({ reason }) => `The server could not read the request body: ${reason['en-US']}. Check it and send it again.` },
});

export const UnsupportedBodyError = defineRefusal<{ reason: Localized }>('UNSUPPORTED_BODY', 415, {
  'zh-CN': { title: '不支持的请求格式', message: ({ reason }) => `不支持这种请求内容的格式:${reason['zh-CN']}。` },
  'en-US': { title: 'Unsupported request format', message: ({ reason }) => `This kind of request body is not accepted: ${reason['en-US']}.` },
});

export const NoContactEmailError = defineRefusal<{ survey: number }>('NO_CONTACT_EMAIL', 409, {
  'zh-CN': {
    title: '客户没有联系邮箱',
    message: ({ survey }) => `调查 #${survey} 的客户没有登记联系邮箱,链接无法发给客户。请先在客户资料中补充邮箱,或请具备“收集客户反馈”能力的同事转交链接。`,
  },
  'en-US': {
    title: 'No contact e-mail',
    message: ({ survey }) => `The customer of survey ${survey} has no contact e-mail on file, so the link cannot be sent to them. Add one to the customer first, or ask a colleague with the feedback.collect capability to hand out the link.`,
  },
});

/** An improvement action's scores, cycle, scope and dimension are what publication proposed it for. */
export const ActionManagedError = defineRefusal<{ fields: string[]; action: 'created' | 'changed' }>('ACTION_MANAGED', 403, {
  'zh-CN': {
    title: '改进措施由评估提出',
    message: ({ fields, action }, names) =>
      action === 'created'
        ? '改进措施由评估发布时按低于阈值的维度自动提出,不能手工新建;请在已提出的措施上填写内容、负责人和进度。'
        : `${listOf(fields.map((f) => quoted(names.field('cc_improvement_actions', f), 'zh-CN')), 'zh-CN')}由评估发布时确定(所属周期、部门或团队、维度、前后得分及诊断),不能修改;可以修改标题、说明、负责人、截止日期和状态。`,
  },
  'en-US': {
    title: 'Proposed by the evaluation',
    message: ({ fields, action }, names) =>
      action === 'created'
        ? 'Improvement actions are proposed by publishing an evaluation, one for each dimension under the threshold; they are not created by hand. Fill in the proposed ones: their description, owner and progress.'
        : `${listOf(fields.map((f) => quoted(names.field('cc_improvement_actions', f), 'en-US')), 'en-US')} ${fields.length === 1 ? 'is' : 'are'} set when the evaluation is published (the cycle, department or team, dimension, the scores before and after, and the diagnosis) and cannot be changed; the title, description, owner, due date and status can.`,
  },
});

/** Files that a browser could run as script or as a page are not taken (see src/files/active-content.ts). */
export const ActiveFileError = defineRefusal<{ filename: string; type: string; reason: 'type' | 'extension' | 'content' }>('ACTIVE_FILE_TYPE', 415, {
  'zh-CN': {
    title: '不接受此类文件',
    message: ({ filename, type, reason }) =>
      `不能上传「${filename}」(${type}):${reason === 'content' ? '这个 SVG 图片含有脚本或事件处理' : reason === 'extension' ? '这种扩展名的文件' : '这种类型的文件'}可能在浏览器中作为脚本或网页运行。请上传 PNG、JPEG、PDF、CSV 等文件,或把它打包成 ZIP。`,
  },
  'en-US': {
    title: 'File type not accepted',
    message: ({ filename, type, reason }) =>
      `"${filename}" (${type}) cannot be uploaded: ${reason === 'content' ? 'this SVG image carries script or event handlers, which' : reason === 'extension' ? 'a file with this extension' : 'a file of this type'} could run in a browser as a script or a page. Upload a PNG, JPEG, PDF, CSV or similar, or put it in a ZIP archive.`,
  },
});
