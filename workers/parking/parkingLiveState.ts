import type { ParkingHistoryDocument, ParkingSite, ParkingState } from '../formats/parking.js';

/**
 * Parking counts as SensorThings datastreams: one per level of every site (a garage floor's
 * gate count, an on-street group's berth detectors), its Observation's result the level's free
 * spaces. Their ids follow the sensor catalogue's (`first` = sensors + 1), in the sites file's
 * order and each site's level order, so they travel through the same broker, store and history
 * as the sensors while the sensors' layer (which knows only its catalogue's ids) ignores them.
 */
export class ParkingDatastreams {
  /** Datastream id of the first site's first level. */
  readonly first: number;
  /** How many level datastreams there are. */
  readonly count: number;
  private readonly siteOffset: Int32Array;
  private readonly siteOfStream: Int32Array;
  private readonly levelOfStream: Int32Array;

  constructor(
    readonly sites: readonly ParkingSite[],
    first: number,
  ) {
    if (!Number.isInteger(first) || first < 1) throw new RangeError(`parking datastreams: first id must be a whole number ≥ 1, got ${first}`);
    this.first = first;
    this.siteOffset = new Int32Array(sites.length + 1);
    sites.forEach((site, i) => (this.siteOffset[i + 1] = this.siteOffset[i]! + site.levels.length));
    this.count = this.siteOffset[sites.length]!;
    this.siteOfStream = new Int32Array(this.count);
    this.levelOfStream = new Int32Array(this.count);
    sites.forEach((site, i) =>
      site.levels.forEach((_, level) => {
        this.siteOfStream[this.siteOffset[i]! + level] = i;
        this.levelOfStream[this.siteOffset[i]! + level] = level;
      }),
    );
  }

  /** The last parking datastream id. */
  get last(): number {
    return this.first + this.count - 1;
  }

  /** The datastream of a site's level (indexes into `sites` and its `levels`). */
  datastream(site: number, level: number): number {
    return this.first + this.siteOffset[site]! + level;
  }

  /** Slot (0-based) of a parking datastream, −1 for any other id. */
  slot(datastream: number): number {
    const slot = datastream - this.first;
    return Number.isInteger(slot) && slot >= 0 && slot < this.count ? slot : -1;
  }

  siteOfSlot(slot: number): number {
    return this.siteOfStream[slot]!;
  }

  levelOfSlot(slot: number): number {
    return this.levelOfStream[slot]!;
  }

  /** The slots of a site's levels: [from, to). */
  slotsOf(site: number): [number, number] {
    return [this.siteOffset[site]!, this.siteOffset[site + 1]!];
  }
}

/** Site counts kept per site for the forecast's "deviation now": enough for 15 minutes of a busy garage's floors. */
const RECENT_COUNTS = 64;

/**
 * Every site's latest state from the level observations that arrive (pure: the server's parking
 * service feeds it, tests drive it). A site has a state once each of its levels has been
 * heard: its free spaces are the levels' sum and its `observedAt` the oldest of the levels'
 * times — a site is only as current as its stalest floor, so one silent floor makes it outdated.
 * An older reading than the level's held one is history only (it changes nothing here); a
 * result that is not a whole number within the level's capacity is refused and counted.
 */
export class ParkingLiveState {
  private readonly time: Float64Array;
  private readonly available: Int32Array;
  private readonly changed: Uint8Array;
  private changedList: number[] = [];
  /** Per site, a ring of the last RECENT_COUNTS (time, occupied spaces) of the whole site. */
  private readonly recentTime: Float64Array;
  private readonly recentOccupied: Float64Array;
  private readonly recentCount: Int32Array;
  private readonly recentNext: Int32Array;
  /** Readings refused: not a whole number of free spaces within the level's capacity. */
  refused = 0;

  constructor(readonly streams: ParkingDatastreams) {
    this.time = new Float64Array(streams.count).fill(Number.NaN);
    this.available = new Int32Array(streams.count);
    const sites = streams.sites.length;
    this.changed = new Uint8Array(sites);
    this.recentTime = new Float64Array(sites * RECENT_COUNTS);
    this.recentOccupied = new Float64Array(sites * RECENT_COUNTS);
    this.recentCount = new Int32Array(sites);
    this.recentNext = new Int32Array(sites);
  }

  /** Takes one observation; true when it changed its site's state (false for other datastreams, older or refused readings). */
  observe(datastream: number, time: number, result: number): boolean {
    const slot = this.streams.slot(datastream);
    if (slot < 0 || !Number.isFinite(time)) return false;
    const site = this.streams.siteOfSlot(slot);
    const level = this.streams.sites[site]!.levels[this.streams.levelOfSlot(slot)]!;
    if (!Number.isInteger(result) || result < 0 || result > level.capacity) {
      this.refused++;
      return false;
    }
    const held = this.time[slot]!;
    if (time <= held) return false;
    this.time[slot] = time;
    this.available[slot] = result;
    if (!this.changed[site]) {
      this.changed[site] = 1;
      this.changedList.push(site);
    }
    const state = this.stateOf(site);
    if (state) this.remember(site, time, this.streams.sites[site]!.capacity - state.availableSpotNumber);
    return true;
  }

  /** The site's state, null until every one of its levels has been heard. */
  stateOf(site: number): ParkingState | null {
    const [from, to] = this.streams.slotsOf(site);
    const siteInfo = this.streams.sites[site]!;
    let observedAt = Number.POSITIVE_INFINITY;
    let free = 0;
    const levels: ParkingState['levels'] = [];
    for (let slot = from; slot < to; slot++) {
      const time = this.time[slot]!;
      if (Number.isNaN(time)) return null;
      observedAt = Math.min(observedAt, time);
      free += this.available[slot]!;
      levels.push({ levelId: siteInfo.levels[slot - from]!.id, availableSpotNumber: this.available[slot]! });
    }
    return { siteId: siteInfo.id, observedAt, availableSpotNumber: free, levels };
  }

  /** Every site's state (null where not every level has been heard), in the sites' order. */
  states(): (ParkingState | null)[] {
    return this.streams.sites.map((_, i) => this.stateOf(i));
  }

  /** The states of the sites changed since the last call (sites not yet complete are left out); resets the change set. */
  takeChanged(): ParkingState[] {
    const out: ParkingState[] = [];
    for (const site of this.changedList) {
      this.changed[site] = 0;
      const state = this.stateOf(site);
      if (state) out.push(state);
    }
    this.changedList = [];
    return out;
  }

  /** The site's recent whole-site counts, oldest first, as the forecast reads history (times, occupied spaces). */
  recent(site: number): { time: Float64Array; occupied: Float64Array } {
    const n = this.recentCount[site]!;
    const time = new Float64Array(n);
    const occupied = new Float64Array(n);
    const start = (this.recentNext[site]! - n + RECENT_COUNTS) % RECENT_COUNTS;
    for (let k = 0; k < n; k++) {
      const at = site * RECENT_COUNTS + ((start + k) % RECENT_COUNTS);
      time[k] = this.recentTime[at]!;
      occupied[k] = this.recentOccupied[at]!;
    }
    return { time, occupied };
  }

  private remember(site: number, time: number, occupied: number): void {
    const n = this.recentCount[site]!;
    const base = site * RECENT_COUNTS;
    const lastAt = base + ((this.recentNext[site]! - 1 + RECENT_COUNTS) % RECENT_COUNTS);
    // Levels of one site often report the same second: the ring keeps the site's count once per time.
    if (n > 0 && this.recentTime[lastAt]! >= time) {
      if (this.recentTime[lastAt] === time) this.recentOccupied[lastAt] = occupied;
      return;
    }
    const at = base + this.recentNext[site]!;
    this.recentTime[at] = time;
    this.recentOccupied[at] = occupied;
    this.recentNext[site] = (this.recentNext[site]! + 1) % RECENT_COUNTS;
    if (n < RECENT_COUNTS) this.recentCount[site] = n + 1;
  }
}

/**
 * A site's history document from its levels' series (each oldest first, as the store returns
 * them): the site's free spaces at every time any level changed, from the first time every
 * level had been heard (a count of some floors only is not the site's). Values are clamped to
 * each level's capacity and rounded (the aggregates' means are fractional).
 */
export function parkingHistoryDocument(site: ParkingSite, levelSeries: readonly (readonly { time: number; result: number }[])[]): ParkingHistoryDocument {
  if (levelSeries.length !== site.levels.length)
    throw new RangeError(`parking history: ${levelSeries.length} series for the ${site.levels.length} levels of ${site.id}`);
  const times = [...new Set(levelSeries.flatMap((series) => series.map((p) => p.time)))].sort((a, b) => a - b);
  const next = levelSeries.map(() => 0);
  const current = levelSeries.map((): number | undefined => undefined);
  const doc: ParkingHistoryDocument = {
    siteId: site.id,
    capacity: site.capacity,
    time: [],
    available: [],
    levels: site.levels.map((l) => ({ levelId: l.id, available: [] })),
  };
  for (const time of times) {
    levelSeries.forEach((series, l) => {
      while (next[l]! < series.length && series[next[l]!]!.time <= time) {
        const capacity = site.levels[l]!.capacity;
        current[l] = Math.max(0, Math.min(capacity, Math.round(series[next[l]!]!.result)));
        next[l]!++;
      }
    });
    if (current.some((v) => v === undefined)) continue;
    doc.time.push(time);
    doc.available.push(current.reduce<number>((sum, v) => sum + v!, 0));
    current.forEach((v, l) => doc.levels![l]!.available.push(v!));
  }
  return doc;
}
