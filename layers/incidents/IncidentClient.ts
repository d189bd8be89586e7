import type { DispatchState, Incident, IncidentDraft, IncidentState, ResourceKind } from '../../workers/formats/incident.js';
import type { Session } from './incidentsState.js';

/** A refusal of the server, in its words, with the HTTP status (401 not signed in, 403 role, 409 illegal transition). */
export class IncidentApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The incidents HTTP API (`/api/auth/login`, `/api/incidents…`) for the viewer: plain data in
 * and out, the bearer token of the session on every write. Reading needs no sign-in.
 */
export class IncidentClient {
  constructor(
    private readonly baseUrl: string,
    private readonly session: () => Session | null,
  ) {}

  async signIn(username: string, password: string): Promise<Session> {
    const body = await this.call<{ token: string; username?: string; role: Session['role']; expiresAt?: string }>(
      'POST',
      '/api/auth/login',
      { username, password },
      false,
    );
    return { username: body.username ?? username, role: body.role, token: body.token, expiresAt: body.expiresAt ?? '' };
  }

  list(): Promise<Incident[]> {
    return this.call('GET', '/api/incidents');
  }

  get(id: string): Promise<Incident> {
    return this.call('GET', `/api/incidents/${encodeURIComponent(id)}`);
  }

  create(draft: IncidentDraft): Promise<Incident> {
    return this.call('POST', '/api/incidents', draft);
  }

  /** Opens an incident prefilled from a sensor's alarm (type, place, sensor, time): the server builds the draft. */
  fromAlarm(datastream: number): Promise<Incident> {
    return this.call('POST', '/api/incidents/from-alarm', { datastream });
  }

  transition(id: string, to: IncidentState, note?: string): Promise<Incident> {
    return this.call('POST', `/api/incidents/${encodeURIComponent(id)}/transitions`, note ? { to, note } : { to });
  }

  addNote(id: string, text: string): Promise<Incident> {
    return this.call('POST', `/api/incidents/${encodeURIComponent(id)}/notes`, { text });
  }

  dispatch(id: string, unit: { unitId: string; unitKind: ResourceKind; unitName?: string; etaSeconds?: number }): Promise<Incident> {
    return this.call('POST', `/api/incidents/${encodeURIComponent(id)}/dispatches`, unit);
  }

  moveDispatch(id: string, dispatchId: string, to: DispatchState): Promise<Incident> {
    return this.call('POST', `/api/incidents/${encodeURIComponent(id)}/dispatches/${encodeURIComponent(dispatchId)}/transitions`, { to });
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, authorised = method !== 'GET'): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const token = authorised ? this.session()?.token : undefined;
    if (token) headers['Authorization'] = `Bearer ${token}`;
    const response = await fetch(new URL(path, this.baseUrl), { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const message = (json as { error?: unknown } | undefined)?.error;
      throw new IncidentApiError(response.status, typeof message === 'string' ? message : `HTTP ${response.status}`);
    }
    return json as T;
  }
}
