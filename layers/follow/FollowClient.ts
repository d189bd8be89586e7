import type { FollowMessage, FollowSessionSummary, FollowUpdate } from '../../workers/formats/followSession.js';

/** A refusal of the follow API, with the HTTP status (401 signed out, 403 role, 429 too fast) and when to retry. */
export class FollowApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The follow HTTP API (`/api/follow…`) for a leading viewer: the bearer token on every write. */
export class FollowClient {
  constructor(private readonly baseUrl: string) {}

  list(): Promise<FollowSessionSummary[]> {
    return this.call('GET', '/api/follow');
  }

  publish(session: string, update: FollowUpdate, token: string): Promise<FollowMessage> {
    return this.call('POST', `/api/follow/${encodeURIComponent(session)}`, token, update);
  }

  async stop(session: string, token: string): Promise<void> {
    await this.call('DELETE', `/api/follow/${encodeURIComponent(session)}`, token).catch((error: unknown) => {
      if (!(error instanceof FollowApiError && error.status === 404)) throw error; // nobody led it: stopped already
    });
  }

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, token?: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers['Authorization'] = `Bearer ${token}`;
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers,
      priority: 'high',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
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
      throw new FollowApiError(
        response.status,
        typeof message === 'string' ? message : `HTTP ${response.status}`,
        Number.isFinite(retry) && retry > 0 ? retry : undefined,
      );
    }
    return json as T;
  }
}
