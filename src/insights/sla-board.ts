import type { Knex } from 'knex';
import type { Item, ServiceContext } from '../directus/services.ts';
import { zoned } from '../evaluation/period.ts';
import type { EvaluationSettings } from '../evaluation/settings.ts';
import { count, num } from '../evaluation/sql.ts';
import type { InsightQuery } from './query.ts';

/**
 * The SLA and open-case board: the viewer's open cases by state (and so by owning department), how
 * many are past the state's response SLA, the oldest of them with a link each, and the SLA breaches
 * recorded in the period. Everything is read through Directus with the viewer's own permissions
 * (counts by its aggregate queries), so the board shows exactly the cases the viewer can open.
 */

export interface StateLine {
  state: number;
  name_zh: string;
  name_en: string | null;
  owner_department: string;
  response_sla_hours: number | null;
  open: number;
  overdue: number;
}

export interface OpenCase {
  id: number;
  title: string;
  priority: string | null;
  state: number;
  team: string | null;
  entered_at: string;
  age_hours: number;
  sla_hours: number | null;
  overdue: boolean;
}

export interface SlaBoard {
  period: InsightQuery['period'];
  states: StateLine[];
  oldest: OpenCase[];
  breaches: { response: number; resolution: number };
}

type Ctx = ServiceContext & { db: Knex; settings: EvaluationSettings };

const HOUR = 3_600_000;

export async function slaBoard(ctx: Ctx, query: InsightQuery, now: Date = new Date()): Promise<SlaBoard> {
  const items = (collection: string) => new ctx.services.ItemsService(collection, { schema: ctx.schema, accountability: ctx.accountability, knex: ctx.db });
  const scope: Record<string, unknown>[] =
    query.scope.kind === 'department' ? [{ state: { owner_department: { _eq: query.scope.key } } }] : query.scope.kind === 'team' ? [{ team: { _eq: query.scope.key } }] : [];
  const open = { _and: [{ state: { is_terminal: { _eq: false } } }, ...scope] };
  const states = await ctx.db('cc_workflow_states').select('id', 'name_zh', 'name_en', 'owner_department', 'response_sla_hours').where((q) => q.where('is_terminal', false).orWhereNull('is_terminal'));
  const withSla = states.filter((s: { response_sla_hours: unknown }) => (num(s.response_sla_hours) ?? 0) > 0);
  const overdueFilter = {
    _and: [
      ...open._and,
      { _or: withSla.map((s: { id: number; response_sla_hours: unknown }) => ({ _and: [{ state: { _eq: s.id } }, { state_entered_at: { _lte: new Date(now.getTime() - (num(s.response_sla_hours) as number) * HOUR).toISOString() } }] })) },
    ],
  };
  const cases = items('cc_cases');
  const [openByState, overdueByState, oldest] = await Promise.all([
    cases.readByQuery({ filter: open, aggregate: { countDistinct: ['id'] }, group: ['state'] }),
    withSla.length > 0 ? cases.readByQuery({ filter: overdueFilter, aggregate: { countDistinct: ['id'] }, group: ['state'] }) : Promise.resolve([] as Item[]),
    cases.readByQuery({ filter: open, fields: ['id', 'title', 'priority', 'state', 'state_entered_at', 'team.name'], sort: ['state_entered_at'], limit: 20 }),
  ]);
  const tally = (groups: Item[]) => new Map(groups.map((g) => [Number(g['state']), count((g['countDistinct'] as Item | undefined)?.['id'])]));
  const openCounts = tally(openByState);
  const overdueCounts = tally(overdueByState);
  const stateById = new Map(states.map((s: { id: number }) => [Number(s.id), s]));
  const lines: StateLine[] = [...openCounts.entries()].map(([id, n]) => {
    const s = stateById.get(id) as { name_zh: string; name_en: string | null; owner_department: string; response_sla_hours: unknown } | undefined;
    return {
      state: id,
      name_zh: s?.name_zh ?? String(id),
      name_en: s?.name_en ?? null,
      owner_department: s?.owner_department ?? '',
      response_sla_hours: num(s?.response_sla_hours),
      open: n,
      overdue: overdueCounts.get(id) ?? 0,
    };
  });
  lines.sort((a, b) => b.overdue - a.overdue || b.open - a.open);

  const period = zoned(query.period, ctx.settings.timeZone);
  const breachScope: Record<string, unknown>[] =
    query.scope.kind === 'department' ? [{ state: { owner_department: { _eq: query.scope.key } } }] : query.scope.kind === 'team' ? [{ case: { team: { _eq: query.scope.key } } }] : [];
  const breachGroups = await items('cc_sla_breaches')
    .readByQuery({
      filter: { _and: [{ detected_at: { _gte: period.start.toISOString() } }, { detected_at: { _lt: period.end.toISOString() } }, ...breachScope] },
      aggregate: { countDistinct: ['id'] },
      group: ['kind'],
    })
    .catch((error: unknown) => {
      // A viewer who may not read breach records at all sees none.
      if ((error as { code?: unknown }).code === 'FORBIDDEN') return [] as Item[];
      throw error;
    });
  const breaches = { response: 0, resolution: 0 };
  for (const g of breachGroups) {
    const kind = g['kind'] as 'response' | 'resolution';
    if (kind in breaches) breaches[kind] = count((g['countDistinct'] as Item | undefined)?.['id']);
  }

  return {
    period: query.period,
    states: lines,
    oldest: oldest.map((row) => {
      const state = stateById.get(Number(row['state'])) as { response_sla_hours: unknown } | undefined;
      const entered = new Date(String(row['state_entered_at']));
      const age = (now.getTime() - entered.getTime()) / HOUR;
      const sla = num(state?.response_sla_hours);
      return {
        id: Number(row['id']),
        title: String(row['title']),
        priority: (row['priority'] as string | null) ?? null,
        state: Number(row['state']),
        team: ((row['team'] as Item | null)?.['name'] as string | undefined) ?? null,
        entered_at: entered.toISOString(),
        age_hours: age,
        sla_hours: sla,
        overdue: sla !== null && sla > 0 && age > sla,
      };
    }),
    breaches,
  };
}
