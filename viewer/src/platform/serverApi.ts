/** A refusal of the server's HTTP API, in its words: the status (401 signed out, 403 role, 409 not allowed, 429 too fast) and when to retry. */
export class ServerApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ServerApiError';
  }
}

export interface ServerApiRequest {
  /** A bearer token of `/api/auth/login` (writes). */
  token?: string | undefined;
  body?: unknown;
  /** `high` for what an operator waits on, so it is not queued behind tile downloads. */
  priority?: RequestPriority;
}

/**
 * One JSON request to the server's API (incidents, follow sessions…): JSON in and out, the
 * server's `{"error"}` thrown as a `ServerApiError` so every plugin reports a refusal the same way.
 */
export async function serverApiRequest<T>(baseUrl: string, method: 'GET' | 'POST' | 'DELETE', path: string, request: ServerApiRequest = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  if (request.token) headers['Authorization'] = `Bearer ${request.token}`;
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers,
    ...(request.priority ? { priority: request.priority } : {}),
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const message = (json as { error?: unknown } | undefined)?.error;
    const retry = Number(response.headers.get('Retry-After'));
    throw new ServerApiError(
      response.status,
      typeof message === 'string' ? message : `HTTP ${response.status}`,
      Number.isFinite(retry) && retry > 0 ? retry : undefined,
    );
  }
  return json as T;
}
