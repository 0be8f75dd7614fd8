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
  /** The states' names, and their response SLA (a bottleneck's title is told against it). */
  states: Map<number, { name_zh: string; name_en: string | null; response_sla_hours?: number | null }>;
  projects?: Map<number, string>;
  people?: Map<string, string>;
  products?: Map<number, string>;
}

const hoursText = (n: number) => (Math.round(n * 10) / 10).toString();
const percent = (share: number) => `${Math.round(share * 100)}%`;

/**
 * A bottleneck's title says how late the typical handoff was answered, in hours a head can picture:
 * the median response time less the state's SLA ("销售部→客服部 交接超时 41 小时": half the handoffs
 * waited 41 h or more past their limit). The total excess (metrics.md `excess_hours`, the finding's
 * impact and rank) sums every late hour of every handoff and grows with the volume ("10342.3 小时"
 * for a month of a busy pair): it stays in the detail. When the median handoff was on time and only
 * some ran over, the title says what share of the handoffs went over the SLA instead.
 */
export function bottleneckTitle(pair: string, b: Pick<Bottleneck, 'median_response_hours' | 'within_sla_share'>, sla: number | null, zh: boolean): string {
  const median = b.median_response_hours;
  if (sla !== null && sla > 0 && median !== null && median > sla) {
    return zh ? `${pair} 交接超时 ${hoursText(median - sla)} 小时` : `${pair} handoffs answered ${hoursText(median - sla)} h past their SLA (median)`;
  }
  const over = b.within_sla_share === null ? '—' : percent(1 - b.within_sla_share);
  if (sla !== null && sla > 0) return zh ? `${pair} ${over} 的交接超过 ${hoursText(sla)} 小时时限` : `${pair}: ${over} of handoffs over the ${hoursText(sla)} h SLA`;
  return zh ? `${pair} ${over} 的交接超时` : `${pair}: ${over} of handoffs over their SLA`;
}

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
    const sla = names.states.get(b.to_state)?.response_sla_hours ?? null;
    findings.push({
      kind: 'bottleneck',
      dimension: 'communication',
      title: bottleneckTitle(pair, b, sla, zh),
      detail: zh
        ? `${b.handoffs} 次交接进入「${state(b.to_state)}」${sla ? `(时限 ${hoursText(sla)} 小时)` : ''},响应中位数 ${median} 小时,P90 ${p90} 小时,时限内 ${within},合计超时 ${hoursText(b.excess_hours)} 小时;涉及 ${b.cases.length} 个事项。`
        : `${b.handoffs} handoffs into "${state(b.to_state)}"${sla ? ` (SLA ${hoursText(sla)} h)` : ''}: median response ${median} h, p90 ${p90} h, ${within} within SLA, ${hoursText(b.excess_hours)} h over it in all; ${b.cases.length} cases.`,
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
