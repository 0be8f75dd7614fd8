/**
 * What an API call that failed said, for Concord's own Studio components: the server already
 * answers Concord's refusals in the user's language; the code is kept to show it small.
 */
export interface ApiRefusal {
  message: string;
  code: string | null;
}

export function refusalOf(error: unknown): ApiRefusal {
  const first = (error as { response?: { data?: { errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }> } } }).response?.data?.errors?.[0];
  if (first && typeof first.message === 'string') return { message: first.message, code: typeof first.extensions?.code === 'string' ? first.extensions.code : null };
  return { message: error instanceof Error ? error.message : String(error), code: null };
}
