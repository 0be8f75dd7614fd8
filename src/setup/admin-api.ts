/** A minimal admin client for configuration steps (a bearer token, JSON in and out). */
export interface AdminApi {
  get<T = unknown>(path: string, query?: Record<string, unknown>): Promise<T>;
  post<T = unknown>(path: string, body: unknown): Promise<T>;
  patch<T = unknown>(path: string, body: unknown): Promise<T>;
  delete(path: string, body?: unknown): Promise<void>;
}

/**
 * Directus answers 503 when its pressure limiter finds the machine busy and 429 when a rate limit
 * is reached; both mean "nothing done, come back later". The start's own requests come back, with
 * growing pauses (or the server's Retry-After), for up to about two minutes.
 */
const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000, 15000, 15000, 15000];

export function adminApi(url: string, token: string, options: { retryDelaysMs?: readonly number[] } = {}): AdminApi {
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  async function call<T>(method: string, path: string, body?: unknown, query?: Record<string, unknown>): Promise<T> {
    const search = query
      ? '?' + new URLSearchParams(Object.entries(query).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString()
      : '';
    for (let attempt = 0; ; attempt += 1) {
      const response = await fetch(`${url}${path}${search}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      const busy = response.status === 503 || response.status === 429;
      if (busy && attempt < delays.length) {
        const retryAfter = Number(response.headers.get('retry-after'));
        await new Promise((resolve) => setTimeout(resolve, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : delays[attempt]));
        continue;
      }
      if (!response.ok) {
        throw new Error(`${method} ${path} answered ${response.status}${busy ? ` after ${attempt} retries` : ''}: ${text.slice(0, 500)}`);
      }
      return (text ? (JSON.parse(text) as { data: T }).data : undefined) as T;
    }
  }
  return {
    get: (path, query) => call('GET', path, undefined, query),
    post: (path, body) => call('POST', path, body),
    patch: (path, body) => call('PATCH', path, body),
    delete: (path, body) => call('DELETE', path, body),
  };
}

/** Creates the row with this fixed id, or updates it to `body`: how configuration is applied idempotently. */
export async function upsertById(api: AdminApi, collection: string, id: string | number, body: Record<string, unknown>): Promise<void> {
  const existing = await api.get<unknown[]>(`/${collection}`, { filter: { id: { _eq: id } }, fields: 'id', limit: 1 });
  if (existing.length === 0) await api.post(`/${collection}`, { id, ...body });
  else await api.patch(`/${collection}/${id}`, body);
}
