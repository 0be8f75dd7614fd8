/** A minimal admin client for configuration steps (static admin token, JSON in and out). */
export interface AdminApi {
  get<T = unknown>(path: string, query?: Record<string, unknown>): Promise<T>;
  post<T = unknown>(path: string, body: unknown): Promise<T>;
  patch<T = unknown>(path: string, body: unknown): Promise<T>;
  delete(path: string, body?: unknown): Promise<void>;
}

export function adminApi(url: string, token: string): AdminApi {
  async function call<T>(method: string, path: string, body?: unknown, query?: Record<string, unknown>): Promise<T> {
    const search = query
      ? '?' + new URLSearchParams(Object.entries(query).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString()
      : '';
    const response = await fetch(`${url}${path}${search}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (text ? (JSON.parse(text) as { data: T }).data : undefined) as T;
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
