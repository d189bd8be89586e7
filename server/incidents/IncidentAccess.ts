import { readFile, stat } from 'node:fs/promises';
import { maySeeCategory, pipeAccessOf, type Role } from '../../workers/formats/dataAccess.js';
import { FOLLOW_TOPIC, type FollowFeature, type FollowMessage } from '../../workers/formats/followSession.js';
import type { TimelineIncidentMark } from '../../workers/formats/history.js';
import { INCIDENTS_TOPIC, type Incident, type IncidentAsset, type IncidentChangeMessage } from '../../workers/formats/incident.js';
import type { NetworkDocument } from '../../workers/formats/networkDocument.js';
import {
  incidentForRole,
  type IncidentAssetLookup,
  mayReadIncident,
  readsIncidentsWhole,
  timelineMarksForRole,
} from '../../workers/incidents/incidentForRole.js';
import type { SensorAccess } from '../live/SensorAccess.js';
import type { CatalogEntry } from '../live/SensorCatalog.js';

/** The live sensors, read at each use (the backbone starts after the incidents, and may be off). */
export type IncidentSensors = () => { access: SensorAccess; catalog: readonly Pick<CatalogEntry, 'id' | 'name' | 'feature'>[] } | undefined;

/** The layers of a follow session's features that hold pipe data, and the layer ids of sensors and incidents. */
export interface FollowLayers {
  /** Pipe layers and their parts (a feature there is a pipe, point or node: its id decides the category). */
  pipes: ReadonlySet<string>;
  sensors: string;
  incidents: string;
}

interface CachedMessage {
  payload: Buffer;
  copies: Map<string, Buffer | null>;
}

/** What a role reads of incidents and follow sessions, as a cache key: one copy per profile. */
function profileOf(role: Role): string {
  if (role === 'public') return 'public';
  if (readsIncidentsWhole(role)) return 'whole';
  return pipeAccessOf(role).categories.join(',');
}

/**
 * What each data role reads of incidents, follow sessions and the timeline's incident marks
 * (docs/access.md, "Incidents, follow sessions and the live statistics"): the one place the
 * incidents API, the history API and the broker ask. It knows the category of every pipe,
 * node, valve and pipe point id from the pipe networks' `network.json` (re-read when a build
 * replaces one) and of every sensor from the live catalogue; an id it does not know counts as
 * 不明管线 QT (seen only by the roles that see every category). The filtering itself is pure
 * (workers/incidents/incidentForRole.ts).
 *
 * Over MQTT each subscriber gets its profile's copy of an incident or follow message
 * (`payloadFor`, the broker's per-delivery hook), made once per message and profile: 200
 * viewers of a role cost one filtering.
 */
export class IncidentAccess {
  private categories = new Map<string, string>();
  private loaded = new Map<string, number>();
  private loading: Promise<void> | undefined;
  private lastCheck = -Infinity;
  /** The scope of each incident seen (published or listed): a public follower's selected incident is checked against it. */
  private readonly scopes = new Map<string, Incident['scope']>();
  private readonly messages = new Map<string, CachedMessage>();
  /** Role copies of MQTT messages made (each once per message and profile, whatever the number of subscribers). */
  readonly counters = { copiesMade: 0 };

  readonly lookup: IncidentAssetLookup = {
    categoryOf: (asset) => this.categoryOf(asset),
    namesOf: (asset) => {
      if (asset.kind !== 'sensor') return [];
      const entry = this.sensorEntry(asset.id);
      return entry ? [entry.name, ...(entry.feature ? [entry.feature] : [])] : [];
    },
  };

  constructor(
    private readonly options: {
      /** The pipe networks' network.json files (the demo's pipes and water model). */
      networkFiles: readonly string[];
      sensors: IncidentSensors;
      followLayers: FollowLayers;
      /** How often the network files are checked for a new build (ms; default 5 s). */
      recheckMs?: number;
      now?: () => number;
    },
  ) {}

  /** Loads (or reloads after a build) the network ids' categories; the synchronous checks use what was loaded last. */
  ready(): Promise<void> {
    const now = (this.options.now ?? Date.now)();
    if (this.loading) return this.loading;
    if (now - this.lastCheck < (this.options.recheckMs ?? 5000)) return Promise.resolve();
    this.lastCheck = now;
    this.loading = this.reload().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** An incident as `role` reads it, or undefined when it may not. */
  forRole(incident: Incident, role: Role): Incident | undefined {
    this.scopes.set(incident.id, incident.scope);
    return incidentForRole(incident, role, this.lookup);
  }

  /** The incidents `role` reads, each as it reads it. */
  async listFor(incidents: readonly Incident[], role: Role): Promise<Incident[]> {
    await this.ready();
    return incidents.flatMap((incident) => this.forRole(incident, role) ?? []);
  }

  /** The timeline's marks as `role` reads them (`incidentOf` finds each mark's incident). */
  async marksFor(
    marks: readonly TimelineIncidentMark[],
    role: Role,
    incidentOf: (id: string) => Promise<Incident | undefined>,
  ): Promise<TimelineIncidentMark[]> {
    if (readsIncidentsWhole(role)) return [...marks];
    await this.ready();
    const incidents = new Map<string, Incident>();
    for (const id of new Set(marks.map((m) => m.id))) {
      const incident = await incidentOf(id);
      if (incident) incidents.set(id, incident);
    }
    return timelineMarksForRole(marks, role, incidents, this.lookup);
  }

  /** Remembers an incident's scope before it is published (a follow session may select it). */
  remember(incident: Pick<Incident, 'id' | 'scope'>): void {
    this.scopes.set(incident.id, incident.scope);
  }

  /**
   * A follow message as `role` reads it: a selection it may not see is dropped; null when it
   * frames such a feature (nothing to send). The public reads no leader (an account name), as it
   * reads no `createdBy` of an incident.
   */
  followForRole(message: FollowMessage, role: Role): FollowMessage | null {
    if (readsIncidentsWhole(role)) return message;
    if ('feature' in message.view && !this.maySeeFeature(message.view.feature, role)) return null;
    let copy = message;
    if (message.selection && !this.maySeeFeature(message.selection, role)) copy = { ...copy, selection: null };
    if (role === 'public') copy = { ...copy, leader: null };
    return copy;
  }

  /**
   * The broker's hook: a subscriber's copy of an incident or follow message (undefined for other
   * topics; null: nothing for this role). An empty payload (a cleared retained message) goes to all.
   */
  readonly payloadFor = (topic: string, payload: Buffer, role: Role): Buffer | null | undefined => {
    const incident = topic.startsWith(`${INCIDENTS_TOPIC}/`);
    if (!incident && !topic.startsWith(`${FOLLOW_TOPIC}/`)) return undefined;
    if (payload.length === 0) {
      this.messages.delete(topic);
      return payload;
    }
    const profile = profileOf(role);
    if (profile === 'whole') return payload;
    let cached = this.messages.get(topic);
    if (!cached || (cached.payload !== payload && !cached.payload.equals(payload))) {
      cached = { payload, copies: new Map() };
      this.messages.set(topic, cached);
    }
    let copy = cached.copies.get(profile);
    if (copy === undefined) {
      copy = this.copyOf(incident, payload, role);
      cached.copies.set(profile, copy);
    }
    return copy;
  };

  private copyOf(incident: boolean, payload: Buffer, role: Role): Buffer | null {
    this.counters.copiesMade++;
    let message: unknown;
    try {
      message = JSON.parse(payload.toString('utf8'));
    } catch {
      return null; // only this server publishes here; what it cannot read, nobody gets
    }
    if (incident) {
      const change = message as IncidentChangeMessage;
      const copy = change.incident ? this.forRole(change.incident, role) : undefined;
      return copy ? Buffer.from(JSON.stringify({ ...change, incident: copy })) : null;
    }
    const copy = this.followForRole(message as FollowMessage, role);
    return copy === message ? payload : copy && Buffer.from(JSON.stringify(copy));
  }

  private maySeeFeature(feature: FollowFeature, role: Role): boolean {
    const { followLayers } = this.options;
    if (feature.tileset === followLayers.incidents) {
      const scope = this.scopes.get(feature.id);
      return scope !== undefined && mayReadIncident(role, { scope });
    }
    if (feature.tileset === followLayers.sensors) return this.maySeeAsset({ kind: 'sensor', id: feature.id }, role);
    const category = this.categories.get(feature.id);
    if (category !== undefined) return maySeeCategory(role, category);
    // In a pipe layer an id the networks do not know is still pipe data: 不明管线.
    return !followLayers.pipes.has(feature.tileset) || maySeeCategory(role, 'QT');
  }

  private maySeeAsset(asset: IncidentAsset, role: Role): boolean {
    const category = this.categoryOf(asset);
    return category === null || maySeeCategory(role, category ?? 'QT');
  }

  private categoryOf(asset: IncidentAsset): string | null | undefined {
    if (asset.kind === 'building' || asset.kind === 'poi') return null;
    if (asset.kind !== 'sensor') return this.categories.get(asset.id);
    const sensors = this.options.sensors();
    const datastream = Number(asset.id);
    if (!sensors || !/^\d+$/.test(asset.id)) return undefined;
    return sensors.access.maySee('public', datastream) ? null : sensors.access.feedOf(datastream);
  }

  private sensorEntry(id: string): Pick<CatalogEntry, 'id' | 'name' | 'feature'> | undefined {
    return /^\d+$/.test(id) ? this.options.sensors()?.catalog[Number(id) - 1] : undefined;
  }

  private async reload(): Promise<void> {
    const stamps = new Map<string, number>();
    for (const file of this.options.networkFiles) {
      const modified = await stat(file).then(
        (s) => s.mtimeMs,
        () => undefined,
      );
      if (modified !== undefined) stamps.set(file, modified);
    }
    if (stamps.size === this.loaded.size && [...stamps].every(([file, ms]) => this.loaded.get(file) === ms)) return;
    const categories = new Map<string, string>();
    for (const file of stamps.keys()) {
      let network: NetworkDocument;
      try {
        network = JSON.parse(await readFile(file, 'utf8')) as NetworkDocument;
      } catch {
        stamps.delete(file); // being replaced by a build: read it at the next check
        continue;
      }
      const { nodes, edges } = network;
      nodes.id.forEach((id, n) => {
        categories.set(id, nodes.category[n]!);
        const feature = nodes.feature[n];
        if (feature) categories.set(feature, nodes.category[n]!);
      });
      edges.id.forEach((id, e) => categories.set(id, edges.category[e]!));
      for (const valve of network.valves ?? []) {
        const category = valve.node !== undefined ? nodes.category[valve.node] : valve.edge !== undefined ? edges.category[valve.edge] : undefined;
        if (category !== undefined) categories.set(valve.id, category);
      }
    }
    this.categories = categories;
    this.loaded = stamps;
    this.messages.clear();
  }
}
