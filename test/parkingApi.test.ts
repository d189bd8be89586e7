import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PARKING_FORECAST_PATH,
  PARKING_SITES_PATH,
  PARKING_TOPIC,
  type ParkingForecastsDocument,
  type ParkingHistoryDocument,
  type ParkingSite,
  type ParkingSitesCollection,
  type ParkingUpdate,
} from '../workers/formats/parking.js';
import { SensorState } from '../workers/live/alarmStateMachine.js';
import { observationsTopic } from '../workers/live/sensorTypes.js';
import { type NgsiEntity, parkingFromFiware } from '../workers/parking/fiware.js';
import { parkingStatus } from '../workers/parking/parkingStatus.js';
import { FORECAST_STEPS } from '../workers/parking/forecast.js';
import { type PostgresServer, postgresForTests, startPostgresServer } from '../harness/postgresServer.js';
import { PARKING_AT_HEADER } from '../server/parking/createParkingApi.js';
import type { StoreLocation } from '../server/store/openStore.js';
import { startDemoServer } from './support/demoServer.js';

/**
 * The parking API and feed against the running demo server (embedded broker, the store on
 * DuckDB and on a real PostgreSQL): level counts published over MQTT with known times for a
 * garage (three floors) and an on-street berth group, then the sites document (every seed site
 * read back with parkingFromFiware), the live feed on PARKING_TOPIC, an outdated count, the
 * states at a past time, a site's history, the forecasts and the 400s/404s.
 */
const publisher = { username: 'test-publisher', password: 'a-long-test-secret' };
const MINUTE = 60_000;
/** Two hours ago, on a whole minute: inside the raw retention. */
const T0 = Math.floor((Date.now() - 2 * 3_600_000) / MINUTE) * MINUTE;
const iso = (ms: number): string => new Date(ms).toISOString();
/** A name a careless viewer would run as markup: the API returns it as plain JSON text. */
const MARKUP_NAME = '<img src=x onerror="alert(1)"> & </script>停车场';

const seedFile = join(import.meta.dirname, '../seeds/generated/nankai-parking.geojson');
const collection = JSON.parse(readFileSync(seedFile, 'utf8')) as ParkingSitesCollection;
const garageFeature = collection.features.find((f) => f.properties.levels.length >= 3 && !f.properties.openingHours)!;
const streetFeature = collection.features.find((f) => f.properties.kind === 'onStreet' && !f.properties.openingHours)!;
const markupFeature = collection.features.find((f) => f !== garageFeature && f !== streetFeature)!;
markupFeature.properties.name = MARKUP_NAME;
const garage = { ...garageFeature.properties, lon: 0, lat: 0 } as ParkingSite;
const street = { ...streetFeature.properties, lon: 0, lat: 0 } as ParkingSite;

/** Free spaces per garage floor at T0 + 0, 10, 20 min; the street group's at T0 + 0, 10 min. */
const garageReadings: [number, number[]][] = [
  [0, garage.levels.map((l) => l.capacity)],
  [10 * MINUTE, garage.levels.map((l) => Math.floor(l.capacity / 2))],
  [20 * MINUTE, garage.levels.map((l, i) => (i === 0 ? 0 : Math.floor(l.capacity / 3)))],
];
const streetReadings: [number, number][] = [
  [0, street.capacity],
  [10 * MINUTE, 1],
];
const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

let postgres: PostgresServer | undefined;
const engines: { name: string; location: () => StoreLocation | undefined }[] = [
  { name: 'DuckDB (embedded)', location: () => undefined },
  ...(postgresForTests('parkingApi.test: no PostgreSQL binaries (initdb): the PostgreSQL engine is skipped; apt-get install postgresql')
    ? [{ name: 'PostgreSQL', location: (): StoreLocation => ({ engine: 'postgres', url: postgres!.url }) }]
    : []),
];

describe.each(engines)('parking on $name', (engine) => {
  let server: Awaited<ReturnType<typeof startDemoServer>>;
  let folder: string;
  let garageStreams: number[] = [];
  let streetStream = 0;

  const publish = async (readings: [number, number, number][]): Promise<void> => {
    const live = server.live!;
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${live.broker.tcpPort()}`, { reconnectPeriod: 0, ...publisher });
    const before = live.broker.counters.accepted;
    for (const [datastream, time, result] of readings)
      await device.publishAsync(observationsTopic(datastream), JSON.stringify({ phenomenonTime: iso(time), result }), { qos: 1 });
    await device.endAsync();
    for (const started = Date.now(); live.broker.counters.accepted < before + readings.length;) {
      if (Date.now() - started > 10_000) throw new Error(`the broker accepted ${live.broker.counters.accepted - before} of ${readings.length}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await live.history.flush();
  };

  beforeAll(async () => {
    if (engine.name === 'PostgreSQL') postgres = await startPostgresServer();
    folder = mkdtempSync(join(tmpdir(), 'cimtwin-parking-'));
    const sitesFile = join(folder, 'parking.geojson');
    writeFileSync(sitesFile, JSON.stringify(collection));
    const storeLocation = engine.location();
    server = await startDemoServer({
      live: { simulator: false, publisher, parking: { sitesFile } },
      ...(storeLocation ? { incidents: { storeLocation } } : {}),
    });
    const { streams, sites } = server.live!.parking;
    const index = (id: string): number => sites.findIndex((s) => s.id === id);
    garageStreams = garage.levels.map((_, level) => streams.datastream(index(garage.id), level));
    streetStream = streams.datastream(index(street.id), 0);
    await publish([
      ...garageReadings.flatMap(([t, free]) => free.map((f, level): [number, number, number] => [garageStreams[level]!, T0 + t, f])),
      ...streetReadings.map(([t, free]): [number, number, number] => [streetStream, T0 + t, free]),
    ]);
  }, 300_000);

  afterAll(async () => {
    await server?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
    postgres?.destroy();
    postgres = undefined;
  }, 30_000);

  /** The sites document at `query`, grouped by site and read back with parkingFromFiware. */
  async function sitesAt(
    query = '',
  ): Promise<{ at: number; text: string; sites: Map<string, ReturnType<typeof parkingFromFiware> & { entities: NgsiEntity[] }> }> {
    const response = await fetch(`${server.url}${PARKING_SITES_PATH}${query}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/ld+json; charset=utf-8');
    const text = await response.text();
    const entities = JSON.parse(text) as NgsiEntity[];
    const bySite = new Map<string, NgsiEntity[]>();
    for (const entity of entities) {
      const siteId = entity.type === 'ParkingGroup' ? entity.id.split(':').at(-2)! : entity.id.split(':').at(-1)!;
      bySite.set(siteId, [...(bySite.get(siteId) ?? []), entity]);
    }
    return {
      at: Number(response.headers.get(PARKING_AT_HEADER)),
      text,
      sites: new Map([...bySite].map(([id, group]) => [id, { ...parkingFromFiware(group), entities: group }])),
    };
  }

  it('lists every site as NGSI-LD entities that parse back with parkingFromFiware, the count as published', async () => {
    const before = Date.now();
    const { at, sites } = await sitesAt();
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
    expect(sites.size).toBe(collection.features.length);
    for (const feature of collection.features) {
      const { site } = sites.get(feature.id)!;
      expect(site.capacity).toBe(feature.properties.capacity);
      expect(site.levels.map((l) => l.id)).toEqual(feature.properties.levels.map((l) => l.id));
    }
    // The garage's last count (T0 + 20 min, 1 h 40 min ago): kept with the time it was made, and judged outdated.
    const { state, entities } = sites.get(garage.id)!;
    expect(state?.observedAt).toBe(T0 + 20 * MINUTE);
    expect(state?.availableSpotNumber).toBe(sum(garageReadings[2]![1]));
    expect(state?.levels?.map((l) => l.availableSpotNumber)).toEqual(garageReadings[2]![1]);
    expect(entities[0]!['status']).toMatchObject({ value: ['unknown'] });
    expect(parkingStatus(garage, state, at)).toMatchObject({ status: 'unknown', outdated: true, availableSpotNumber: null });
    // A site never heard has no count at all.
    const silent = [...sites.values()].find((s) => s.site.id !== garage.id && s.site.id !== street.id && !s.site.openingHours)!;
    expect(silent.state).toBeNull();
    expect(silent.entities[0]!['status']).toMatchObject({ value: ['unknown'] });
  });

  it('returns a site name with markup verbatim as JSON text', async () => {
    const { text, sites } = await sitesAt();
    expect(sites.get(markupFeature.id)!.site.name).toBe(MARKUP_NAME);
    expect(text).toContain(JSON.stringify(MARKUP_NAME));
  });

  it('takes a count published over MQTT: the site changes and the change arrives on the parking topic', async () => {
    const viewer = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.live!.broker.tcpPort()}`, { reconnectPeriod: 0 });
    const granted = await viewer.subscribeAsync(PARKING_TOPIC, { qos: 1 });
    expect(granted[0]!.qos).toBe(1); // an anonymous viewer may read the parking topic
    const updates: ParkingUpdate[] = [];
    viewer.on('message', (topic, payload) => topic === PARKING_TOPIC && updates.push(JSON.parse(payload.toString()) as ParkingUpdate));
    // Changes counted before this test (the setup's) go out within a second: only ours after that.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    updates.length = 0;
    const now = Date.now() - 1000;
    const free = garage.levels.map((l, i) => Math.min(l.capacity, i + 3));
    await publish(free.map((f, level) => [garageStreams[level]!, now, f]));
    const complete = (u: ParkingUpdate): boolean => u.states.some((s) => s.siteId === garage.id && s.observedAt === now);
    for (const started = Date.now(); !updates.some(complete);) {
      if (Date.now() - started > 5000) throw new Error(`no update for ${garage.id} on ${PARKING_TOPIC}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await viewer.endAsync();
    const update = updates.find(complete)!;
    expect(update.states.find((s) => s.siteId === garage.id)).toEqual({
      siteId: garage.id,
      observedAt: now,
      availableSpotNumber: sum(free),
      levels: garage.levels.map((l, i) => ({ levelId: l.id, availableSpotNumber: free[i] })),
    });
    // Only the sites that changed.
    expect(update.states.every((s) => s.siteId === garage.id)).toBe(true);
    const { at, sites } = await sitesAt();
    expect(sites.get(garage.id)!.state?.availableSpotNumber).toBe(sum(free));
    expect(parkingStatus(garage, sites.get(garage.id)!.state, at).outdated).toBe(false);
    expect(sites.get(garage.id)!.entities[0]!['status']).not.toMatchObject({ value: ['unknown'] });
    // Parking datastreams are not sensors: no alarm state, not in the sensors' state document.
    for (const datastream of garageStreams) expect(server.live!.store.states[datastream]).toBe(SensorState.normal);
    const liveState = (await (
      await fetch(`${server.url}/api/live/state`, { headers: { Authorization: `Bearer ${await server.token('internal')}` } })
    ).json()) as { count: number; ids: number[] };
    expect(liveState.count).toBe(server.live!.catalog.length);
    expect(liveState.ids.some((id) => garageStreams.includes(id))).toBe(false);
  });

  it('?at= in the past gives the states then, judged then', async () => {
    const at = T0 + 15 * MINUTE;
    const { at: header, sites } = await sitesAt(`?at=${iso(at)}`);
    expect(header).toBe(at);
    const then = sites.get(garage.id)!;
    expect(then.state).toMatchObject({ observedAt: T0 + 10 * MINUTE, availableSpotNumber: sum(garageReadings[1]![1]) });
    expect(parkingStatus(garage, then.state, at).outdated).toBe(false);
    expect(then.entities[0]!['status']).not.toMatchObject({ value: ['unknown'] });
    expect(sites.get(street.id)!.state).toMatchObject({ observedAt: T0 + 10 * MINUTE, availableSpotNumber: 1 });
    expect(sites.get(street.id)!.entities[0]!['status']).toMatchObject({ value: ['open', 'almostFull'] });
    // Before anything was counted: no state.
    const before = await sitesAt(`?at=${iso(T0 - MINUTE)}`);
    expect(before.sites.get(garage.id)!.state).toBeNull();
  });

  it('gives a site’s history as published', async () => {
    const response = await fetch(`${server.url}${PARKING_SITES_PATH}/${garage.id}/history?from=${iso(T0 - MINUTE)}&to=${iso(T0 + 30 * MINUTE)}`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as ParkingHistoryDocument;
    expect(doc).toEqual({
      siteId: garage.id,
      capacity: garage.capacity,
      time: garageReadings.map(([t]) => T0 + t),
      available: garageReadings.map(([, free]) => sum(free)),
      levels: garage.levels.map((l, i) => ({ levelId: l.id, available: garageReadings.map(([, free]) => free[i]) })),
    });
    // Each level is a SensorThings Datastream with its Observations in the store.
    const datastream = (await (await fetch(`${server.url}/v1.1/Datastreams(${garageStreams[1]})`)).json()) as { properties: Record<string, unknown> };
    expect(datastream.properties).toMatchObject({ parkingSite: garage.id, level: garage.levels[1]!.id, capacity: garage.levels[1]!.capacity });
    const filter = encodeURIComponent(`phenomenonTime le ${iso(T0 + 30 * MINUTE)}`);
    const observations = (await (
      await fetch(`${server.url}/v1.1/Datastreams(${garageStreams[1]})/Observations?$orderby=phenomenonTime%20asc&$filter=${filter}`)
    ).json()) as { value: { phenomenonTime: string; result: number }[] };
    expect(observations.value.map((o) => [Date.parse(o.phenomenonTime), o.result])).toEqual(garageReadings.map(([t, free]) => [T0 + t, free[1]]));
    // A window starting between counts begins with the count held then.
    const inside = (await (
      await fetch(`${server.url}${PARKING_SITES_PATH}/${street.id}/history?from=${iso(T0 + 5 * MINUTE)}&to=${iso(T0 + 30 * MINUTE)}`)
    ).json()) as ParkingHistoryDocument;
    expect(inside.time).toEqual([T0 + 5 * MINUTE, T0 + 10 * MINUTE]);
    expect(inside.available).toEqual([street.capacity, 1]);
  });

  it('forecasts every site for the next hour', async () => {
    const started = Date.now();
    const response = await fetch(`${server.url}${PARKING_FORECAST_PATH}`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as ParkingForecastsDocument;
    expect(doc.from).toBeGreaterThanOrEqual(started - 1000);
    expect(doc.stepMs).toBe(5 * MINUTE);
    expect(doc.sites.map((s) => s.siteId)).toEqual(collection.features.map((f) => f.id));
    for (const site of doc.sites) {
      expect(site.mean).toHaveLength(FORECAST_STEPS);
      for (let k = 0; k < FORECAST_STEPS; k++) {
        expect(site.lo[k]).toBeLessThanOrEqual(site.mean[k]!);
        expect(site.hi[k]).toBeGreaterThanOrEqual(site.mean[k]!);
        expect(site.hi[k]).toBeLessThanOrEqual(site.capacity);
      }
    }
  }, 60_000);

  it('refuses what it cannot read: 400 naming the parameter, 404 for an unknown site', async () => {
    const cases: [string, number, string | undefined][] = [
      [`${PARKING_SITES_PATH}?at=yesterday`, 400, 'at'],
      [`${PARKING_SITES_PATH}?at=2026-11-30T08:00:00`, 400, 'at'],
      [`${PARKING_SITES_PATH}?at=${iso(Date.now() + 3_600_000)}`, 400, 'at'],
      [`${PARKING_SITES_PATH}/${garage.id}/history?from=soon`, 400, 'from'],
      [`${PARKING_SITES_PATH}/${garage.id}/history?from=${iso(T0)}&to=${iso(T0 - MINUTE)}`, 400, 'to'],
      [`${PARKING_SITES_PATH}/${garage.id}/history?from=${iso(T0 - 90 * 86_400_000)}&to=${iso(T0)}`, 400, 'from'],
      [`${PARKING_SITES_PATH}/PNOSUCH/history`, 404, undefined],
      [`${PARKING_SITES_PATH}/${encodeURIComponent('<b>')}/history`, 404, undefined],
      ['/api/parking/elsewhere', 404, undefined],
    ];
    for (const [path, status, parameter] of cases) {
      const response = await fetch(`${server.url}${path}`).catch((error: unknown) => {
        throw new Error(`${path}: ${String(error)}`, { cause: error });
      });
      expect(response.status, path).toBe(status);
      const body = (await response.json()) as { error: string; parameter?: string };
      expect(body.parameter, path).toBe(parameter);
      expect(body.error.length, path).toBeGreaterThan(10);
    }
    const post = await fetch(`${server.url}${PARKING_SITES_PATH}`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
  });
});
