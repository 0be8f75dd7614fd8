import { ROLE_IDS } from '../access/model.ts';
import type { DemoPlan, DemoWorld, Row, TablePlan } from './plan.ts';
import { Random } from './random.ts';
import * as words from './vocabulary.ts';

/**
 * The demo company's history, generated deterministically from a seed: customers and what they
 * bought, service contacts, projects and tasks, money, notices, goals, meetings, trainings, and
 * cases that moved through the workflows over the last two quarters — every case event a legal
 * transition taken by someone whose department holds its capability.
 */

export interface GeneratorOptions {
  seed: number;
  /** 1 = the demo company of the brief; N = N times as many customers, cases, staff. */
  scale: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How far back the generated history reaches. */
export const HISTORY_DAYS = 182;

type Workflow = DemoWorld['workflows'][number];
type State = Workflow['states'][number];
type Transition = Workflow['transitions'][number];

export function generateDemoCompany(world: DemoWorld, options: GeneratorOptions): DemoPlan {
  const rng = new Random(options.seed);
  const scale = Math.max(1, Math.floor(options.scale));
  const now = world.now.getTime();
  const start = now - HISTORY_DAYS * DAY;
  const tables = new Map<string, TablePlan>();
  const table = (name: string, refs: Record<string, string> = {}): TablePlan => {
    let plan = tables.get(name);
    if (!plan) {
      plan = { table: name, rows: [], refs };
      tables.set(name, plan);
    }
    return plan;
  };
  const add = (plan: TablePlan, row: Row): number => {
    const id = plan.rows.length + 1;
    plan.rows.push({ id, ...row });
    return id;
  };
  const at = (ms: number) => new Date(Math.round(ms / 60_000) * 60_000);
  const day = (ms: number) => new Date(Math.floor(ms / DAY) * DAY);
  const personName = () => `${rng.pick(words.SURNAMES)}${rng.pick(words.GIVEN_NAMES)}`;

  // Staff: the seeded people, plus (scale - 1) times as many generated colleagues who join teams.
  const staff: Record<string, string[]> = Object.fromEntries(world.departments.map((d) => [d, [...(world.staff[d] ?? [])]]));
  const departmentOf = new Map<string, string>();
  for (const [department, users] of Object.entries(staff)) for (const user of users) departmentOf.set(user, department);
  const teamMembers = new Map(world.teams.map((t) => [t.id, [...t.members]]));
  if (scale > 1) {
    const users = table('directus_users');
    const members = table('cc_team_members');
    const seededCount = Object.values(world.staff).reduce((n, list) => n + list.length, 0);
    for (let i = 0; i < seededCount * (scale - 1); i += 1) {
      const department = rng.pick(world.departments);
      const id = uuidFrom(rng);
      const surname = rng.pick(words.SURNAMES);
      users.rows.push({
        id, first_name: rng.pick(words.GIVEN_NAMES), last_name: surname, email: `staff.${i + 1}@generated.example.com`,
        status: 'active', role: ROLE_IDS.department(department), cc_department: department, language: 'zh-CN', provider: 'default',
      });
      staff[department]!.push(id);
      departmentOf.set(id, department);
      const team = rng.pick(world.teams);
      add(members, { team: team.id, user: id, role_in_team: 'backup', since: day(start - 30 * DAY), until: null });
      teamMembers.get(team.id)!.push(id);
    }
  }
  const everyone = [...departmentOf.keys()];
  // Departments differ as real ones do: how quickly they pick up a handoff, how punctual and how
  // loaded their people are, how often they come to meetings. Evaluations then tell them apart.
  const profileOf = new Map(
    world.departments.map((d) => [d, { responsive: 0.58 + rng.next() * 0.36, punctual: 0.62 + rng.next() * 0.3, load: 0.55 + rng.next() * 0.45, attendance: 0.7 + rng.next() * 0.27 }]),
  );
  const profile = (user: string) => profileOf.get(departmentOf.get(user) ?? '') ?? { responsive: 0.75, punctual: 0.75, load: 0.75, attendance: 0.85 };
  const teamsOf = new Map<string, number>();
  for (const members of teamMembers.values()) for (const user of new Set(members)) teamsOf.set(user, (teamsOf.get(user) ?? 0) + 1);
  const holders = (capability: string) => world.departments.filter((d) => (world.capabilities[d] ?? []).includes(capability));

  // Products.
  const products = table('cc_products');
  const productIds: number[] = [];
  const productCount = words.PRODUCT_LINES.length * Math.ceil(Math.sqrt(scale));
  for (let i = 0; i < productCount; i += 1) {
    const [name, category] = words.PRODUCT_LINES[i % words.PRODUCT_LINES.length]!;
    const generation = Math.floor(i / words.PRODUCT_LINES.length);
    productIds.push(
      add(products, {
        name: generation === 0 ? name : `${name} V${generation + 1}`,
        code: `P-${String(i + 1).padStart(4, '0')}`,
        category,
        list_price: rng.int(20, 500) * 1000,
        parameters: [
          { key: '部署方式', value: rng.pick(['私有云', '公有云', '本地部署']) },
          { key: '质保期', value: `${rng.int(1, 3)}年` },
          { key: '最大并发', value: `${rng.int(1, 20) * 100}` },
        ],
        features: [...new Set([rng.pick(words.FEATURES), rng.pick(words.FEATURES), rng.pick(words.FEATURES)])],
        description: `${name}:面向${rng.pick(words.INDUSTRIES)}客户的${category}产品。`,
      }),
    );
  }

  // Customers, each served by a team, with purchases and service records.
  const customers = table('cc_customers');
  const purchases = table('cc_purchases', { customer: 'cc_customers', product: 'cc_products' });
  const serviceRecords = table('cc_service_records', { customer: 'cc_customers' });
  const transactions = table('cc_transactions');
  const customerTeams: Array<{ id: number; team: number }> = [];
  for (let i = 0; i < 50 * scale; i += 1) {
    const team = rng.pick(world.teams);
    const name = `${rng.pick(words.COMPANY_PREFIXES)}${rng.pick(words.COMPANY_CORES)}${rng.pick(words.COMPANY_SUFFIXES)}${i >= 400 ? ` ${i}` : ''}`;
    const contact = personName();
    const id = add(customers, {
      name, tier: rng.weighted([['strategic', 1], ['key', 3], ['standard', 6]] as const), industry: rng.pick(words.INDUSTRIES), region: rng.pick(words.REGIONS),
      contact_name: contact, contact_phone: `1${rng.int(30, 89)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`, contact_email: `contact${i + 1}@customer.example.com`,
      address: `${rng.pick(words.REGIONS)}区${rng.int(1, 999)}号`, team: team.id, notes: null,
    });
    customerTeams.push({ id, team: team.id });
    for (let p = rng.int(1, 5); p > 0; p -= 1) {
      const when = start - rng.int(0, 365) * DAY + rng.int(0, HISTORY_DAYS) * DAY;
      const amount = rng.int(5, 300) * 1000;
      add(purchases, { customer: id, product: rng.pick(productIds), quantity: rng.int(1, 20), amount, purchased_on: day(when), contract_no: `HT${new Date(when).getUTCFullYear()}-${String(purchases.rows.length + 1).padStart(5, '0')}` });
      if (when >= start) add(transactions, { kind: 'income', amount, category: '销售收入', occurred_on: day(when), department: 'sales', project: null, note: `${name} 合同回款` });
    }
    for (let s = rng.int(2, 8); s > 0; s -= 1) {
      const actor = rng.pick(teamMembers.get(team.id)!);
      add(serviceRecords, {
        customer: id, channel: rng.pick(['phone', 'email', 'visit', 'online', 'meeting']), summary: rng.pick(words.SERVICE_SUMMARIES),
        details: null, occurred_at: at(start + rng.next() * (now - start)), department: departmentOf.get(actor) ?? null, staff: actor,
      });
    }
  }

  // Projects and their tasks.
  const projects = table('cc_projects', { customer: 'cc_customers' });
  const tasks = table('cc_tasks', { project: 'cc_projects', meeting: 'cc_meetings' });
  const addTask = (project: number | null, meeting: number | null, team: number, title: string, dueAt: number) => {
    const assignee = rng.pick(teamMembers.get(team)!);
    addTaskFor(assignee, project, meeting, title, dueAt, rng.int(4, 40));
  };
  const addTaskFor = (assignee: string, project: number | null, meeting: number | null, title: string, dueAt: number, estimate: number) => {
    let done: number | null = null;
    if (dueAt <= now ? rng.chance(0.88) : rng.chance(0.3)) {
      done = rng.chance(profile(assignee).punctual) ? dueAt - rng.next() * 72 * HOUR : dueAt + (1 + rng.next() * 119) * HOUR;
      done = Math.min(done, now - HOUR);
    }
    add(tasks, {
      project, meeting, title, assignee, department: departmentOf.get(assignee) ?? null,
      status: done !== null ? 'done' : dueAt < now + 7 * DAY && rng.chance(0.6) ? 'doing' : 'todo',
      due_at: at(dueAt), done_at: done === null ? null : at(done), estimate_hours: estimate,
      logged_hours: Math.round(estimate * (done !== null ? 0.7 + rng.next() * 0.7 : rng.next() * 0.8) * 4) / 4, notes: null,
    });
  };
  for (let i = 0; i < 15 * scale; i += 1) {
    const customer = rng.pick(customerTeams);
    const startOn = start + rng.next() * (HISTORY_DAYS - 30) * DAY;
    const dueOn = startOn + rng.int(45, 150) * DAY;
    const status = dueOn < now ? rng.weighted([['done', 8], ['cancelled', 1]] as const) : rng.weighted([['active', 8], ['planning', 2]] as const);
    const project = add(projects, {
      name: `${rng.pick(words.COMPANY_PREFIXES)}${rng.pick(['实施', '升级', '集成', '试点', '推广'])}项目 ${i + 1}`, customer: customer.id, team: customer.team,
      status, progress: status === 'done' ? 100 : status === 'planning' ? 0 : Math.min(95, Math.round(((now - startOn) / (dueOn - startOn)) * 100)),
      start_on: day(startOn), due_on: day(dueOn), description: null,
    });
    for (let t = rng.int(4, 10); t > 0; t -= 1) {
      addTask(project, null, customer.team, rng.pick(['需求调研', '方案设计', '开发实现', '测试验收', '上线部署', '用户培训', '回访总结']), startOn + rng.next() * (dueOn - startOn));
    }
  }

  // Day-to-day work: each person books about their department's load of a 40-hour week — shared
  // between their teams as tasks on each team's standing project, or as department work when they
  // are on no team.
  const weeks: number[] = [];
  for (let week = start - ((new Date(start).getUTCDay() + 6) % 7) * DAY; week + 7 * DAY <= now; week += 7 * DAY) weeks.push(week);
  const bookWeek = (user: string, week: number, project: number | null, share: number) => {
    let hours = 40 * profile(user).load * (0.8 + rng.next() * 0.4) * share;
    while (hours >= 4) {
      const estimate = Math.min(hours, rng.int(6, 16));
      hours -= estimate;
      // Due on a working day of that week, at 18:00 company time (10:00 UTC).
      addTaskFor(user, project, null, rng.pick(words.ROUTINE_TASKS), week + rng.int(0, 4) * DAY + 10 * HOUR, Math.round(estimate));
    }
  };
  for (const team of world.teams) {
    const standing = add(projects, {
      name: `日常协同工作 · 团队 ${team.id}`, customer: null, team: team.id, status: 'active', progress: 50,
      start_on: day(start), due_on: day(now + 180 * DAY), description: '团队成员的日常跨部门协同任务',
    });
    for (const week of weeks) for (const user of new Set(teamMembers.get(team.id)!)) bookWeek(user, week, standing, 1 / (teamsOf.get(user) ?? 1));
  }
  for (const user of everyone.filter((u) => !teamsOf.has(u))) for (const week of weeks) bookWeek(user, week, null, 1);

  // Meetings every two weeks per team; half of them produce an action item.
  const meetings = table('cc_meetings');
  const meetingParticipants = table('cc_meeting_participants', { meeting: 'cc_meetings' });
  for (const team of world.teams) {
    for (let t = start + rng.int(0, 13) * DAY; t < now; t += 14 * DAY) {
      const meeting = add(meetings, {
        team: team.id, title: `协同例会 ${new Date(t).toISOString().slice(0, 10)}`, starts_at: at(Math.floor(t / DAY) * DAY + 2 * HOUR), duration_minutes: 60,
        agenda: '1. 重点客户进展\n2. 跨部门待办\n3. 风险与求助', minutes: '各部门同步进展,明确下一步行动项。',
      });
      for (const user of teamMembers.get(team.id)!) add(meetingParticipants, { meeting, user, attended: rng.chance(profile(user).attendance) });
      if (rng.chance(0.5)) addTask(null, meeting, team.id, `会议行动项:${rng.pick(words.SERVICE_SUMMARIES)}`, t + rng.int(3, 14) * DAY);
    }
  }

  // Trainings organised by HR.
  const trainings = table('cc_trainings');
  const trainingParticipants = table('cc_training_participants', { training: 'cc_trainings' });
  const organisers = staff['hr']?.length ? staff['hr'] : everyone;
  for (let i = 0; i < 8 * scale; i += 1) {
    const training = add(trainings, {
      title: rng.pick(words.TRAINING_TOPICS), starts_at: at(Math.floor((start + rng.next() * (now - start)) / DAY) * DAY + 6 * HOUR),
      hours: rng.int(2, 8), organiser: rng.pick(organisers), description: null,
    });
    const invited = new Set<string>();
    for (let n = rng.int(6, 12); n > 0; n -= 1) invited.add(rng.pick(everyone));
    for (const user of invited) add(trainingParticipants, { training, user, attended: rng.chance(0.8) });
  }

  // Budgets per department and quarter; monthly expenses around them.
  const budgets = table('cc_budgets');
  for (const department of world.departments) {
    for (const quarter of quartersBetween(start, now)) {
      const amount = rng.int(20, 80) * 10_000 * scale;
      add(budgets, { department, project: null, period_start: new Date(quarter.start), period_end: new Date(quarter.end), amount, note: null });
      for (let month = 0; month < 3; month += 1) {
        const monthStart = quarter.start + month * 30 * DAY;
        if (monthStart > now) break;
        let left = (amount / 3) * (0.7 + rng.next() * 0.6);
        while (left > 1000) {
          const spend = Math.min(left, rng.int(5, 60) * 1000 * Math.sqrt(scale));
          left -= spend;
          add(transactions, { kind: 'expense', amount: Math.round(spend), category: rng.pick(words.EXPENSE_CATEGORIES), occurred_on: day(Math.min(now, monthStart + rng.next() * 29 * DAY)), department, project: null, note: null });
        }
      }
    }
  }

  // Notices to departments or teams.
  const notices = table('cc_notices');
  const noticeDepartments = table('cc_notices_departments', { notice: 'cc_notices' });
  const noticeTeams = table('cc_notices_teams', { notice: 'cc_notices' });
  for (const [title, level] of words.NOTICE_TITLES) {
    const published = start + rng.next() * (now - start);
    const notice = add(notices, { title, level, body: `${title}。请相关同事知悉并按要求执行。`, published_at: at(published), expires_at: at(published + 30 * DAY), author: rng.pick(organisers) });
    if (rng.chance(0.3)) add(noticeTeams, { notice, team: rng.pick(world.teams).id });
    else for (const department of new Set([rng.pick(world.departments), rng.pick(world.departments)])) add(noticeDepartments, { notice, department });
  }

  // Goals: company objectives, team goals aligned to them, key results.
  const objectives = table('cc_objectives');
  const teamGoals = table('cc_team_goals', { objective: 'cc_objectives' });
  const keyResults = table('cc_key_results', { goal: 'cc_team_goals' });
  const objectiveIds = [
    ['客户满意度达到 90%', '满意客户占比'],
    ['投诉平均解决时长缩短 30%', '投诉平均解决时长(小时)'],
    ['需求交付周期缩短至 30 天', '需求平均交付天数'],
  ].map(([title, metric]) => ({ id: add(objectives, { title: title!, period: String(new Date(now).getUTCFullYear()), description: null, owner: rng.pick(everyone) }), metric: metric! }));
  for (const team of world.teams) {
    for (const objective of [objectiveIds[0]!, rng.pick(objectiveIds.slice(1))]) {
      const goal = add(teamGoals, { objective: objective.id, team: team.id, title: `团队目标:${objective.metric}` });
      add(keyResults, { goal, metric: objective.metric, target: 90, current: rng.int(60, 95), unit: objective.metric.includes('占比') ? '%' : '' });
      add(keyResults, { goal, metric: '按期完成任务占比', target: 85, current: rng.int(55, 95), unit: '%' });
    }
  }

  // Cases walked through their workflows.
  const cases = table('cc_cases', { customer: 'cc_customers' });
  const events = table('cc_case_events', { case: 'cc_cases' });
  const surveys = table('cc_surveys', { case: 'cc_cases' });
  const responses = table('cc_survey_responses', { survey: 'cc_surveys' });
  const workflowByType = new Map(world.workflows.map((w) => [w.case_type, w]));
  const types = ([['complaint', 4], ['requirement', 3], ['inquiry', 3]] as const).filter(([type]) => workflowByType.has(type));
  for (let i = 0; i < 300 * scale; i += 1) {
    const workflow = workflowByType.get(rng.weighted(types))!;
    const customer = rng.pick(customerTeams);
    const walk = walkCase(rng, workflow, {
      opened: start + rng.next() * (now - start - 2 * HOUR),
      now,
      team: teamMembers.get(customer.team)!,
      staff,
      departmentOf,
      holders,
      responsive: (department) => profileOf.get(department)?.responsive ?? 0.75,
    });
    const topic = rng.pick(workflow.case_type === 'complaint' ? words.COMPLAINT_TOPICS : workflow.case_type === 'requirement' ? words.REQUIREMENT_TOPICS : words.INQUIRY_TOPICS);
    const caseId = add(cases, {
      title: topic, priority: rng.weighted([['low', 2], ['normal', 5], ['high', 2], ['urgent', 1]] as const), workflow: workflow.id,
      state: walk.state.id, customer: customer.id, team: customer.team, reporter: walk.reporter,
      description: `客户反馈:${topic}。`, resolution_note: walk.needsResolutionNote ? `已处理:${topic}` : null, reopened_count: walk.reopened,
      opened_at: at(walk.opened), state_entered_at: at(walk.stateEnteredAt), resolved_at: walk.resolvedAt === null ? null : at(walk.resolvedAt),
      closed_at: walk.closedAt === null ? null : at(walk.closedAt),
    });
    for (const event of walk.events) add(events, { case: caseId, ...event, occurred_at: at(event.occurred_at) });
    if (walk.resolvedAt !== null && rng.chance(0.65)) {
      const sentAt = walk.resolvedAt + HOUR;
      const askNps = rng.chance(0.5);
      const survey = add(surveys, { kind: 'csat', title: `满意度回访 #${caseId}`, case: caseId, team: customer.team, ask_nps: askNps, sent_at: at(sentAt), expires_at: at(sentAt + 14 * DAY) });
      const respondedAt = sentAt + rng.int(1, 72) * HOUR;
      if (respondedAt < now && rng.chance(0.8)) {
        const withinSla = walk.resolvedAt - walk.opened <= workflow.resolution_sla_hours * HOUR;
        const csat = rng.weighted(withinSla ? ([[5, 45], [4, 35], [3, 12], [2, 5], [1, 3]] as const) : ([[5, 15], [4, 30], [3, 25], [2, 18], [1, 12]] as const));
        add(responses, {
          survey, csat, nps: askNps ? Math.min(10, Math.max(0, csat * 2 - rng.int(0, 2))) : null, pulse: null,
          comment: csat >= 4 ? '处理及时,满意。' : csat <= 2 ? '响应太慢,问题反复。' : null, respondent: null,
          department: walk.resolvedBy, responded_at: at(respondedAt),
        });
      }
    }
  }

  // Monthly pulse surveys inside each team.
  for (const team of world.teams) {
    for (let t = start; t < now; t += 30 * DAY) {
      const survey = add(surveys, { kind: 'pulse', title: `团队脉搏 ${new Date(t).toISOString().slice(0, 7)}`, case: null, team: team.id, ask_nps: false, sent_at: at(t + 2 * DAY), expires_at: null });
      for (const user of teamMembers.get(team.id)!) {
        const respondedAt = t + 2 * DAY + rng.next() * 5 * DAY;
        if (respondedAt >= now || !rng.chance(0.7)) continue;
        add(responses, {
          survey, csat: null, nps: null, pulse: rng.weighted([[5, 25], [4, 40], [3, 25], [2, 7], [1, 3]] as const), comment: null,
          respondent: user, department: departmentOf.get(user) ?? null, responded_at: at(respondedAt),
        });
      }
    }
  }

  return { tables: [...tables.values()].filter((t) => t.rows.length > 0) };
}

interface WalkContext {
  opened: number;
  now: number;
  team: string[];
  staff: Record<string, string[]>;
  departmentOf: Map<string, string>;
  holders: (capability: string) => string[];
  /** How often a department picks up a case within the state's response SLA (default 3 in 4). */
  responsive?: (department: string) => number;
}

export interface CaseWalk {
  opened: number;
  reporter: string;
  state: State;
  stateEnteredAt: number;
  resolvedAt: number | null;
  resolvedBy: string | null;
  closedAt: number | null;
  reopened: number;
  needsResolutionNote: boolean;
  events: Array<{ from_state: number | null; to_state: number; transition: number | null; actor: string; actor_department: string; occurred_at: number; is_handoff: boolean; note: string | null }>;
}

/**
 * One case's life: opened in the workflow's initial state, then legal transitions, each by someone
 * whose department holds the transition's capability (a team member where possible), after a
 * response time that meets the state's SLA about three times in four.
 */
export function walkCase(rng: Random, workflow: Workflow, ctx: WalkContext): CaseWalk {
  const states = new Map(workflow.states.map((s) => [s.id, s]));
  let state = workflow.states.find((s) => s.is_initial) ?? workflow.states[0]!;
  const reporter = rng.chance(0.5) ? pickActor(rng, [state.owner_department], ctx) ?? rng.pick(ctx.team) : rng.pick(ctx.team);
  const reporterDepartment = ctx.departmentOf.get(reporter) ?? state.owner_department;
  const walk: CaseWalk = {
    opened: ctx.opened, reporter, state, stateEnteredAt: ctx.opened, resolvedAt: null, resolvedBy: null, closedAt: null, reopened: 0, needsResolutionNote: false,
    // Opening is not a transition, so never a handoff, whoever records the case.
    events: [{ from_state: null, to_state: state.id, transition: null, actor: reporter, actor_department: reporterDepartment, occurred_at: ctx.opened, is_handoff: false, note: '登记事项' }],
  };
  let t = ctx.opened;
  for (let step = 0; step < 14; step += 1) {
    const outgoing = workflow.transitions.filter((tr) => tr.from_state === state.id && ctx.holders(tr.capability).length > 0);
    if (outgoing.length === 0) break;
    const weighted = outgoing.map((tr): [Transition, number] => [tr, tr.is_reopen ? (walk.reopened < 2 ? 0.12 : 0) : isBackward(tr, workflow) ? 0.08 : 1]);
    if (state.is_terminal) {
      // A closed case mostly stays closed.
      if (!rng.chance(0.05) || walk.reopened >= 2) break;
    }
    const usable = weighted.filter(([, w]) => w > 0);
    if (usable.length === 0) break;
    const transition = rng.weighted(usable);
    const sla = Math.max(state.response_sla_hours, 1);
    const delayHours = rng.chance(ctx.responsive?.(state.owner_department) ?? 0.75) ? sla * (0.05 + rng.next() * 0.9) : sla * (1.05 + rng.next() * 2.5);
    const when = t + Math.max(delayHours * HOUR, 60_000);
    if (when >= ctx.now) break;
    const actor = pickActor(rng, ordered(ctx.holders(transition.capability), state.owner_department), ctx);
    if (!actor) break;
    const target = states.get(transition.to_state)!;
    walk.events.push({
      from_state: state.id, to_state: target.id, transition: transition.id, actor, actor_department: ctx.departmentOf.get(actor)!, occurred_at: when,
      is_handoff: target.owner_department !== state.owner_department, note: null,
    });
    if (transition.required_fields.includes('resolution_note')) walk.needsResolutionNote = true;
    if (transition.is_reopen) {
      walk.reopened += 1;
      walk.resolvedAt = null;
      walk.resolvedBy = null;
      walk.closedAt = null;
    }
    if (transition.is_resolution) {
      walk.resolvedAt = when;
      walk.resolvedBy = ctx.departmentOf.get(actor) ?? null;
    }
    if (target.is_terminal) walk.closedAt = when;
    state = target;
    t = when;
    walk.state = state;
    walk.stateEnteredAt = when;
  }
  return walk;
}

function isBackward(transition: Transition, workflow: Workflow): boolean {
  const order = new Map(workflow.states.map((s, index) => [s.id, index]));
  return (order.get(transition.to_state) ?? 0) < (order.get(transition.from_state) ?? 0);
}

/** Departments to try, the owning department first. */
function ordered(departments: string[], owner: string): string[] {
  return departments.includes(owner) ? [owner, ...departments.filter((d) => d !== owner)] : departments;
}

/** A team member of the first listed department that has one, else anyone of those departments. */
function pickActor(rng: Random, departments: string[], ctx: WalkContext): string | null {
  for (const department of departments) {
    const inTeam = ctx.team.filter((user) => ctx.departmentOf.get(user) === department);
    if (inTeam.length > 0) return rng.pick(inTeam);
  }
  const anyone = departments.flatMap((d) => ctx.staff[d] ?? []);
  return anyone.length > 0 ? rng.pick(anyone) : null;
}

function quartersBetween(from: number, to: number): Array<{ start: number; end: number }> {
  const result: Array<{ start: number; end: number }> = [];
  const first = new Date(from);
  let year = first.getUTCFullYear();
  let quarter = Math.floor(first.getUTCMonth() / 3);
  for (;;) {
    const start = Date.UTC(year, quarter * 3, 1);
    if (start > to) break;
    const end = Date.UTC(year, quarter * 3 + 3, 1);
    result.push({ start, end });
    quarter += 1;
    if (quarter === 4) {
      quarter = 0;
      year += 1;
    }
  }
  return result;
}

function uuidFrom(rng: Random): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rng.next() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
