import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSeeds, GENERATED_DIR } from '../seeds/generator/main.js';
import type { ParkingForecastsDocument } from '../workers/formats/parking.js';
import { FORECAST_STEP_MS, forecastParking } from '../workers/parking/forecast.js';
import { parkingRequestHandlers } from '../workers/parking/guidanceKernel.js';
import { simulateOccupancy } from '../workers/parking/occupancyModel.js';
import { parkingSitesFromGeoJson } from '../workers/parking/parkingSites.js';
import { serveWorkerRequests } from '../workers/protocol/serveWorkerRequests.js';
import { Random } from '../workers/random/Random.js';
import { RoadSnapper } from '../workers/routing/RoadSnapper.js';
import { roadGraphFromDocument } from '../workers/routing/roadGraphDocument.js';
import { WorkerHost, type WorkerEndpoint } from '../viewer/src/platform/WorkerHost.js';

// The seed district's 1,354 sites and road graph, through the parking worker's own handlers and
// the viewer's WorkerHost over a MessagePort: what a guide request costs end to end (structured
// clone both ways included), not only the kernel.
if (!existsSync(join(GENERATED_DIR, 'nankai-parking.geojson'))) generateSeeds();
const sites = parkingSitesFromGeoJson(JSON.parse(readFileSync(join(GENERATED_DIR, 'nankai-parking.geojson'), 'utf8')));
const graphBytes = readFileSync(join(GENERATED_DIR, 'nankai-road-graph.json'));
/** Monday 2026-11-23 00:00 China Standard Time; a week of 5-minute counts per site. */
const FROM = Date.UTC(2026, 10, 22, 16, 0);
const COUNT = 7 * 288;

const { port1, port2 } = new MessageChannel();
serveWorkerRequests<'parking'>(parkingRequestHandlers(), port2 as unknown as WorkerEndpoint);
const host = new WorkerHost({ parking: () => port1 as unknown as WorkerEndpoint });
afterAll(() => {
  host.destroy();
  port2.close();
});

describe('the parking worker on the seed district', () => {
  const time = Float64Array.from({ length: COUNT }, (_, i) => FROM + i * FORECAST_STEP_MS);
  const now = time[COUNT - 1]! + 3 * 60_000;

  it('loads, takes the forecasts and live counts, and answers a guide request well inside 100 ms', async () => {
    const buffer = graphBytes.buffer.slice(graphBytes.byteOffset, graphBytes.byteOffset + graphBytes.byteLength);
    const loaded = await host.request('parking.load', {
      graph: buffer,
      sites: sites.map(({ id, name, lon, lat, capacity }) => ({ id, name, lon, lat, capacity })),
    });
    expect(loaded.sites).toBe(sites.length);
    const document: ParkingForecastsDocument = { from: time[COUNT - 1]!, stepMs: FORECAST_STEP_MS, sites: [] };
    const last: number[] = [];
    for (const site of sites) {
      const occupied = simulateOccupancy(site, FROM, FORECAST_STEP_MS, COUNT, 5);
      last.push(occupied[COUNT - 1]!);
      const f = forecastParking(time, occupied, site.capacity, document.from);
      document.sites.push({ siteId: site.id, capacity: site.capacity, mean: [...f.mean], lo: [...f.lo], hi: [...f.hi], sigma: [...f.sigma] });
    }
    expect(await host.request('parking.forecasts', document)).toBe(sites.length);
    // Every site counted a minute ago, after the forecast was made: the forecasts are corrected at each request.
    await host.request(
      'parking.states',
      sites.map((site, i) => ({ siteId: site.id, observedAt: now - 60_000, availableSpotNumber: Math.max(0, site.capacity - last[i]! - 1) })),
    );

    const network = new RoadSnapper(roadGraphFromDocument(graphBytes));
    const random = new Random(151);
    const roundTrips: number[] = [];
    const inWorker: number[] = [];
    for (let request = 0; request < 40; request++) {
      const near = random.pick(sites);
      const destination = { lon: near.lon + random.range(-0.002, 0.002), lat: near.lat + random.range(-0.002, 0.002) };
      const from = { lon: destination.lon + random.range(-0.02, 0.02), lat: destination.lat + random.range(-0.015, 0.015) };
      const started = performance.now();
      const answer = await host.request('parking.guide', { destination, from, arriveInMinutes: [0, 15, 30, 60][request % 4]!, now });
      roundTrips.push(performance.now() - started);
      inWorker.push(answer.milliseconds);
      expect(answer.corrected).toBeGreaterThan(sites.length * 0.9);
      expect(answer.entries.length).toBeGreaterThan(0);
      for (const entry of answer.entries) for (const [lon, lat] of entry.route.coordinates) expect(network.snap(lon, lat)!.offRoadMetres).toBeLessThan(0.01);
    }
    const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b);
    const [p50, p95] = [sorted(roundTrips)[20]!, sorted(roundTrips)[38]!];
    console.log(
      `parking worker: load ${loaded.milliseconds.toFixed(0)} ms; guide round trip p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (in the kernel p50 ${sorted(inWorker)[20]!.toFixed(1)} ms)`,
    );
    expect(p50).toBeLessThan(100);
  }, 120_000);
});
