import type { NgsiEntity } from '../../workers/parking/fiware.js';
import { parkingFromFiware } from '../../workers/parking/fiware.js';
import { parkingStatus } from '../../workers/parking/parkingStatus.js';
import type { ParkingLevel, ParkingSite, ParkingSiteStatus, ParkingState, ParkingStatus, ParkingUpdate } from '../../workers/formats/parking.js';

/**
 * The parking layer's one store of sites and their latest states — pure (no Cesium, no I/O), so
 * the layer, the guidance UI, the KPI panel and the tests all read the same thing.
 *
 * API (kept stable; other parts build on it):
 * - `replaceAll(entries, time)` — every site and its state at once (the first load, a replay seek,
 *   back to live); sites absent from `entries` are gone. Notifies `{ kind: 'replaced' }`.
 * - `apply(update)` — a live `ParkingUpdate` (or a replayed one): each state replaces the site's
 *   when it is not older than the one held (unknown sites are skipped). Returns the site ids that
 *   changed and notifies `{ kind: 'updated', siteIds }` when any did.
 * - `setTime(ms)` — the clock's time statuses are judged at (wall clock live, replay time in
 *   replay); notifies `{ kind: 'time' }` when it moves (a status may age into outdated).
 * - `time`, `size`, `sites()`, `site(id)`, `state(id)` — what is held.
 * - `statusOf(siteId, at = time)` / `levelStatusOf(siteId, levelId, at = time)` — what a site or a
 *   floor is shown as, by workers/parking/parkingStatus.ts (the one status rule; 30 min outdated).
 * - `views(at = time)` / `view(siteId, at)` — plain objects for the page API
 *   (`cimTwin.parking.sites()`), see ParkingSiteView.
 * - `subscribe(listener)` — returns the unsubscribe; listeners run synchronously after a change.
 * - `parkingEntriesFromFiware(entities)` — the `GET /api/parking/sites` body to `replaceAll` entries.
 */

export interface ParkingEntry {
  site: ParkingSite;
  state: ParkingState | null;
}

export type ParkingModelChange = { kind: 'replaced' } | { kind: 'updated'; siteIds: string[] } | { kind: 'time' };

export interface ParkingLevelView {
  levelId: string;
  name: string;
  storey: number;
  capacity: number;
  /** Free spaces of the floor as last observed; null when not reported or outdated. */
  available: number | null;
  status: ParkingStatus;
}

/** A site as the page API hands it out: plain data, nothing live. */
export interface ParkingSiteView {
  siteId: string;
  name: string;
  kind: ParkingSite['kind'];
  lon: number;
  lat: number;
  capacity: number;
  /** Free spaces as last observed; null when never heard or outdated (never shown as current). */
  available: number | null;
  status: ParkingStatus;
  outdated: boolean;
  /** When the count was made (ms); null when never heard. */
  observedAt: number | null;
  levels: ParkingLevelView[];
}

export class ParkingModel {
  private bySite = new Map<string, ParkingEntry>();
  private listeners = new Set<(change: ParkingModelChange) => void>();
  private clock: number;

  constructor(time: number = Date.now()) {
    if (!Number.isFinite(time)) throw new RangeError(`parking model: time is not a time (${time})`);
    this.clock = time;
  }

  /** The time statuses are judged at (ms). */
  get time(): number {
    return this.clock;
  }

  get size(): number {
    return this.bySite.size;
  }

  setTime(time: number): void {
    if (!Number.isFinite(time)) throw new RangeError(`parking model: time is not a time (${time})`);
    if (time === this.clock) return;
    this.clock = time;
    this.notify({ kind: 'time' });
  }

  /** Every site and its state at once; `time` (optional) is the time they are for. */
  replaceAll(entries: readonly ParkingEntry[], time?: number): void {
    const next = new Map<string, ParkingEntry>();
    for (const entry of entries) {
      if (entry.state && entry.state.siteId !== entry.site.id)
        throw new RangeError(`parking model: state of ${entry.state.siteId} given for site ${entry.site.id}`);
      next.set(entry.site.id, { site: entry.site, state: entry.state });
    }
    this.bySite = next;
    if (time !== undefined) {
      if (!Number.isFinite(time)) throw new RangeError(`parking model: time is not a time (${time})`);
      this.clock = time;
    }
    this.notify({ kind: 'replaced' });
  }

  /** A live update: newer (or equally new) states replace the held ones; returns the changed site ids. */
  apply(update: ParkingUpdate): string[] {
    const changed: string[] = [];
    for (const state of update.states) {
      const entry = this.bySite.get(state.siteId);
      if (!entry || !Number.isFinite(state.observedAt)) continue;
      if (entry.state && state.observedAt < entry.state.observedAt) continue;
      entry.state = state;
      changed.push(state.siteId);
    }
    if (changed.length > 0) this.notify({ kind: 'updated', siteIds: changed });
    return changed;
  }

  sites(): ParkingSite[] {
    return [...this.bySite.values()].map((entry) => entry.site);
  }

  site(siteId: string): ParkingSite | undefined {
    return this.bySite.get(siteId)?.site;
  }

  state(siteId: string): ParkingState | null {
    return this.bySite.get(siteId)?.state ?? null;
  }

  /** What the site is shown as at `at`; undefined for an unknown site. */
  statusOf(siteId: string, at: number = this.clock): ParkingSiteStatus | undefined {
    const entry = this.bySite.get(siteId);
    return entry ? parkingStatus(entry.site, entry.state, at) : undefined;
  }

  /** What one floor is shown as at `at`: the site's rule applied to the floor's capacity and count. */
  levelStatusOf(siteId: string, levelId: string, at: number = this.clock): ParkingSiteStatus | undefined {
    const entry = this.bySite.get(siteId);
    const level = entry?.site.levels.find((l) => l.id === levelId);
    if (!entry || !level) return undefined;
    return levelStatus(entry, level, at);
  }

  view(siteId: string, at: number = this.clock): ParkingSiteView | undefined {
    const entry = this.bySite.get(siteId);
    return entry ? viewOf(entry, at) : undefined;
  }

  views(at: number = this.clock): ParkingSiteView[] {
    return [...this.bySite.values()].map((entry) => viewOf(entry, at));
  }

  subscribe(listener: (change: ParkingModelChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(change: ParkingModelChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}

function levelStatus(entry: ParkingEntry, level: ParkingLevel, at: number): ParkingSiteStatus {
  const count = entry.state?.levels?.find((l) => l.levelId === level.id);
  // A single-zone site reports no per-level counts: its one zone is the site.
  const available = count?.availableSpotNumber ?? (entry.site.levels.length === 1 ? entry.state?.availableSpotNumber : undefined);
  const state = entry.state && available !== undefined ? { observedAt: entry.state.observedAt, availableSpotNumber: available } : null;
  return parkingStatus({ capacity: level.capacity, ...(entry.site.openingHours ? { openingHours: entry.site.openingHours } : {}) }, state, at);
}

function viewOf(entry: ParkingEntry, at: number): ParkingSiteView {
  const { site, state } = entry;
  const shown = parkingStatus(site, state, at);
  return {
    siteId: site.id,
    name: site.name,
    kind: site.kind,
    lon: site.lon,
    lat: site.lat,
    capacity: site.capacity,
    available: shown.availableSpotNumber,
    status: shown.status,
    outdated: shown.outdated,
    observedAt: state?.observedAt ?? null,
    levels: site.levels.map((level) => {
      const floor = levelStatus(entry, level, at);
      return {
        levelId: level.id,
        name: level.name,
        storey: level.storey,
        capacity: level.capacity,
        available: floor.availableSpotNumber,
        status: floor.status,
      };
    }),
  };
}

/**
 * The body of `GET /api/parking/sites` (NGSI-LD entities, normalized: each site followed by its
 * ParkingGroups) as model entries. Groups are found by their `refParentParking`, so the order of
 * the array does not matter. Throws (FiwareParkingError, naming the entity) on a malformed site.
 */
export function parkingEntriesFromFiware(entities: readonly NgsiEntity[]): ParkingEntry[] {
  if (!Array.isArray(entities)) throw new TypeError('parking sites: the body is not a JSON array of NGSI-LD entities');
  const sites: NgsiEntity[] = [];
  const groupsOf = new Map<string, NgsiEntity[]>();
  for (const entity of entities) {
    if (!entity || typeof entity !== 'object') throw new TypeError('parking sites: an entry is not an NGSI-LD entity');
    if (entity.type === 'OffStreetParking' || entity.type === 'OnStreetParking') sites.push(entity);
    else if (entity.type === 'ParkingGroup') {
      const parent = entity['refParentParking'];
      const parentId = parent && typeof parent === 'object' && 'object' in parent ? [parent.object].flat()[0] : undefined;
      if (parentId === undefined) continue;
      const list = groupsOf.get(parentId);
      if (list) list.push(entity);
      else groupsOf.set(parentId, [entity]);
    }
  }
  return sites.map((entity) => parkingFromFiware([entity, ...(groupsOf.get(entity.id) ?? [])]));
}
