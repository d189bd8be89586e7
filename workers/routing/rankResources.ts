import type { LonLat, ResourceKind } from '../formats/incident.js';
import { BACKWARD, FORWARD } from './RoadGraph.js';
import type { RoadRouter } from './RoadRouter.js';
import { appendPoint, type SnappedPoint } from './RoadSnapper.js';
import type { ResourcePoints } from './resourcePoints.js';

/** Resources placed on the road graph once (columns in the order of their ResourcePoints). */
export interface SnappedResources {
  points: ResourcePoints;
  snapped: SnappedPoint[];
  /** CSR: resources whose edge ends at node n are atNode[atNodeStart[n] .. atNodeStart[n + 1]). */
  atNodeStart: Uint32Array;
  atNode: Uint32Array;
}

/** Places every resource on its nearest road (of the router's largest component). */
export function snapResources(router: RoadRouter, points: ResourcePoints): SnappedResources {
  const { graph } = router;
  const count = points.ids.length;
  if ([points.kinds, points.names, points.lon, points.lat].some((column) => column.length !== count))
    throw new RangeError('resources: columns differ in length');
  const snapped = Array.from({ length: count }, (_, r) => router.snap(points.lon[r]!, points.lat[r]!));
  const atNodeStart = new Uint32Array(graph.nodeCount + 1);
  for (const s of snapped) {
    atNodeStart[graph.edgeFrom[s.edge]! + 1]!++;
    atNodeStart[graph.edgeTo[s.edge]! + 1]!++;
  }
  for (let n = 0; n < graph.nodeCount; n++) atNodeStart[n + 1]! += atNodeStart[n]!;
  const fill = atNodeStart.slice(0, graph.nodeCount);
  const atNode = new Uint32Array(count * 2);
  snapped.forEach((s, r) => {
    atNode[fill[graph.edgeFrom[s.edge]!]!++] = r;
    atNode[fill[graph.edgeTo[s.edge]!]!++] = r;
  });
  return { points, snapped, atNodeStart, atNode };
}

export interface RankOptions {
  /** Only resources of these kinds (all when absent). */
  kinds?: readonly ResourceKind[];
  /** The k nearest of each kind instead of the k nearest overall. */
  perKind?: boolean;
}

/**
 * The ranking, best first (kind by kind in the order asked when ranked per kind), as columns;
 * route r is routeLonLat[2 * routeStart[r] .. 2 * routeStart[r + 1]) as [lon, lat] pairs, from
 * the resource to the incident. Travel times count the off-road legs at the access speed.
 */
export interface RankedResources {
  /** Index into the resources given. */
  resource: Uint32Array;
  ids: string[];
  kinds: ResourceKind[];
  names: string[];
  travelSeconds: Float64Array;
  /** Length of the route (roads and the off-road legs), metres. */
  routeMetres: Float64Array;
  routeStart: Uint32Array;
  routeLonLat: Float64Array;
  /** The incident's point on the road and its off-road metres. */
  incidentOnRoad: { lon: number; lat: number; offRoadMetres: number };
  /** Resources of the kinds asked that no route reaches (one-way streets, islands). */
  unreachable: string[];
  /** Nodes the search settled before it could stop (the work done). */
  settledNodes: number;
}

/**
 * The k resources nearest to an incident by travel time, with their routes: one Dijkstra
 * search from the incident over the reversed graph times every resource at once, and stops
 * as soon as no unsettled node could beat the k-th best of each group.
 */
export function rankResources(router: RoadRouter, incident: LonLat, resources: SnappedResources, k: number, options: RankOptions = {}): RankedResources {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const { graph } = router;
  const { points, snapped } = resources;
  const wanted = options.kinds ? new Set(options.kinds) : null;
  const groups: (ResourceKind | null)[] = options.perKind ? [...new Set(options.kinds ?? points.kinds)] : [null];
  const groupOf = (r: number): number => (options.perKind ? groups.indexOf(points.kinds[r]!) : wanted && !wanted.has(points.kinds[r]!) ? -1 : 0);
  const target = router.snap(incident[0], incident[1]);
  const best = new Float64Array(points.ids.length).fill(Infinity);
  /** Which way resource r leaves its edge: 0 towards the from node, 1 towards the to node, 2 straight along to the incident. */
  const via = new Uint8Array(points.ids.length);
  const access = (r: number): number => snapped[r]!.offRoadMetres / router.accessSpeed;

  // On the incident's own edge, a resource may drive straight to it.
  points.ids.forEach((_, r) => {
    const s = snapped[r]!;
    if (groupOf(r) < 0 || s.edge !== target.edge) return;
    const direction = graph.edgeDirections[s.edge]!;
    const along = (target.fraction - s.fraction) * graph.edgeSeconds[s.edge]!;
    if ((along >= 0 && direction & FORWARD) || (along <= 0 && direction & BACKWARD)) {
      best[r] = access(r) + Math.abs(along) + target.offRoadMetres / router.accessSpeed;
      via[r] = 2;
    }
  });

  // The k-th best time in each group: the search may stop once the heap's next key passes them all.
  let threshold = Infinity;
  const updateThreshold = (): void => {
    let worst = 0;
    for (let g = 0; g < groups.length; g++) {
      const times: number[] = [];
      for (let r = 0; r < best.length; r++) if (groupOf(r) === g) times.push(best[r]!);
      if (times.length === 0) continue;
      times.sort((a, b) => a - b);
      worst = Math.max(worst, times[Math.min(k, times.length) - 1]!);
    }
    threshold = worst;
  };
  updateThreshold();

  router.searchToward(
    target,
    (node, seconds) => {
      let changed = false;
      for (let i = resources.atNodeStart[node]!; i < resources.atNodeStart[node + 1]!; i++) {
        const r = resources.atNode[i]!;
        if (groupOf(r) < 0) continue;
        const s = snapped[r]!;
        const towardsFrom = graph.edgeFrom[s.edge] === node;
        // Leaving towards the from node drives the edge backwards, towards the to node forwards.
        if (!(graph.edgeDirections[s.edge]! & (towardsFrom ? BACKWARD : FORWARD))) continue;
        const time = access(r) + (towardsFrom ? s.fraction : 1 - s.fraction) * graph.edgeSeconds[s.edge]! + seconds;
        if (time < best[r]!) {
          best[r] = time;
          via[r] = towardsFrom ? 0 : 1;
          changed = true;
        }
      }
      if (changed) updateThreshold();
    },
    () => threshold,
  );

  const chosen: number[] = [];
  const unreachable: string[] = [];
  for (let g = 0; g < groups.length; g++) {
    const members = points.ids.map((_, r) => r).filter((r) => groupOf(r) === g);
    // Only a search that ran out of nodes proves a resource unreachable; one stopped early just did not need it.
    if (router.exhausted) for (const r of members) if (best[r] === Infinity) unreachable.push(points.ids[r]!);
    chosen.push(
      ...members
        .filter((r) => best[r]! < Infinity)
        .sort((a, b) => best[a]! - best[b]! || (points.ids[a]! < points.ids[b]! ? -1 : 1))
        .slice(0, k),
    );
  }

  const routeStart = [0];
  const lonLat: number[] = [];
  const routeMetres: number[] = [];
  for (const r of chosen) {
    const s = snapped[r]!;
    const route: number[] = [points.lon[r]!, points.lat[r]!];
    const length = router.snapper.edgeLength(s.edge);
    if (via[r] === 2) router.snapper.appendEdgePart(s.edge, s.along, target.along, route);
    else {
      router.snapper.appendEdgePart(s.edge, s.along, via[r] === 0 ? 0 : length, route);
      router.appendRouteFrom(via[r] === 0 ? graph.edgeFrom[s.edge]! : graph.edgeTo[s.edge]!, route);
    }
    appendPoint(route, incident[0], incident[1]);
    // The route ends on the incident itself, even when its point on the road is within 0.1 mm of it.
    route[route.length - 2] = incident[0];
    route[route.length - 1] = incident[1];
    let metres = 0;
    const plane = router.snapper.plane;
    for (let i = 2; i < route.length; i += 2)
      metres += Math.sqrt((plane.x(route[i]!) - plane.x(route[i - 2]!)) ** 2 + (plane.y(route[i + 1]!) - plane.y(route[i - 1]!)) ** 2);
    routeMetres.push(metres);
    lonLat.push(...route);
    routeStart.push(lonLat.length / 2);
  }
  return {
    resource: Uint32Array.from(chosen),
    ids: chosen.map((r) => points.ids[r]!),
    kinds: chosen.map((r) => points.kinds[r]!),
    names: chosen.map((r) => points.names[r]!),
    travelSeconds: Float64Array.from(chosen, (r) => best[r]!),
    routeMetres: Float64Array.from(routeMetres),
    routeStart: Uint32Array.from(routeStart),
    routeLonLat: Float64Array.from(lonLat),
    incidentOnRoad: { lon: target.lon, lat: target.lat, offRoadMetres: target.offRoadMetres },
    unreachable,
    settledNodes: router.settled,
  };
}

/** Route r of a ranking as [lon, lat] pairs (for drawing or GeoJSON). */
export function routeOf(ranked: RankedResources, r: number): LonLat[] {
  const route: LonLat[] = [];
  for (let i = ranked.routeStart[r]!; i < ranked.routeStart[r + 1]!; i++) route.push([ranked.routeLonLat[2 * i]!, ranked.routeLonLat[2 * i + 1]!]);
  return route;
}
