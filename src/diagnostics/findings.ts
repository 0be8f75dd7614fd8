import type { Language } from '../i18n/language.ts';
import type { Bottleneck } from './bottlenecks.ts';
import type { PingPong } from './ping-pong.ts';

/**
 * Plain, explained statements of what the diagnostics found, in the caller's language: one per
 * bottleneck with hours over its SLA, one per ping-pong case. Impact is in the dimension's own
 * units (excess hours, bounces); evidence names the cases behind it (already limited to those the
 * viewer may read).
 */
export type FindingKind =
  | 'bottleneck'
  | 'ping_pong'
  | 'anomaly'
  | 'late_tasks'
  | 'reopens'
  | 'csat_by_handoffs'
  | 'csat_by_product'
  | 'csat_by_path'
  | 'over_capacity'
  | 'under_capacity'
  | 'attendance'
  | 'pulse_trend';

export type FindingDimension = 'communication' | 'execution' | 'satisfaction' | 'utilisation' | 'cohesion';

export type ImpactUnit = 'hours' | 'bounces' | 'points' | 'tasks' | 'reopens' | 'csat_points' | 'meetings';

export interface Finding {
  kind: FindingKind;
  dimension: FindingDimension;
  title: string;
  detail: string;
  impact: { value: number; unit: ImpactUnit };
  /** The ids behind it: always the cases (possibly none), and the tasks and people where they are the evidence. */
  evidence: { cases: number[]; tasks?: number[]; people?: string[] };
}

export interface Names {
  departments: Map<string, { name_zh: string; name_en: string | null }>;
  states: Map<number, { name_zh: string; name_en: string | null }>;
  projects?: Map<number, string>;
  people?: Map<string, string>;
  products?: Map<number, string>;
}

const hoursText = (n: number) => (Math.round(n * 10) / 10).toString();
const percent = (share: number) => `${Math.round(share * 100)}%`;

export function describeFindings(bottlenecks: readonly Bottleneck[], pingPong: readonly PingPong[], names: Names, language: Language): Finding[] {
  const zh = language === 'zh-CN';
  const department = (code: string | null) => {
    if (code === null) return zh ? '(未知部门)' : '(unknown department)';
    const n = names.departments.get(code);
    return n ? (zh ? n.name_zh : n.name_en ?? n.name_zh) : code;
  };
  const state = (id: number) => {
    const n = names.states.get(id);
    return n ? (zh ? n.name_zh : n.name_en ?? n.name_zh) : `#${id}`;
  };
  const findings: Finding[] = [];
  for (const b of bottlenecks) {
    if (b.excess_hours <= 0) continue;
    const pair = `${department(b.from_department)}→${department(b.to_department)}`;
    const median = b.median_response_hours === null ? '—' : hoursText(b.median_response_hours);
    const p90 = b.p90_response_hours === null ? '—' : hoursText(b.p90_response_hours);
    const within = b.within_sla_share === null ? '—' : percent(b.within_sla_share);
    findings.push({
      kind: 'bottleneck',
      dimension: 'communication',
      title: zh ? `${pair} 交接超时 ${hoursText(b.excess_hours)} 小时` : `${pair} handoffs ran ${hoursText(b.excess_hours)} h over their SLA`,
      detail: zh
        ? `${b.handoffs} 次交接进入「${state(b.to_state)}」,响应中位数 ${median} 小时,P90 ${p90} 小时,时限内 ${within};涉及 ${b.cases.length} 个事项。`
        : `${b.handoffs} handoffs into "${state(b.to_state)}": median response ${median} h, p90 ${p90} h, ${within} within SLA; ${b.cases.length} cases.`,
      impact: { value: b.excess_hours, unit: 'hours' },
      evidence: { cases: [...b.cases] },
    });
  }
  for (const p of pingPong) {
    const path = p.departments.map(department).join('→');
    findings.push({
      kind: 'ping_pong',
      dimension: 'communication',
      title: zh ? `事项 #${p.case} 来回转交 ${p.bounces} 次` : `Case #${p.case} bounced ${p.bounces} ${p.bounces === 1 ? 'time' : 'times'}`,
      detail: zh ? `交接路径:${path}。同一方向的交接重复出现,说明责任归属不清。` : `Handoff path: ${path}. The same handoff repeated, a sign that ownership is unclear.`,
      impact: { value: p.bounces, unit: 'bounces' },
      evidence: { cases: [p.case] },
    });
  }
  return findings;
}
