import { share, type DimensionModule, type DimensionResult, type MetricContext } from '../catalogue.ts';
import { count, creditedToScopes, periodBindings, rows } from '../sql.ts';
import { scopeId } from '../scopes.ts';

/**
 * 3. satisfaction — 客户满意度 (metrics.md §3)
 *
 * Responses in P: `cc_survey_responses` with `responded_at` in P, to a survey of `kind = csat`, with
 * `csat` set. A department gets the responses credited to it (`department`, set when the answer
 * arrives to the department that made the case's latest resolution), a team those whose survey's
 * `team` is t.
 *
 * raw: responses, csat_share (share scoring 4 or 5), csat_mean, nps_responses (with `nps` set),
 * nps = 100 × (share of 9–10 − share of 0–6) among those (n/a without any). score = 100 × csat_share.
 */

export interface SatisfactionAggregate {
  responses: number;
  satisfied: number;
  csat_sum: number;
  nps_responses: number;
  promoters: number;
  detractors: number;
}

export function satisfactionResult(a: SatisfactionAggregate): DimensionResult {
  const csatShare = share(a.satisfied, a.responses);
  const promoters = share(a.promoters, a.nps_responses);
  const detractors = share(a.detractors, a.nps_responses);
  return {
    score: csatShare === null ? null : 100 * csatShare,
    raw: {
      responses: a.responses,
      csat_share: csatShare,
      csat_mean: share(a.csat_sum, a.responses),
      nps_responses: a.nps_responses,
      nps: promoters === null || detractors === null ? null : 100 * (promoters - detractors),
    },
    counts: { responses: a.responses, nps_responses: a.nps_responses },
  };
}

const EMPTY: SatisfactionAggregate = { responses: 0, satisfied: 0, csat_sum: 0, nps_responses: 0, promoters: 0, detractors: 0 };

export const satisfaction: DimensionModule = {
  key: 'satisfaction',
  empty: () => satisfactionResult(EMPTY),
  async evaluate({ db, period }: MetricContext) {
    const p = periodBindings(db, period);
    // The answers are counted per department, team and pair of scores first: a handful of groups,
    // so the crediting to scopes below copies groups, not each answer (scale 100: SQLite 8 → 5 ms,
    // PostgreSQL 7 → 5).
    const found = await rows(
      db,
      `with answered as materialized (
        select r.department as department, s.team as team, r.csat as csat, r.nps as nps, count(*) as n
        from cc_survey_responses r
        join cc_surveys s on s.id = r.survey
        where s.kind = 'csat' and r.csat is not null and r.responded_at >= ? and r.responded_at < ?
        group by r.department, s.team, r.csat, r.nps
      ),
      scoped as (
        ${creditedToScopes('answered', 'department', 'team', ['csat', 'nps', 'n'])}
      )
      select scope_kind, scope,
        sum(n) as responses,
        sum(case when csat >= 4 then n else 0 end) as satisfied,
        sum(csat * n) as csat_sum,
        sum(case when nps is not null then n else 0 end) as nps_responses,
        sum(case when nps >= 9 then n else 0 end) as promoters,
        sum(case when nps <= 6 then n else 0 end) as detractors
      from scoped
      group by scope_kind, scope`,
      [p.start, p.end],
    );
    return new Map(
      found.map((row) => [
        scopeId(row.scope_kind, row.scope as string),
        satisfactionResult({
          responses: count(row['responses']),
          satisfied: count(row['satisfied']),
          csat_sum: count(row['csat_sum']),
          nps_responses: count(row['nps_responses']),
          promoters: count(row['promoters']),
          detractors: count(row['detractors']),
        }),
      ]),
    );
  },
};
