import { describe, expect, it } from 'vitest';
import type { ParkingForecastsDocument, ParkingState } from '../formats/parking.js';
import { buildRoadGraph } from '../routing/buildRoadGraph.js';
import { roadGraphDocument } from '../routing/roadGraphDocument.js';
import { roadLinesFromGeoJson } from '../routing/RoadLines.js';
import { LocalPlane } from '../spatial/LocalPlane.js';
import { correctForecastWithCount, ParkingGuidanceKernel } from './guidanceKernel.js';

const MINUTE = 60_000;
const NOW = Date.UTC(2026, 10, 30, 1, 0);

/** A 3 × 3 grid of streets 400 m apart, drawn in metres east/north of a point, as a road-graph document. */
const plane = new LocalPlane(117.15, 39.1);
const lonLat = (x: number, y: number): { lon: number; lat: number } => ({ lon: plane.lon(x), lat: plane.lat(y) });
const lines = [
  ...[0, 400, 800].map((y) => [
    [0, y],
    [800, y],
  ]),
  ...[0, 400, 800].map((x) => [
    [x, 0],
    [x, 800],
  ]),
];
const graph = roadGraphDocument(
  buildRoadGraph(
    roadLinesFromGeoJson({
      type: 'FeatureCollection',
      features: lines.map((line) => ({
        type: 'Feature',
        properties: { class: 'local', name: '' },
        geometry: { type: 'LineString', coordinates: line.map(([x, y]) => [plane.lon(x!), plane.lat(y!)]) },
      })),
    }).lines,
  ).parts,
  5,
);
const site = (id: string, x: number, y: number, capacity = 20) => ({ id, name: id, ...lonLat(x, y), capacity });
/** A flat forecast: `occupied` at every step, σ 0.8 spaces. */
const flat = (siteId: string, capacity: number, occupied: number) => ({
  siteId,
  capacity,
  mean: Array(12).fill(occupied),
  lo: Array(12).fill(Math.max(0, occupied - 1)),
  hi: Array(12).fill(Math.min(capacity, occupied + 1)),
  sigma: Array(12).fill(0.8),
});
const document = (from: number, sites: ParkingForecastsDocument['sites']): ParkingForecastsDocument => ({ from, stepMs: 5 * MINUTE, sites });

describe('parking guidance kernel', () => {
  const sites = [site('door', 420, 410), site('corner', 560, 410)];
  const destination = lonLat(400, 405);
  const from = lonLat(0, 0);

  it('ranks from the forecasts, and re-ranks when a newer count shows the door site filling up', () => {
    const kernel = new ParkingGuidanceKernel();
    expect(kernel.load({ graph, sites }).sites).toBe(2);
    expect(kernel.setForecasts(document(NOW - 2 * MINUTE, [flat('door', 20, 10), flat('corner', 20, 10)]))).toBe(2);
    const before = kernel.guide({ destination, from, arriveInMinutes: 5, now: NOW });
    expect(before.entries.map((e) => e.siteId)).toEqual(['door', 'corner']);
    expect(before.corrected).toBe(0);

    // A minute ago the door site was counted full: the near steps follow the count.
    kernel.setStates([{ siteId: 'door', observedAt: NOW - MINUTE, availableSpotNumber: 0 }]);
    const after = kernel.guide({ destination, from, arriveInMinutes: 5, now: NOW });
    expect(after.corrected).toBe(1);
    expect(after.entries.map((e) => e.siteId)).toEqual(['corner', 'door']);
    const door = after.entries.find((e) => e.siteId === 'door')!;
    // Full 6 minutes before arrival: 90 % of the gap carried, about one space expected.
    expect(before.entries[0]!.probabilityFree).toBeGreaterThan(0.99);
    expect(door.probabilityFree).toBeLessThan(0.8);
    expect(door.expectedFree).toBeCloseTo(1, 0);
    // An older count arriving late does not undo the newer one.
    kernel.setStates([{ siteId: 'door', observedAt: NOW - 10 * MINUTE, availableSpotNumber: 15 }]);
    expect(kernel.guide({ destination, from, arriveInMinutes: 5, now: NOW }).entries[0]!.siteId).toBe('corner');
    expect(after.milliseconds).toBeLessThan(100);
  });

  it('ignores counts older than the forecast or outdated, and leaves out sites with no forecast', () => {
    const kernel = new ParkingGuidanceKernel();
    kernel.load({ graph, sites });
    kernel.setForecasts(document(NOW - 2 * MINUTE, [flat('door', 20, 10), flat('unknown-site', 20, 0)]));
    kernel.setStates([{ siteId: 'door', observedAt: NOW - 5 * MINUTE, availableSpotNumber: 0 }]);
    const answer = kernel.guide({ destination, from, arriveInMinutes: 5, now: NOW });
    expect(answer.corrected).toBe(0);
    expect(answer.entries.map((e) => e.siteId)).toEqual(['door']);
  });

  it('refuses requests it cannot answer, naming what is wrong', () => {
    const kernel = new ParkingGuidanceKernel();
    expect(() => kernel.guide({ destination, arriveInMinutes: 5, now: NOW })).toThrow(/parking.load first/);
    expect(() => kernel.load({ graph, sites: [] })).toThrow(/no sites/);
    kernel.load({ graph, sites });
    expect(() => kernel.setForecasts({} as ParkingForecastsDocument)).toThrow(/not a forecasts document/);
    expect(() => kernel.guide({ destination: { lon: Number.NaN, lat: 39 }, arriveInMinutes: 5, now: NOW })).toThrow(/lon\/lat/);
    expect(() => kernel.guide({ destination, arriveInMinutes: -5, now: NOW })).toThrow(/arriveInMinutes/);
  });
});

describe('a newer count corrects the forecast start', () => {
  const forecast = {
    from: NOW,
    stepMs: 5 * MINUTE,
    capacity: 100,
    mean: new Float32Array(12).fill(50),
    lo: new Float32Array(12).fill(40),
    hi: new Float32Array(12).fill(60),
    sigma: new Float32Array(12).fill(8),
  };
  const count = (minutesAfter: number, available: number): ParkingState => ({
    siteId: 's',
    observedAt: NOW + minutesAfter * MINUTE,
    availableSpotNumber: available,
  });

  it('carries the difference in full at the count and fades it out over the hour after it', () => {
    // Counted 80 occupied 5 minutes in: 30 above the forecast.
    const corrected = correctForecastWithCount(forecast, count(5, 20), NOW + 6 * MINUTE);
    expect(corrected.mean[0]).toBeCloseTo(80, 3); // step 1 = 5 min: the count's own time
    expect(corrected.mean[5]).toBeCloseTo(50 + 30 * (1 - 25 / 60), 3); // 30 min, 25 after the count
    expect(corrected.mean[11]).toBeCloseTo(50 + 30 * (1 - 55 / 60), 3);
    expect(corrected.hi[0]).toBeCloseTo(90, 3);
    expect(corrected.sigma).toBe(forecast.sigma);
    // Clamped to the capacity.
    expect(correctForecastWithCount(forecast, count(5, 0), NOW + 6 * MINUTE).hi[0]).toBe(100);
  });

  it('changes nothing for a count older than the forecast or outdated', () => {
    expect(correctForecastWithCount(forecast, count(-1, 0), NOW)).toBe(forecast);
    expect(correctForecastWithCount(forecast, count(5, 0), NOW + 40 * MINUTE)).toBe(forecast);
    expect(correctForecastWithCount(forecast, undefined, NOW)).toBe(forecast);
  });
});
