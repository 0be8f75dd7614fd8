import type { Knex } from 'knex';
import { fromDbTime, toDbTime } from '../directus/time.ts';

/**
 * When a case is due, as the SLA escalation judges it (sla-escalation.ts): the response is due
 * `response_sla_hours` after it entered its current state, the resolution `resolution_sla_hours`
 * (its workflow's) after it was opened, until it is resolved. A terminal state owes neither.
 * Stored on the case (`response_due_at`, `resolution_due_at`) so queues can show, sort and filter
 * by them; written with every state change, and refreshed for open cases by the SLA schedule, so
 * an SLA edited in Studio reaches open cases within one run.
 */

const HOUR = 3_600_000;

export interface DueInput {
  openedAt: Date | null;
  stateEnteredAt: Date | null;
  resolvedAt: Date | null;
  isTerminal: boolean;
  responseSlaHours: number | null;
  resolutionSlaHours: number | null;
}

export interface DueTimes {
  response_due_at: Date | null;
  resolution_due_at: Date | null;
}

export function dueTimes(input: DueInput): DueTimes {
  if (input.isTerminal) return { response_due_at: null, resolution_due_at: null };
  const response = positive(input.responseSlaHours);
  const resolution = positive(input.resolutionSlaHours);
  return {
    response_due_at: response !== null && input.stateEnteredAt ? new Date(input.stateEnteredAt.getTime() + response * HOUR) : null,
    resolution_due_at: resolution !== null && input.openedAt && !input.resolvedAt ? new Date(input.openedAt.getTime() + resolution * HOUR) : null,
  };
}

function positive(hours: number | null): number | null {
  const value = hours === null ? NaN : Number(hours);
  return Number.isFinite(value) && value > 0 ? value : null;
}

/** How a due time stands now: overdue, due within `soonHours`, or with time to spare. */
export type DueStanding = 'overdue' | 'soon' | 'ok';

export function dueStanding(due: Date, now: Date, soonHours = 4): { standing: DueStanding; minutesLeft: number } {
  const minutesLeft = Math.round((due.getTime() - now.getTime()) / 60_000);
  return { standing: minutesLeft < 0 ? 'overdue' : minutesLeft <= soonHours * 60 ? 'soon' : 'ok', minutesLeft };
}

/** "3 天 4 小时" / "3 d 4 h": a span of minutes as people read it, to the minute under an hour. */
export function spanText(minutes: number, language: 'zh-CN' | 'en-US'): string {
  const total = Math.abs(minutes);
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const mins = total % 60;
  const zh = language === 'zh-CN';
  if (days > 0) return zh ? `${days} 天${hours > 0 ? ` ${hours} 小时` : ''}` : `${days} d${hours > 0 ? ` ${hours} h` : ''}`;
  if (hours > 0) return zh ? `${hours} 小时${mins > 0 ? ` ${mins} 分` : ''}` : `${hours} h${mins > 0 ? ` ${mins} min` : ''}`;
  return zh ? `${mins} 分钟` : `${mins} min`;
}

/**
 * Writes the due times of the given cases (all open cases when `caseIds` is omitted, plus any
 * closed case still carrying one) from the live workflow definitions; only changed rows are written.
 */
export async function refreshDueTimes(db: Knex, caseIds?: readonly number[]): Promise<number> {
  const query = db('cc_cases as c')
    .join('cc_workflow_states as s', 's.id', 'c.state')
    .join('cc_workflows as w', 'w.id', 'c.workflow')
    .select(
      'c.id', 'c.opened_at', 'c.state_entered_at', 'c.resolved_at', 'c.response_due_at', 'c.resolution_due_at',
      's.is_terminal', 's.response_sla_hours', 'w.resolution_sla_hours',
    );
  if (caseIds !== undefined) {
    if (caseIds.length === 0) return 0;
    query.whereIn('c.id', [...caseIds]);
  } else {
    query.where((open) => open.where('s.is_terminal', false).orWhereNotNull('c.response_due_at').orWhereNotNull('c.resolution_due_at'));
  }
  const rows: Array<Record<string, unknown>> = await query;
  let written = 0;
  for (const row of rows) {
    const due = dueTimes({
      openedAt: fromDbTime(row['opened_at']),
      stateEnteredAt: fromDbTime(row['state_entered_at']),
      resolvedAt: fromDbTime(row['resolved_at']),
      isTerminal: row['is_terminal'] === true || Number(row['is_terminal']) === 1,
      responseSlaHours: row['response_sla_hours'] === null ? null : Number(row['response_sla_hours']),
      resolutionSlaHours: row['resolution_sla_hours'] === null ? null : Number(row['resolution_sla_hours']),
    });
    const same = (stored: unknown, value: Date | null) => (fromDbTime(stored)?.getTime() ?? null) === (value?.getTime() ?? null);
    if (same(row['response_due_at'], due.response_due_at) && same(row['resolution_due_at'], due.resolution_due_at)) continue;
    await db('cc_cases')
      .where('id', row['id'] as number)
      .update({
        response_due_at: due.response_due_at ? toDbTime(db, due.response_due_at) : null,
        resolution_due_at: due.resolution_due_at ? toDbTime(db, due.resolution_due_at) : null,
      });
    written += 1;
  }
  return written;
}
