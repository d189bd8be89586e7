import { bbox, buffer, difference, featureCollection, lineString, polygon } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';

/** A window into the ground's outline (the store's groundWindow.polygon): a ring of `[lon, lat]` degrees, not closed. */
export type WindowRing = readonly (readonly [number, number])[];

/**
 * The ground's vector layers are batched Cesium primitives, which no clipping polygon reaches
 * (Cesium clips the globe, tilesets and models only): where a window into the ground is open
 * (an excavation pit), the features that reach it are drawn as their polygons minus the window
 * (polyclip-ts through turf's difference), the others as they were.
 */

/** The polygon (outer ring and holes, `[lon, lat]`) less the window: polygons to draw, or null when it does not reach the window. */
export function polygonMinusWindow(rings: number[][][], window: WindowRing): number[][][][] | null {
  const outer = rings[0];
  if (!outer || outer.length < 3 || !boxesMeet(boxOf(outer), boxOf(window))) return null;
  return minusWindow(polygon(rings.map(closed)), window);
}

/**
 * A road's corridor (its centre line `[lon, lat]` and width in metres) less the window: polygons
 * to draw, or null when it does not reach the window (then the corridor is drawn as before).
 */
export function corridorMinusWindow(line: number[][], widthMetres: number, window: WindowRing): number[][][][] | null {
  if (line.length < 2) return null;
  const reach = widthMetres / 2 / 111_000 / Math.cos(((line[0]![1] ?? 0) * Math.PI) / 180);
  const box = boxOf(line);
  if (!boxesMeet([box[0] - reach, box[1] - reach, box[2] + reach, box[3] + reach], boxOf(window))) return null;
  const corridor = buffer(lineString(line), widthMetres / 2, { units: 'meters', steps: 4 });
  if (!corridor) return null;
  return minusWindow(corridor as Feature<Polygon | MultiPolygon>, window);
}

function minusWindow(shape: Feature<Polygon | MultiPolygon>, window: WindowRing): number[][][][] {
  const rest = difference(featureCollection([shape, polygon([closed(window.map(([lon, lat]) => [lon, lat]))])]));
  if (!rest) return [];
  return rest.geometry.type === 'Polygon' ? [rest.geometry.coordinates] : rest.geometry.coordinates;
}

function closed(ring: number[][]): number[][] {
  const first = ring[0]!;
  const last = ring[ring.length - 1]!;
  return first[0] === last[0] && first[1] === last[1] ? ring : [...ring, first];
}

type Box = [number, number, number, number];

function boxOf(points: readonly (readonly number[])[]): Box {
  return bbox(lineString(points.map(([lon, lat]) => [lon!, lat!]))) as Box;
}

function boxesMeet(a: Box, b: Box): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}
