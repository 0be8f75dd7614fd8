import type { Viewer } from '../../insights/viewer.ts';

/**
 * The one home of the Insights colours. Every department keeps one colour on every chart (its place
 * in the departments' order picks it), teams take the colours after the departments', and no chart
 * repeats a colour among its series. Ten colours (Tableau 10, told apart by most people with a colour
 * vision deficiency too); the company mean is a neutral grey that no department uses.
 */
export const PALETTE = ['#4E79A7', '#F28E2B', '#E15759', '#76B7B2', '#59A14F', '#EDC948', '#B07AA1', '#FF9DA7', '#9C755F', '#17BECF'] as const;

export const COMPANY_COLOUR = '#6B7280';

/** A department's colour: fixed by its place among the departments. */
export function departmentColour(viewer: Pick<Viewer, 'departments'> | null, code: string): string {
  const index = viewer?.departments.findIndex((d) => d.code === code) ?? -1;
  return PALETTE[(index < 0 ? 0 : index) % PALETTE.length]!;
}

/** A team's colour: the palette after the departments'. */
export function teamColour(viewer: Pick<Viewer, 'departments' | 'all_teams'> | null, id: number): string {
  const offset = viewer?.departments.length ?? 0;
  const index = viewer?.all_teams.findIndex((t) => t.id === id) ?? 0;
  return PALETTE[(offset + Math.max(0, index)) % PALETTE.length]!;
}

export function scopeColour(viewer: Pick<Viewer, 'departments' | 'all_teams'> | null, kind: string, key: string | number): string {
  return kind === 'team' ? teamColour(viewer, Number(key)) : departmentColour(viewer, String(key));
}

/** Colours for the series of one chart that are not scopes (this cycle, the previous, ...): distinct. */
export function seriesColours(count: number): string[] {
  return Array.from({ length: count }, (_, i) => PALETTE[i % PALETTE.length]!);
}
