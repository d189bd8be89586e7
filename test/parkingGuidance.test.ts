import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSeeds, GENERATED_DIR } from '../seeds/generator/main.js';
import { FORECAST_STEP_MS, forecastParking } from '../workers/parking/forecast.js';
import { ParkingGuide } from '../workers/parking/guidance.js';
import { simulateOccupancy } from '../workers/parking/occupancyModel.js';
import { parkingSitesFromGeoJson } from '../workers/parking/parkingSites.js';
import { Random } from '../workers/random/Random.js';
import { roadGraphFromDocument } from '../workers/routing/roadGraphDocument.js';
import { RoadSnapper } from '../workers/routing/RoadSnapper.js';

// The seed district: its 1,354 parking sites on the routable graph of emergency routing.
if (!existsSync(join(GENERATED_DIR, 'nankai-parking.geojson'))) generateSeeds();
const sites = parkingSitesFromGeoJson(JSON.parse(readFileSync(join(GENERATED_DIR, 'nankai-parking.geojson'), 'utf8')));
const graph = roadGraphFromDocument(readFileSync(join(GENERATED_DIR, 'nankai-road-graph.json')));
/** Monday 2026-11-23 00:00 China Standard Time; a week of 5-minute counts per site. */
const FROM = Date.UTC(2026, 10, 22, 16, 0);
const COUNT = 7 * 288;

describe('parking guidance on the seed district', () => {
  const time = Float64Array.from({ length: COUNT }, (_, i) => FROM + i * FORECAST_STEP_MS);
  const now = time[COUNT - 1]!;
  const forecasts = sites.map((site) => forecastParking(time, simulateOccupancy(site, FROM, FORECAST_STEP_MS, COUNT, 5), site.capacity, now));
  const guide = new ParkingGuide(graph, sites);
  // Every edge may be snapped to: a vertex off every road is off the network.
  const network = new RoadSnapper(graph);
  const random = new Random(15);

  it('ranks sites within walking distance with routes whose every vertex lies on a road, well inside 100 ms', () => {
    const times: number[] = [];
    let routes = 0;
    for (let request = 0; request < 30; request++) {
      const near = random.pick(sites);
      const destination = { lon: near.lon + random.range(-0.002, 0.002), lat: near.lat + random.range(-0.002, 0.002) };
      const from = { lon: destination.lon + random.range(-0.02, 0.02), lat: destination.lat + random.range(-0.015, 0.015) };
      const started = performance.now();
      const ranked = guide.guide(destination, { arriveInMinutes: 15, forecasts, from });
      times.push(performance.now() - started);
      expect(ranked.length).toBeGreaterThan(0);
      for (const entry of ranked) {
        expect(entry.walkMeters).toBeLessThanOrEqual(800);
        expect(entry.probabilityFree).toBeGreaterThanOrEqual(0);
        expect(entry.probabilityFree).toBeLessThanOrEqual(1);
        expect(entry.route.coordinates.length).toBeGreaterThanOrEqual(2);
        for (const [lon, lat] of entry.route.coordinates) expect(network.snap(lon, lat)!.offRoadMetres).toBeLessThan(0.01);
        routes++;
      }
    }
    expect(routes).toBeGreaterThan(100);
    expect([...times].sort((a, b) => a - b)[15]!).toBeLessThan(100);
  });
});
