import type { AdminApi } from './admin-api.ts';
import { HISTORY_DAYS } from '../demo/generator.ts';
import { periodKey, periodsWithin, zonedDate, type Period, type PeriodKind } from '../evaluation/period.ts';

/**
 * The demo company's evaluated past: every complete month and quarter of its generated history is
 * created, run and published through Concord's own API, oldest first, so trends and improvement
 * actions show on the first start. Only the latest cycle of each kind feeds back to the heads and
 * leads (the earlier ones would flood their inboxes with old news). Published cycles are left alone.
 */
export async function seedEvaluatedHistory(api: AdminApi, timeZone: string, now: Date = new Date()): Promise<number> {
  const today = zonedDate(now, timeZone);
  const from = zonedDate(new Date(now.getTime() - HISTORY_DAYS * 86_400_000), timeZone);
  const cycles: Array<{ kind: PeriodKind; period: Period; latest: boolean }> = [];
  for (const kind of ['monthly', 'quarterly'] as const) {
    const periods = periodsWithin(kind, from, today);
    periods.forEach((period, index) => cycles.push({ kind, period, latest: index === periods.length - 1 }));
  }
  // Oldest first, a month before the quarter it closes: each cycle then has its predecessor published.
  cycles.sort((a, b) => a.period.ends_on.localeCompare(b.period.ends_on) || (a.kind === 'monthly' ? -1 : 1));
  let published = 0;
  for (const { kind, period, latest } of cycles) {
    const [existing] = await api.get<Array<{ id: number; status: string }>>('/items/cc_evaluation_cycles', {
      filter: { period_key: { _eq: periodKey(kind, period) } },
      fields: 'id,status',
      limit: 1,
    });
    if (existing && existing.status !== 'draft') continue;
    // A draft is one a start cut off before publishing it: finish it.
    const cycle = existing ?? (await api.post<{ id: number }>('/items/cc_evaluation_cycles', { period_kind: kind, starts_on: period.starts_on }));
    await api.post(`/concord/evaluation/cycles/${cycle.id}/run`, {});
    await api.post(`/concord/evaluation/cycles/${cycle.id}/publish`, { notify: latest });
    published += 1;
  }
  return published;
}
