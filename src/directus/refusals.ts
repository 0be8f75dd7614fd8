import { DuplicateCycleError, DuplicateTeamNameError, SurveyAnsweredError } from '../errors.ts';
import { frozenRefusal } from '../evaluation/freeze-triggers.ts';

/**
 * Database errors that stand for a Concord rule, turned into that rule's refusal: the freeze
 * triggers, and the unique keys that settle races (a second answer to a survey, a twin cycle, a
 * second team of one name).
 * Directus passes every translated database error through the `database.error` filter.
 */
export function concordRefusal(error: unknown): unknown {
  const frozen = frozenRefusal(error);
  if (frozen) return frozen;
  const e = error as { code?: unknown; extensions?: { collection?: unknown; field?: unknown; value?: unknown } };
  if (e?.code === 'RECORD_NOT_UNIQUE') {
    if (e.extensions?.collection === 'cc_survey_responses' && e.extensions.field === 'response_key') return new SurveyAnsweredError({ survey: null });
    if (e.extensions?.collection === 'cc_evaluation_cycles' && e.extensions.field === 'period_key') return new DuplicateCycleError({ period_key: 'this kind and period', cycle: null });
    if (e.extensions?.collection === 'cc_teams' && e.extensions.field === 'name') return new DuplicateTeamNameError({ name: String(e.extensions.value ?? '') });
  }
  return error;
}
