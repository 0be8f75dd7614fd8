/**
 * Text a person wrote (a cycle, team or department name, a case title, a survey comment), made safe
 * for whatever writes HTML: ApexCharts' formatters return HTML, and it sets tooltips and legends with
 * innerHTML. Vue's `{{ }}` and `:attr` bindings set text already and need nothing.
 */
export function escapeHtml(value: unknown): string {
  const text = Array.isArray(value) ? value.map((part) => String(part ?? '')).join(' ') : value === null || value === undefined ? '' : String(value);
  return text.replace(/[&<>"'`]/g, (c) => HTML_ENTITIES[c] as string);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };
