import type { DispatchState, Incident, IncidentDraft, IncidentState, ResourceKind } from '../../workers/formats/incident.js';
import { serverApiRequest } from '../../viewer/src/platform/serverApi.js';
import type { Session } from './incidentsState.js';

/**
 * The incidents HTTP API (`/api/auth/login`, `/api/incidents…`) for the viewer: plain data in
 * and out, the bearer token of the session on every write. Reads go with the viewer's read
 * token (the data role's): the server answers each role's copy (the public's without one).
 */
export class IncidentClient {
  constructor(
    private readonly baseUrl: string,
    private readonly session: () => Session | null,
    private readonly readToken: () => string | undefined = () => undefined,
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

  /** Every incident as it was at `isoTime` (its version then); those created later are absent. */
  listAt(isoTime: string): Promise<Incident[]> {
    return this.call('GET', `/api/incidents?at=${encodeURIComponent(isoTime)}`);
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

  private call<T>(method: 'GET' | 'POST', path: string, body?: unknown, authorised = method !== 'GET'): Promise<T> {
    return serverApiRequest<T>(this.baseUrl, method, path, { token: authorised ? this.session()?.token : this.readToken(), body });
  }
}
