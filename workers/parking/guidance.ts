import type { ParkingForecast, ParkingGuidanceEntry, ParkingSite } from '../formats/parking.js';
import { BACKWARD, BOTH_WAYS, FORWARD, roadGraph, type RoadGraph } from '../routing/RoadGraph.js';
import { RoadRouter } from '../routing/RoadRouter.js';
import { appendPoint, type SnappedPoint } from '../routing/RoadSnapper.js';
import { DEFAULT_ROAD_SPEEDS, type RoadSpeeds } from '../routing/roadSpeeds.js';
import { freeOnArrival } from './forecast.js';

export interface GuideOptions {
  /** Minutes from `now` to arrival (≥ 0). */
  arriveInMinutes: number;
  /** The forecast of each site, in the order the guide was given its sites (none: the site is left out). */
  forecasts: readonly (ParkingForecast | null | undefined)[];
  /** The current time (ms); default: each forecast's start. */
  now?: number;
  /** Where the drive starts; default the destination (the drive from where the driver is heading to the site). */
  from?: { lon: number; lat: number };
  /** Sites farther than this walk from the destination are not offered (default 800 m). */
  maxWalkMeters?: number;
  /** How many to return (default 10). */
  limit?: number;
}

/** Walking pace on the streets (km/h). */
export const WALK_KMH = 5;
/**
 * Seconds a driver loses finding no space at a site (driving on and searching again): what a
 * chance of a full site costs in the ranking. 10 minutes, the order of cruising-for-parking
 * times reported for busy city centres.
 */
export const MISSED_SPACE_SECONDS = 600;

/**
 * Parking guidance: for a destination and an arrival time, the sites ranked by the expected time
 * to park and walk — driving time + walking time + (1 − P(a space is free on arrival)) × the cost
 * of a miss — so a nearer full site loses to a free one a little farther away, and a free site
 * far away loses to a likely one at the door.
 *
 * Three routers over one road graph (the routable graph of emergency routing): walking (every
 * street both ways at walking pace) timed from the destination by one search bounded at the
 * walking limit; driving from the start over the graph with its directions reversed (one search
 * towards the start times the drive from it to every site; the graph's own RoadRouter only
 * searches towards a target), stopped once every candidate is reached.
 */
export class ParkingGuide {
  private readonly walk: RoadRouter;
  private readonly drive: RoadRouter;
  private readonly walkSites: SnappedPoint[];
  private readonly driveSites: SnappedPoint[];
  private readonly walkMetresPerSecond = WALK_KMH / 3.6;

  constructor(
    graph: RoadGraph,
    readonly sites: readonly Pick<ParkingSite, 'id' | 'name' | 'lon' | 'lat'>[],
    speeds: RoadSpeeds = DEFAULT_ROAD_SPEEDS,
  ) {
    const walking = roadGraph(
      { ...graph, edgeDirections: new Uint8Array(graph.edgeDirections.length).fill(BOTH_WAYS) },
      { byClass: {}, fallback: WALK_KMH, access: WALK_KMH },
    );
    const flipped = graph.edgeDirections.map((d) => (d & FORWARD ? BACKWARD : 0) | (d & BACKWARD ? FORWARD : 0));
    this.walk = new RoadRouter(walking, { byClass: {}, fallback: WALK_KMH, access: WALK_KMH });
    this.drive = new RoadRouter(roadGraph({ ...graph, edgeDirections: flipped }, speeds), speeds);
    this.walkSites = sites.map((s) => this.walk.snap(s.lon, s.lat));
    this.driveSites = sites.map((s) => this.drive.snap(s.lon, s.lat));
  }

  /** The sites ranked for parking near `destination`, best first (see the class). */
  guide(destination: { lon: number; lat: number }, options: GuideOptions): ParkingGuidanceEntry[] {
    const { arriveInMinutes, forecasts } = options;
    if (!Number.isFinite(arriveInMinutes) || arriveInMinutes < 0) throw new RangeError(`arriveInMinutes must be a number ≥ 0, got ${arriveInMinutes}`);
    if (forecasts.length !== this.sites.length) throw new RangeError(`${forecasts.length} forecasts for ${this.sites.length} sites`);
    const maxWalkSeconds = (options.maxWalkMeters ?? 800) / this.walkMetresPerSecond;
    const limit = options.limit ?? 10;

    // Walking: one search from the destination, as far as one may walk.
    const target = this.walk.snap(destination.lon, destination.lat);
    this.walk.searchToward(
      target,
      () => {},
      () => maxWalkSeconds,
    );
    const candidates: { site: number; walkSeconds: number }[] = [];
    const walkGraph = this.walk.graph;
    this.walkSites.forEach((s, site) => {
      if (!forecasts[site]) return;
      const edgeSeconds = walkGraph.edgeSeconds[s.edge]!;
      let seconds = Math.min(
        this.walk.secondsFrom(walkGraph.edgeFrom[s.edge]!) + s.fraction * edgeSeconds,
        this.walk.secondsFrom(walkGraph.edgeTo[s.edge]!) + (1 - s.fraction) * edgeSeconds,
      );
      if (s.edge === target.edge)
        seconds = Math.min(seconds, Math.abs(s.fraction - target.fraction) * edgeSeconds + target.offRoadMetres / this.walkMetresPerSecond);
      seconds += s.offRoadMetres / this.walkMetresPerSecond;
      if (seconds <= maxWalkSeconds) candidates.push({ site, walkSeconds: seconds });
    });
    if (candidates.length === 0) return [];

    // Driving: from the start to every candidate (over the reversed graph, towards the start).
    const graph = this.drive.graph;
    const start = this.drive.snap((options.from ?? destination).lon, (options.from ?? destination).lat);
    const pending = new Set<number>();
    for (const { site } of candidates) {
      const s = this.driveSites[site]!;
      pending.add(graph.edgeFrom[s.edge]!).add(graph.edgeTo[s.edge]!);
    }
    this.drive.searchToward(
      start,
      (node) => pending.delete(node),
      () => (pending.size === 0 ? -1 : Infinity),
    );
    // Reversed graph: its FORWARD is the street's BACKWARD. Arriving at the site's point from its edge's from node drives the street forward.
    const streetForward = (edge: number): boolean => (graph.edgeDirections[edge]! & BACKWARD) !== 0;
    const streetBackward = (edge: number): boolean => (graph.edgeDirections[edge]! & FORWARD) !== 0;
    const accessSpeed = this.drive.accessSpeed;
    const ranked = candidates.flatMap(({ site, walkSeconds }) => {
      const s = this.driveSites[site]!;
      const edgeSeconds = graph.edgeSeconds[s.edge]!;
      let best = Infinity;
      let via: 'from' | 'to' | 'along' = 'from';
      const fromNode = streetForward(s.edge) ? this.drive.secondsFrom(graph.edgeFrom[s.edge]!) + s.fraction * edgeSeconds : Infinity;
      const toNode = streetBackward(s.edge) ? this.drive.secondsFrom(graph.edgeTo[s.edge]!) + (1 - s.fraction) * edgeSeconds : Infinity;
      if (fromNode < best) [best, via] = [fromNode, 'from'];
      if (toNode < best) [best, via] = [toNode, 'to'];
      if (s.edge === start.edge) {
        const ahead = s.fraction >= start.fraction;
        if (ahead ? streetForward(s.edge) : streetBackward(s.edge)) {
          const along = Math.abs(s.fraction - start.fraction) * edgeSeconds + start.offRoadMetres / accessSpeed;
          if (along <= best) [best, via] = [along, 'along'];
        }
      }
      if (best === Infinity) return [];
      const driveSeconds = best + s.offRoadMetres / accessSpeed;
      const forecast = forecasts[site]!;
      const minutes = arriveInMinutes + (options.now !== undefined ? (options.now - forecast.from) / 60_000 : 0);
      const { expectedFree, probabilityFree } = freeOnArrival(forecast, minutes);
      const cost = driveSeconds + walkSeconds + (1 - probabilityFree) * MISSED_SPACE_SECONDS;
      return [{ site, walkSeconds, driveSeconds, via, expectedFree, probabilityFree, cost }];
    });
    ranked.sort((a, b) => a.cost - b.cost || (this.sites[a.site]!.id < this.sites[b.site]!.id ? -1 : 1));

    return ranked.slice(0, limit).map((r): ParkingGuidanceEntry => {
      const s = this.driveSites[r.site]!;
      const route: number[] = [];
      if (r.via === 'along') this.drive.snapper.appendEdgePart(s.edge, start.along, s.along, route);
      else {
        const node = r.via === 'from' ? graph.edgeFrom[s.edge]! : graph.edgeTo[s.edge]!;
        // The reversed search walks from the node back to the start: turn it round.
        const back: number[] = [];
        this.drive.appendRouteFrom(node, back);
        for (let i = back.length - 2; i >= 0; i -= 2) appendPoint(route, back[i]!, back[i + 1]!);
        this.drive.snapper.appendEdgePart(s.edge, r.via === 'from' ? 0 : this.drive.snapper.edgeLength(s.edge), s.along, route);
      }
      const plane = this.drive.snapper.plane;
      let lengthMeters = 0;
      const coordinates: [number, number][] = [];
      for (let i = 0; i < route.length; i += 2) {
        coordinates.push([route[i]!, route[i + 1]!]);
        if (i > 0) lengthMeters += Math.hypot(plane.x(route[i]!) - plane.x(route[i - 2]!), plane.y(route[i + 1]!) - plane.y(route[i - 1]!));
      }
      const site = this.sites[r.site]!;
      return {
        siteId: site.id,
        name: site.name,
        expectedFree: Math.round(r.expectedFree * 10) / 10,
        probabilityFree: Math.round(r.probabilityFree * 1000) / 1000,
        walkMeters: Math.round(r.walkSeconds * this.walkMetresPerSecond),
        driveSeconds: Math.round(r.driveSeconds),
        route: { lengthMeters: Math.round(lengthMeters * 10) / 10, coordinates },
      };
    });
  }
}
