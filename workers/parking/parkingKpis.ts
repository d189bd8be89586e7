import {
  DEFAULT_PARKING_STATUS_RULES,
  PARKING_PATTERNS,
  type ParkingPattern,
  type ParkingSite,
  type ParkingState,
  type ParkingStatusRules,
} from '../formats/parking.js';
import { parkingStatus } from './parkingStatus.js';

/** Occupancy of a group of sites: only counts that are current (not outdated) and of open sites. */
export interface OccupancyFigures {
  /** Sites in the group. */
  sites: number;
  /** Of them, open with a current count. */
  reporting: number;
  /** Spaces of the reporting sites. */
  capacity: number;
  free: number;
  /** Occupied share 0–1 of the reporting sites' spaces; null when none reports. */
  occupancy: number | null;
  /** Reporting sites with no space free. */
  full: number;
}

/** Arrivals per space over the window the viewer has seen (see ParkingTurnover). */
export interface TurnoverFigures {
  arrivals: number;
  /** Spaces of the sites whose counts were compared (heard twice within the outdated limit). */
  spaces: number;
  /** Hours the window covers (at most the counter's window, less while the viewer has not seen that long). */
  hours: number;
  /** arrivals / spaces over the window. */
  perSpace: number;
  /** arrivals / spaces / hours. */
  perSpacePerHour: number;
}

/** The district's parking figures at a time: what the KPI panel and the wall show. */
export interface ParkingKpis {
  at: number;
  /** Every site with a current count (open), as one group. */
  district: OccupancyFigures;
  /** On-street berths (路侧泊位) only: the figure the district's berth management asks for. */
  berths: OccupancyFigures;
  /** Sites closed by their opening hours; sites never heard or outdated (their counts are not used). */
  closed: number;
  outdated: number;
  /**
   * By area — the neighbourhood each site serves (its `pattern`: homes, offices, malls,
   * hospitals, schools, the stadium, mixed): where the pressure is, in words a planner uses; the
   * fullest first (groups with no reporting site last).
   */
  byArea: ({ area: ParkingPattern } & OccupancyFigures)[];
  turnover: TurnoverFigures | null;
}

const empty = (): OccupancyFigures => ({ sites: 0, reporting: 0, capacity: 0, free: 0, occupancy: null, full: 0 });

/**
 * The district KPIs from the sites and their latest counts at `now`: occupancy and free spaces
 * counted only from current counts of open sites (an outdated count is never shown as current,
 * the status rules of parkingStatus), for the district, the on-street berths and each area.
 */
export function parkingKpis(
  sites: readonly Pick<ParkingSite, 'id' | 'kind' | 'capacity' | 'pattern' | 'openingHours'>[],
  states: ReadonlyMap<string, ParkingState> | Readonly<Record<string, ParkingState | undefined>>,
  now: number,
  turnover: TurnoverFigures | null = null,
  rules: ParkingStatusRules = DEFAULT_PARKING_STATUS_RULES,
): ParkingKpis {
  const stateOf = states instanceof Map ? (id: string) => states.get(id) : (id: string) => (states as Record<string, ParkingState | undefined>)[id];
  const district = empty();
  const berths = empty();
  const areas = new Map<ParkingPattern, OccupancyFigures>(PARKING_PATTERNS.map((p) => [p, empty()]));
  let closed = 0;
  let outdated = 0;
  for (const site of sites) {
    const groups = [district, areas.get(site.pattern) ?? empty(), ...(site.kind === 'onStreet' ? [berths] : [])];
    for (const group of groups) group.sites++;
    const status = parkingStatus(site, stateOf(site.id), now, rules);
    if (status.status === 'closed') {
      closed++;
      continue;
    }
    if (status.availableSpotNumber === null) {
      outdated++;
      continue;
    }
    for (const group of groups) {
      group.reporting++;
      group.capacity += site.capacity;
      group.free += status.availableSpotNumber;
      if (status.status === 'full') group.full++;
    }
  }
  const finish = (group: OccupancyFigures): OccupancyFigures => {
    group.occupancy = group.capacity > 0 ? 1 - group.free / group.capacity : null;
    return group;
  };
  const byArea = [...areas]
    .filter(([, group]) => group.sites > 0)
    .map(([area, group]) => ({ area, ...finish(group) }))
    .sort((a, b) => (b.occupancy ?? -1) - (a.occupancy ?? -1) || PARKING_PATTERNS.indexOf(a.area) - PARKING_PATTERNS.indexOf(b.area));
  return { at: now, district: finish(district), berths: finish(berths), closed, outdated, byArea, turnover };
}

/**
 * Turnover from the live counts: an arrival is a drop in a site's free count between two of its
 * successive counts (sum of the drops), over a sliding window (default the last 3 hours) — a lower
 * bound, since an arrival and a departure between two counts cancel out. Two counts further apart
 * than the outdated limit are not compared (what happened between them is not known). Counted by
 * this viewer from the feed since it started; the window fills as it runs.
 */
export class ParkingTurnover {
  private readonly last = new Map<string, ParkingState>();
  private readonly compared = new Map<string, number>();
  /** Arrivals per bucket start (ms). */
  private readonly buckets = new Map<number, number>();
  private firstAt = Infinity;

  constructor(
    readonly windowMs = 3 * 3_600_000,
    private readonly bucketMs = 5 * 60_000,
    private readonly maxGapMs = DEFAULT_PARKING_STATUS_RULES.outdatedAfterMs,
  ) {
    if (!(windowMs > 0) || !(bucketMs > 0)) throw new RangeError('parking turnover: window and bucket must be positive');
  }

  /** A site's count; `capacity` is the site's spaces (the turnover's denominator). */
  observe(state: ParkingState, capacity: number): void {
    const previous = this.last.get(state.siteId);
    if (previous && state.observedAt <= previous.observedAt) return;
    this.last.set(state.siteId, state);
    if (!previous || state.observedAt - previous.observedAt > this.maxGapMs) return;
    // The window starts at the earliest count compared, not the earliest heard (a stale count
    // loaded at start would stretch it over time nothing was counted in).
    this.firstAt = Math.min(this.firstAt, previous.observedAt);
    this.compared.set(state.siteId, capacity);
    const arrivals = previous.availableSpotNumber - state.availableSpotNumber;
    if (arrivals <= 0) return;
    const bucket = Math.floor(state.observedAt / this.bucketMs) * this.bucketMs;
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + arrivals);
  }

  /** Turnover over the window ending at `now`; null before two counts of any site were compared. */
  figures(now: number): TurnoverFigures | null {
    const start = now - this.windowMs;
    let arrivals = 0;
    for (const [bucket, count] of this.buckets) {
      if (bucket + this.bucketMs <= start) this.buckets.delete(bucket);
      else arrivals += count;
    }
    let spaces = 0;
    for (const capacity of this.compared.values()) spaces += capacity;
    const hours = (now - Math.max(start, this.firstAt)) / 3_600_000;
    if (spaces === 0 || !(hours > 0)) return null;
    return { arrivals, spaces, hours, perSpace: arrivals / spaces, perSpacePerHour: arrivals / spaces / hours };
  }
}
