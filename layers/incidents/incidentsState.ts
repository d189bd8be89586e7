import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Incident } from '../../workers/formats/incident.js';

/** Who is signed in (an operator may write; a viewer only reads). The token is a bearer token of the server. */
export interface Session {
  username: string;
  role: 'viewer' | 'operator' | 'admin';
  token: string;
  expiresAt: string;
}

/** What a burst or an area costs, for the selected incident: ids as in the tiles and catalogues. */
export interface IncidentImpact {
  incidentId: string;
  /** Valves to close, in closing order (order from 1), where they are. */
  valves: { id: string; order: number; lon: number; lat: number }[];
  isolatedEdges: string[];
  isolatedNodes: string[];
  buildings: string[];
  criticalFacilities: { id: string; name: string; kind: string; lon: number; lat: number }[];
  sensors: string[];
  resources: { unitId: string; name: string; kind: string; etaSeconds: number; route: [number, number][] }[];
  /** What could not be worked out (no network for this incident, a worker failure), in words. */
  notes: string[];
  /** ms the analyses took. */
  tookMs: number;
}

export interface IncidentsSlice {
  /** Every incident seen, by id (the highest version of each). */
  incidents: Record<string, Incident>;
  /** Ids first seen in this session and not yet looked at (their markers pulse). */
  unseen: string[];
  selected: string | null;
  impact: IncidentImpact | null;
  session: Session | null;
  /** The feed's connection. */
  connection: 'off' | 'connecting' | 'live' | 'reconnecting';
  /** On a wall: the incident that took the screen until an operator releases it. */
  takeover: string | null;
  /** The last error to show the operator (a refused transition, a failed sign-in), in words. */
  message: string | null;
}

export interface IncidentsActions {
  upsert(incident: Incident): void;
  select(id: string | null): void;
  markSeen(id: string): void;
  setImpact(impact: IncidentImpact | null): void;
  setSession(session: Session | null): void;
  setConnection(connection: IncidentsSlice['connection']): void;
  setTakeover(id: string | null): void;
  setMessage(message: string | null): void;
}

export type IncidentsStore = StoreApi<IncidentsSlice & IncidentsActions>;

export function createIncidentsStore(enabled: boolean): IncidentsStore {
  return createStore<IncidentsSlice & IncidentsActions>()((set) => ({
    incidents: {},
    unseen: [],
    selected: null,
    impact: null,
    session: null,
    connection: enabled ? 'connecting' : 'off',
    takeover: null,
    message: null,
    upsert: (incident) =>
      set((s) => {
        const known = s.incidents[incident.id];
        if (known && known.version >= incident.version) return {};
        return { incidents: { ...s.incidents, [incident.id]: incident }, unseen: known ? s.unseen : [...s.unseen, incident.id] };
      }),
    select: (selected) => set((s) => ({ selected, impact: s.impact?.incidentId === selected ? s.impact : null })),
    markSeen: (id) => set((s) => ({ unseen: s.unseen.filter((u) => u !== id) })),
    setImpact: (impact) => set({ impact }),
    setSession: (session) => set({ session }),
    setConnection: (connection) => set({ connection }),
    setTakeover: (takeover) => set({ takeover }),
    setMessage: (message) => set({ message }),
  }));
}

/** Open incidents first (newest first), then the rest. */
export function sortedIncidents(incidents: Record<string, Incident>): Incident[] {
  const open = (i: Incident): number => (i.state === 'closed' || i.state === 'cancelled' ? 1 : 0);
  return Object.values(incidents).sort((a, b) => open(a) - open(b) || b.sent.localeCompare(a.sent));
}
