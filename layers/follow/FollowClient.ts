import { ServerApiError, serverApiRequest } from '../../viewer/src/platform/serverApi.js';
import type { FollowMessage, FollowSessionSummary, FollowUpdate } from '../../workers/formats/followSession.js';

/** The follow HTTP API (`/api/follow…`) for a leading viewer: the bearer token on every write; refusals are `ServerApiError`s. */
export class FollowClient {
  constructor(private readonly baseUrl: string) {}

  /** The sessions (`token`: the viewer's read token; a bad one is refused, none reads as public). */
  list(token?: string): Promise<FollowSessionSummary[]> {
    return this.call('GET', '/api/follow', token);
  }

  publish(session: string, update: FollowUpdate, token: string): Promise<FollowMessage> {
    return this.call('POST', `/api/follow/${encodeURIComponent(session)}`, token, update);
  }

  async stop(session: string, token: string): Promise<void> {
    await this.call('DELETE', `/api/follow/${encodeURIComponent(session)}`, token).catch((error: unknown) => {
      if (!(error instanceof ServerApiError && error.status === 404)) throw error; // nobody led it: stopped already
    });
  }

  private call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, token?: string, body?: unknown): Promise<T> {
    return serverApiRequest<T>(this.baseUrl, method, path, { token, body, priority: 'high' });
  }
}
