/**
 * Translation strings referenced from the schema as `$t:key` (choice labels, notes, folder notes).
 * Applied to directus_translations by host/apply-presentation.ts.
 */
export const TRANSLATION_STRINGS: Record<string, { 'zh-CN': string; 'en-US': string }> = {
  'cc.folder.organisation': { 'zh-CN': '部门、协同团队与职责权限矩阵', 'en-US': 'Departments, cross-department teams and the duty/authority matrix' },
  'cc.note.departments': { 'zh-CN': '公司的职能部门;代码一经使用请勿修改', 'en-US': 'The company’s functional departments; keep codes stable once used' },
  'cc.note.department_code': { 'zh-CN': '稳定的英文小写代码,如 sales', 'en-US': 'Stable lower-case code such as sales' },
  'cc.note.department_head': { 'zh-CN': '部门负责人可维护本部门职责', 'en-US': 'The head may edit the department’s duties' },
  'cc.note.user_department': { 'zh-CN': '此人所属的部门,决定其权限与统计口径', 'en-US': 'The person’s department; decides rights and which figures they count towards' },
  'cc.note.teams': { 'zh-CN': '由各部门代表组成的跨部门客户协同团队(表1)', 'en-US': 'Cross-department customer teams of department representatives (Table 1)' },
  'cc.note.team_status': { 'zh-CN': '各部门人数达到组建规则最低要求后才能启用', 'en-US': 'A team can be activated only when every department meets its minimum' },
  'cc.note.team_composition': { 'zh-CN': '按组建规则核对各部门代表人数', 'en-US': 'Each department’s representatives against the composition rules' },
  'cc.note.member_until': { 'zh-CN': '离开当天起不再计为成员;留空表示仍在团队', 'en-US': 'No longer counted from this day; empty while still a member' },
  'cc.note.composition_rules': { 'zh-CN': '表1:协同团队中各部门的代表人数', 'en-US': 'Table 1: representatives per department in a team' },
  'cc.note.duties': { 'zh-CN': '表2:各部门职责', 'en-US': 'Table 2: duties of each department' },
  'cc.note.authorities': { 'zh-CN': '表2:各部门权限;能力标识决定系统允许的操作,修改即时生效', 'en-US': 'Table 2: authorities; capability keys decide what the system allows, effective at once' },
  'cc.note.capability': { 'zh-CN': '如 complaint.handle;流程转换与权限依此判断', 'en-US': 'e.g. complaint.handle; transitions and rights are checked against it' },
  'cc.team_status.forming': { 'zh-CN': '组建中', 'en-US': 'Forming' },
  'cc.team_status.active': { 'zh-CN': '运行中', 'en-US': 'Active' },
  'cc.team_status.archived': { 'zh-CN': '已归档', 'en-US': 'Archived' },
  'cc.member_role.lead': { 'zh-CN': '负责人', 'en-US': 'Lead' },
  'cc.member_role.representative': { 'zh-CN': '部门代表', 'en-US': 'Representative' },
  'cc.member_role.backup': { 'zh-CN': '后备', 'en-US': 'Backup' },
  'cc.bookmark.active_teams': { 'zh-CN': '运行中的团队', 'en-US': 'Active teams' },
  'cc.bookmark.forming_teams': { 'zh-CN': '组建中的团队', 'en-US': 'Teams being formed' },
};
