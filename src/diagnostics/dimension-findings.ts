import { DIMENSION_NAMES } from '../evaluation/improvement.ts';
import type { Language } from '../i18n/language.ts';
import type { Anomaly } from './anomalies.ts';
import type { Attendance, CsatGroup, LateTasks, MemberLoad, PulseTrend, Reopens } from './dimensions.ts';
import type { Finding, FindingDimension, FindingKind, Names } from './findings.ts';

/**
 * The per-dimension statistics of `dimensions.ts` (and the anomalous drops) as plain, explained
 * statements in the caller's language. Impact is in the dimension's own units: late tasks, reopens,
 * CSAT points (1–5) below the rest, hours over or under capacity, missed meetings, score points.
 */

export interface DimensionStats {
  late_tasks: readonly LateTasks[];
  reopens: readonly Reopens[];
  csat: readonly CsatGroup[];
  loads: readonly MemberLoad[];
  attendance: readonly Attendance[];
  pulse: PulseTrend | null;
  anomalies: readonly Anomaly[];
}

const one = (n: number) => (Math.round(n * 10) / 10).toString();
const two = (n: number) => n.toFixed(1);
const percent = (share: number) => `${Math.round(share * 100)}%`;

export function describeDimensionFindings(stats: DimensionStats, names: Names, language: Language): Finding[] {
  const zh = language === 'zh-CN';
  const pick = (n: { name_zh: string; name_en: string | null } | undefined, fallback: string) => (n ? (zh ? n.name_zh : n.name_en ?? n.name_zh) : fallback);
  const department = (code: string | null) => (code === null ? (zh ? '(未知部门)' : '(unknown department)') : pick(names.departments.get(code), code));
  const state = (id: number | null) => (id === null ? '—' : pick(names.states.get(id), `#${id}`));
  const project = (id: number | null) => (id === null ? (zh ? '(无项目)' : '(no project)') : names.projects?.get(id) ?? `#${id}`);
  const person = (id: string | null) => (id === null ? (zh ? '(未分配)' : '(unassigned)') : names.people?.get(id) ?? id);
  const product = (id: number) => names.products?.get(id) ?? `#${id}`;
  const dimension = (key: string) => {
    const n = DIMENSION_NAMES[key as keyof typeof DIMENSION_NAMES];
    return n ? (zh ? n.zh : n.en) : key;
  };
  const findings: Finding[] = [];

  for (const a of stats.anomalies) {
    if (a.deviation >= 0) continue;
    findings.push({
      kind: 'anomaly',
      dimension: a.dimension as FindingDimension,
      title: zh ? `${dimension(a.dimension)}得分 ${one(a.value)},低于以往中位 ${one(a.baseline)}` : `${dimension(a.dimension)} scored ${one(a.value)} against a usual ${one(a.baseline)}`,
      detail: zh
        ? `最近一个已发布周期的得分比此前周期的中位数低 ${one(a.baseline - a.value)} 分(偏离 ${one(a.deviation)} 个稳健标准差)。`
        : `The latest published cycle scored ${one(a.baseline - a.value)} points below the median of the cycles before it (${one(a.deviation)} robust deviations).`,
      impact: { value: a.baseline - a.value, unit: 'points' },
      evidence: { cases: [] },
    });
  }

  for (const t of stats.late_tasks) {
    findings.push({
      kind: 'late_tasks',
      dimension: 'execution',
      title: zh ? `${person(t.assignee)} 在「${project(t.project)}」有 ${t.late} 个任务逾期` : `${person(t.assignee)} has ${t.late} late ${t.late === 1 ? 'task' : 'tasks'} in "${project(t.project)}"`,
      detail: zh
        ? `本期到期 ${t.due} 个任务中 ${t.late} 个未按时完成,合计逾期 ${one(t.late_hours)} 小时。`
        : `${t.late} of ${t.due} tasks due in the period were not done on time, ${one(t.late_hours)} h late in all.`,
      impact: { value: t.late, unit: 'tasks' },
      evidence: { cases: [], tasks: [...t.tasks], people: t.assignee === null ? [] : [t.assignee] },
    });
  }

  for (const r of stats.reopens) {
    findings.push({
      kind: 'reopens',
      dimension: 'execution',
      title: zh ? `${department(r.department)}办结到「${state(r.state)}」的事项被重开 ${r.reopens} 次` : `Cases ${department(r.department)} resolved into "${state(r.state)}" were reopened ${r.reopens} ${r.reopens === 1 ? 'time' : 'times'}`,
      detail: zh
        ? `重开记在最近一次办结的部门名下;涉及 ${r.cases.length} 个事项。办结前的确认可能不充分。`
        : `Each reopen is charged to the department of the latest resolution before it; ${r.cases.length} cases. Resolutions may be confirmed too early.`,
      impact: { value: r.reopens, unit: 'reopens' },
      evidence: { cases: [...r.cases] },
    });
  }

  for (const g of stats.csat) {
    const label =
      g.by === 'handoffs'
        ? zh
          ? `转交 ${g.group === 3 ? '3 次及以上' : `${String(g.group)} 次`}的事项`
          : `Cases handed over ${g.group === 3 ? '3+ times' : `${String(g.group)} ${g.group === 1 ? 'time' : 'times'}`}`
        : g.by === 'product'
          ? zh
            ? `购买「${product(g.group as number)}」的客户的事项`
            : `Cases of customers of "${product(g.group as number)}"`
          : zh
            ? `经 ${(g.group as string[]).map(department).join('→')} 的事项`
            : `Cases routed ${(g.group as string[]).map(department).join('→')}`;
    findings.push({
      kind: g.by === 'handoffs' ? 'csat_by_handoffs' : g.by === 'product' ? 'csat_by_product' : 'csat_by_path',
      dimension: 'satisfaction',
      title: zh ? `${label}满意度 ${two(g.mean)},其余 ${two(g.others_mean)}` : `${label} score ${two(g.mean)} against ${two(g.others_mean)}`,
      detail: zh
        ? `${g.responses} 份满意度回复平均 ${two(g.mean)} 分,其余 ${g.others_responses} 份平均 ${two(g.others_mean)} 分,低 ${two(g.gap)} 分;涉及 ${g.cases.length} 个事项。`
        : `${g.responses} CSAT responses average ${two(g.mean)}, the other ${g.others_responses} average ${two(g.others_mean)}: ${two(g.gap)} points lower; ${g.cases.length} cases.`,
      impact: { value: g.gap, unit: 'csat_points' },
      evidence: { cases: [...g.cases] },
    });
  }

  for (const m of stats.loads) {
    const over = m.load === 'over';
    findings.push({
      kind: over ? 'over_capacity' : 'under_capacity',
      dimension: 'utilisation',
      title: over
        ? zh
          ? `${person(m.user)} 超负荷 ${one(m.excess_hours)} 小时`
          : `${person(m.user)} is ${one(m.excess_hours)} h over capacity`
        : zh
          ? `${person(m.user)} 工时不足,距目标差 ${one(m.excess_hours)} 小时`
          : `${person(m.user)} is ${one(m.excess_hours)} h under the target load`,
      detail: zh
        ? `本期到期的 ${m.tasks} 个任务登记 ${one(m.logged_hours)} 小时,可用工时 ${one(m.capacity_hours)} 小时,利用率 ${percent(m.utilisation)}。`
        : `${m.tasks} tasks due in the period logged ${one(m.logged_hours)} h against a capacity of ${one(m.capacity_hours)} h: ${percent(m.utilisation)} utilisation.`,
      impact: { value: m.excess_hours, unit: 'hours' },
      evidence: { cases: [], tasks: [...m.task_ids], people: [m.user] },
    });
  }

  for (const a of stats.attendance) {
    findings.push({
      kind: 'attendance',
      dimension: 'cohesion',
      title: zh ? `${person(a.user)} 缺席 ${a.missed} 次会议` : `${person(a.user)} missed ${a.missed} meetings`,
      detail: zh ? `受邀 ${a.invitations} 次,出席 ${a.attended} 次。` : `Invited ${a.invitations} times, attended ${a.attended}.`,
      impact: { value: a.missed, unit: 'meetings' },
      evidence: { cases: [], people: [a.user] },
    });
  }

  if (stats.pulse) {
    const p = stats.pulse;
    findings.push({
      kind: 'pulse_trend',
      dimension: 'cohesion',
      title: zh ? `团队脉搏下降 ${one(p.drop)} 分` : `Team pulse fell ${one(p.drop)} points`,
      detail: zh
        ? `本期 ${p.current.responses} 份脉搏回复得分 ${one(p.current.score)},上一期(${p.previous.starts_on} 起)${p.previous.responses} 份为 ${one(p.previous.score)}。回复匿名,不列个人。`
        : `${p.current.responses} pulse responses score ${one(p.current.score)} against ${one(p.previous.score)} from ${p.previous.responses} in the period before (from ${p.previous.starts_on}). Responses are anonymous; no one is named.`,
      impact: { value: p.drop, unit: 'points' },
      evidence: { cases: [] },
    });
  }
  return findings;
}

const DIMENSION_ORDER: readonly FindingDimension[] = ['communication', 'execution', 'satisfaction', 'utilisation', 'cohesion'];
const KIND_ORDER: readonly FindingKind[] = [
  'bottleneck',
  'ping_pong',
  'late_tasks',
  'reopens',
  'csat_by_handoffs',
  'csat_by_path',
  'csat_by_product',
  'over_capacity',
  'under_capacity',
  'pulse_trend',
  'attendance',
  'anomaly',
];

/**
 * Findings ranked: by dimension, then by kind (the direct causes first, the anomalous score that
 * only says something changed last), then by impact, largest first. Impacts of different kinds are
 * in different units and are never compared with each other.
 */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      DIMENSION_ORDER.indexOf(a.dimension) - DIMENSION_ORDER.indexOf(b.dimension) ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      b.impact.value - a.impact.value,
  );
}

/**
 * The one-line cause of a dimension's findings, for an improvement action's title and a scorecard:
 * the leading finding's title, and how many cases bounced when some did ("销售部→客服部 交接超时 41
 * 小时,12 个事项来回转交"). Null without findings.
 */
export function causeLine(findings: readonly Finding[], language: Language): string | null {
  const zh = language === 'zh-CN';
  const lead = findings.find((f) => f.kind !== 'ping_pong');
  const bounced = findings.filter((f) => f.kind === 'ping_pong').length;
  const parts: string[] = [];
  if (lead) parts.push(lead.title);
  if (bounced > 0) parts.push(zh ? `${bounced} 个事项来回转交` : `${bounced} ${bounced === 1 ? 'case' : 'cases'} bounced between departments`);
  return parts.length === 0 ? null : parts.join(zh ? ',' : '; ');
}
