
/**
 * Bookmarks of the service desk's and HR's day (issue 18), applied with the other presets by
 * host/apply-presentation.ts. Fixed ids from 900201, apart from the other groups.
 */
export const DESK_BOOKMARKS = {
  awaitingFollowUp: 900201,
  overdueTasks: 900202,
  cycles: 900203,
  actions: 900204,
  myActions: 900205,
  people: 900206,
  teamMembers: 900207,
} as const;

/** A Directus preset as the presentation step writes it (same shape as its PRESETS). */
export interface DeskPreset {
  id: number;
  bookmark: string | null;
  collection: string;
  layout: string;
  layout_query: Record<string, unknown>;
  filter?: Record<string, unknown> | null;
  icon?: string;
  color?: string | null;
}

export const DESK_PRESETS: DeskPreset[] = [
  {
    // 待回访: resolved, not yet closed, in a state the reader's department owns (the follow-up call).
    id: DESK_BOOKMARKS.awaitingFollowUp,
    bookmark: '$t:cc.bookmark.awaiting_follow_up',
    collection: 'cc_cases',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['id', 'title', 'state', 'response_due_at', 'resolved_at', 'customer'], sort: ['response_due_at'] } },
    filter: { _and: [{ state: { owner_department: { _eq: '$CURRENT_USER.cc_department' } } }, { state: { is_terminal: { _eq: false } } }, { resolved_at: { _nnull: true } }] },
    icon: 'phone_callback',
    color: '#F2994A',
  },
  {
    id: DESK_BOOKMARKS.overdueTasks,
    bookmark: '$t:cc.bookmark.overdue_tasks',
    collection: 'cc_tasks',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['title', 'status', 'assignee', 'project', 'due_at'], sort: ['due_at'] } },
    filter: { _and: [{ assignee: { _eq: '$CURRENT_USER' } }, { status: { _neq: 'done' } }, { due_at: { _lt: '$NOW' } }] },
    icon: 'assignment_late',
    color: '#EB5757',
  },
  {
    // Cycles by their period, newest first, with their status in sight.
    id: DESK_BOOKMARKS.cycles,
    bookmark: null,
    collection: 'cc_evaluation_cycles',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['starts_on', 'name', 'period_kind', 'status', 'computed_at', 'published_at'], sort: ['-starts_on'] } },
  },
  {
    id: DESK_BOOKMARKS.actions,
    bookmark: null,
    collection: 'cc_improvement_actions',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['title', 'status', 'owner', 'due_on', 'department', 'team', 'dimension', 'cycle'], sort: ['due_on'] } },
  },
  {
    // 我的改进措施: what the reader owns and has not finished.
    id: DESK_BOOKMARKS.myActions,
    bookmark: '$t:cc.bookmark.my_actions',
    collection: 'cc_improvement_actions',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['title', 'status', 'due_on', 'department', 'team', 'dimension', 'score_before'], sort: ['due_on'] } },
    filter: { _and: [{ owner: { _eq: '$CURRENT_USER' } }, { status: { _in: ['proposed', 'in_progress'] } }] },
    icon: 'trending_up',
    color: '#27AE60',
  },
  {
    // People (and the user picker, which lists them with this layout): name, department, title. No
    // filter: this default view is every user's, a host project's people without a department
    // included; the team-member picker leaves system users out by its own field filter.
    id: DESK_BOOKMARKS.people,
    bookmark: null,
    collection: 'directus_users',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['last_name', 'first_name', 'cc_department', 'title', 'email'], sort: ['cc_department', 'last_name'] } },
  },
  {
    id: DESK_BOOKMARKS.teamMembers,
    bookmark: null,
    collection: 'cc_team_members',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['team', 'user', 'user.cc_department', 'role_in_team', 'since', 'until'], sort: ['team'] } },
  },
];
