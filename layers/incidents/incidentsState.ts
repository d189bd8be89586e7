import type { Role } from '../../workers/formats/dataAccess.js';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Incident, ResourceKind } from '../../workers/formats/incident.js';

/** Who is signed in (an operator may write; a viewer only reads). The token is a bearer token of the server. */
export interface Session {
  username: string;
  role: Role;
  token: string;
  expiresAt: string;
}

/**
 * What an incident costs, worked out in the analysis worker (layers/incidents/impact): a burst
 * on the water pipe it names, what lies in its footprint, and the nearest units by road. Plain
 * data (the page API returns it as is); ids as in the tiles and catalogues.
 */
export interface IncidentImpact {
  incidentId: string;
  /** Parts still being worked out (the card shows the rest as it arrives); empty once complete. */
  pending: ('burst' | 'hydraulics' | 'area' | 'resources')[];
  /** The burst pipe analysed (the incident's pipe, or a pipe at its pressure sensor's network point), or null. */
  pipe: string | null;
  /** Valve ids in closing order (1 = first). */
  valvesToClose: string[];
  /** The same valves with where they are and why in that order. */
  valves: { id: string; order: number; lon: number; lat: number; feeds: boolean; distanceMetres: number }[];
  /** Pipes shut in by the valves (the burst pipe among them). */
  isolatedEdges: string[];
  isolatedNodes: string[];
  /** Pipes left dry beyond the isolated part (no path from any source once the valves are closed). */
  cutOffEdges: string[];
  /** Buildings that lose water (the buildings tileset's ids). */
  buildings: string[];
  /** Those of them the search index names, with their names (the card lists them). */
  namedBuildings: { id: string; name: string }[];
  /** Hospitals, schools and care homes that lose water. */
  criticalFacilities: { id: string; name: string; kind: string; building: string | null; lon: number; lat: number }[];
  /** Sensor sites inside the isolated or cut-off part. */
  sensors: string[];
  /** What lies in the footprint (a point counts with a radius), or null when it could not be worked out. */
  area: {
    radiusMetres: number | null;
    buildings: string[];
    pois: { id: string; kind: string; name: string }[];
    /** Datastream ids. */
    sensors: number[];
    pipes: string[];
    parking: { ids: string[]; spaces: number };
    areaSquareMetres: number;
  } | null;
  /**
   * The hydraulic what-if (EPANET) of closing the valves: junctions below the minimum service
   * pressure afterwards (still joined to a source, or cut off), and every junction whose
   * pressure changed by 0.5 m or more with its pressures (m) and where it is, for the coloured
   * network. Null without a burst or a model.
   */
  hydraulics: {
    minimumPressureMetres: number;
    junctions: number;
    lowPressureNodes: string[];
    cutOffNodes: string[];
    changed: { id: string; lon: number; lat: number; before: number; after: number }[];
    closedLinks: string[];
    solveMs: number;
  } | null;
  /** The nearest fire stations, hospitals and police stations by road, nearest first per kind, with their routes to the incident. */
  resources: { unitId: string; name: string; kind: ResourceKind; etaSeconds: number; routeMetres: number; route: [number, number][] }[];
  /** The isolated and cut-off pipes as segments [lon0, lat0, lon1, lat1, …] (drawn on the map). */
  lines: { isolated: number[]; cutOff: number[] };
  /** What could not be worked out (no pipe named, a source that failed to load), in words. */
  notes: string[];
  /** ms the analyses took: all together (as the operator waited), and each part in the worker round trip. */
  tookMs: number;
  timings: { burstMs: number | null; hydraulicsMs: number | null; areaMs: number | null; resourcesMs: number | null };
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
  /** What the map shows of the impact (the layer reports it; tests and the page API read it). */
  drawn: { incidentId: string | null; valves: number; facilities: number; routes: number; pipes: number; pressureNodes: number };
}

export interface IncidentsActions {
  upsert(incident: Incident): void;
  /** Replaces every incident (a replay's incidents as they were, or the current ones back in live); none counts as new. */
  replaceAll(incidents: readonly Incident[]): void;
  select(id: string | null): void;
  markSeen(id: string): void;
  setImpact(impact: IncidentImpact | null): void;
  setSession(session: Session | null): void;
  setConnection(connection: IncidentsSlice['connection']): void;
  setTakeover(id: string | null): void;
  setMessage(message: string | null): void;
  setDrawn(drawn: IncidentsSlice['drawn']): void;
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
    drawn: { incidentId: null, valves: 0, facilities: 0, routes: 0, pipes: 0, pressureNodes: 0 },
    upsert: (incident) =>
      set((s) => {
        const known = s.incidents[incident.id];
        if (known && known.version >= incident.version) return {};
        return { incidents: { ...s.incidents, [incident.id]: incident }, unseen: known ? s.unseen : [...s.unseen, incident.id] };
      }),
    replaceAll: (list) =>
      set((s) => {
        const incidents = Object.fromEntries(list.map((incident) => [incident.id, incident]));
        return { incidents, unseen: s.unseen.filter((id) => id in incidents) };
      }),
    select: (selected) => set((s) => ({ selected, impact: s.impact?.incidentId === selected ? s.impact : null })),
    markSeen: (id) => set((s) => ({ unseen: s.unseen.filter((u) => u !== id) })),
    setImpact: (impact) => set({ impact }),
    setSession: (session) => set({ session }),
    setConnection: (connection) => set({ connection }),
    setTakeover: (takeover) => set({ takeover }),
    setMessage: (message) => set({ message }),
    setDrawn: (drawn) => set({ drawn }),
  }));
}

/** Open incidents first (newest first), then the rest. */
export function sortedIncidents(incidents: Record<string, Incident>): Incident[] {
  const open = (i: Incident): number => (i.state === 'closed' || i.state === 'cancelled' ? 1 : 0);
  return Object.values(incidents).sort((a, b) => open(a) - open(b) || b.sent.localeCompare(a.sent));
}
