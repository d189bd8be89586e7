import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryRange, HistoryTimeline } from '../workers/formats/history.js';
import type { Incident, IncidentDraft } from '../workers/formats/incident.js';
import { SensorState } from '../workers/live/alarmStateMachine.js';
import { decodeObservationBatch, type ObservationBatch } from '../workers/live/ObservationBatch.js';
import { observationsTopic } from '../workers/live/sensorTypes.js';
import { type PostgresServer, postgresForTests, startPostgresServer } from '../harness/postgresServer.js';
import type { StoreLocation } from '../server/store/openStore.js';
import { startDemoServer } from './support/demoServer.js';

/**
 * The history API against the running demo server (embedded broker, DuckDB store): readings
 * published over MQTT with known times — one sensor rising into alarm and back, one arriving
 * out of order, one falling silent — then the state at T, the changes paged across limit cuts,
 * SensorThings pages by nextLink, the timeline's alarm buckets, incidents as they were at T,
 * and 400s that name the parameter — on DuckDB and on a real PostgreSQL server.
 */
let server: Awaited<ReturnType<typeof startDemoServer>>;
/** These tests read as `internal` (every sensor): test/sensorRoles.test.ts tries each role. */
let token = '';
const fetch = (url: string | URL, init: RequestInit = {}): Promise<Response> =>
  globalThis.fetch(url, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) } });
const publisher = { username: 'test-publisher', password: 'a-long-test-secret' };
const S = 1000;
/** Two hours ago, on a whole minute: inside the raw retention, behind the broker's future limit. */
const T0 = Math.floor((Date.now() - 2 * 3_600_000) / 60_000) * 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** A falls below its alarm limit at 40 s (held 20 s: alarm from 60 s) and recovers at 110 s. */
const readingsA: [number, number][] = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120].map((t) => [t * S, t >= 40 && t < 110 ? 0.1 : 0.3]);
const statesA = readingsA.map(([t]) => (t >= 60 * S && t < 110 * S ? SensorState.alarm : SensorState.normal));
/** B's readings arrive out of order. */
const readingsB: [number, number][] = [
  [50 * S, 420],
  [10 * S, 400],
  [30 * S, 410],
  [0, 390],
];
/** C reports for 20 s and falls silent (60 s silence limit: offline after 80 s). */
const readingsC: [number, number][] = [0, 10, 20].map((t) => [t * S, 0.31]);

let A = 0;
let B = 0;
let C = 0;

let postgres: PostgresServer | undefined;
const engines: { name: string; location: () => StoreLocation | undefined }[] = [
  { name: 'DuckDB (embedded)', location: () => undefined },
  ...(postgresForTests('historyApi.test: no PostgreSQL binaries (initdb): the PostgreSQL engine is skipped; apt-get install postgresql')
    ? [{ name: 'PostgreSQL', location: (): StoreLocation => ({ engine: 'postgres', url: postgres!.url }) }]
    : []),
];

describe.each(engines)('on $name', (engine) => {
  beforeAll(async () => {
    if (engine.name === 'PostgreSQL') postgres = await startPostgresServer();
    const storeLocation = engine.location();
    server = await startDemoServer({ live: { simulator: false, publisher }, ...(storeLocation ? { incidents: { storeLocation } } : {}) });
    token = await server.token('internal');
    const catalog = server.live!.catalog;
    const ofType = (type: string) => catalog.filter((e) => e.type.id === type);
    const pressure = ofType('network_pressure');
    A = pressure[0]!.id;
    C = pressure[1]!.id;
    B = ofType('network_flow')[0]!.id;
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.live!.broker.tcpPort()}`, { reconnectPeriod: 0, ...publisher });
    const before = server.live!.broker.counters.accepted;
    for (const [datastream, readings] of [
      [A, readingsA],
      [B, readingsB],
      [C, readingsC],
    ] as const)
      for (const [t, result] of readings)
        await device.publishAsync(observationsTopic(datastream), JSON.stringify({ phenomenonTime: iso(T0 + t), result }), { qos: 1 });
    await device.endAsync();
    const published = readingsA.length + readingsB.length + readingsC.length;
    for (const started = Date.now(); server.live!.broker.counters.accepted < before + published;) {
      if (Date.now() - started > 10_000) throw new Error(`the broker accepted ${server.live!.broker.counters.accepted - before} of ${published}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await server.live!.history.flush();
  }, 300_000);

  afterAll(async () => {
    await server?.close();
    postgres?.destroy();
    postgres = undefined;
  }, 30_000);

  async function batch(path: string): Promise<{ batch: ObservationBatch; headers: Headers }> {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status, path).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    return { batch: decodeObservationBatch(new Uint8Array(await response.arrayBuffer())), headers: response.headers };
  }

  /** The batch's rows as [datastream, time offset, result, state], for ours only. */
  function rows(b: ObservationBatch): [number, number, number, number][] {
    return Array.from({ length: b.count }, (_, i): [number, number, number, number] => [b.datastream[i]!, b.time[i]! - T0, b.result[i]!, b.state![i]!]).filter(
      ([d]) => [A, B, C].includes(d),
    );
  }

  /** The brute-force answer: each sensor's last reading at or before T, offline after its 60 s silence limit. */
  function expectedStateAt(offset: number): [number, number, number, number][] {
    const answer: [number, number, number, number][] = [];
    for (const [datastream, readings, states] of [
      [A, readingsA, statesA],
      [B, readingsB, readingsB.map(() => SensorState.normal)],
      [C, readingsC, readingsC.map(() => SensorState.normal)],
    ] as const) {
      let last = -1;
      readings.forEach(([t], i) => {
        if (t <= offset && (last < 0 || t > readings[last]![0])) last = i;
      });
      if (last < 0) continue;
      const [t, result] = readings[last]!;
      answer.push([datastream, t, result, offset - t > 60 * S ? SensorState.offline : states[last]!]);
    }
    return answer.sort((x, y) => x[0] - y[0]);
  }

  describe('history API', () => {
    it('gives the state at T: last reading by phenomenonTime, its alarm state, offline when silent', async () => {
      for (const offset of [-1, 0, 5 * S, 35 * S, 59 * S, 60 * S, 75 * S, 80 * S, 85 * S, 115 * S, 200 * S]) {
        const { batch: state } = await batch(`/api/history/state?at=${iso(T0 + offset)}`);
        expect(state.sentAt).toBe(T0 + offset);
        expect(
          rows(state).sort((x, y) => x[0] - y[0]),
          `at T0 + ${offset} ms`,
        ).toEqual(expectedStateAt(offset));
      }
      // Spot checks of what the brute force says, so that it cannot be wrong the same way.
      const at75 = rows((await batch(`/api/history/state?at=${iso(T0 + 75 * S)}`)).batch);
      expect(at75.find(([d]) => d === A)).toEqual([A, 70 * S, 0.1, SensorState.alarm]);
      expect(at75.find(([d]) => d === B)).toEqual([B, 50 * S, 420, SensorState.normal]);
      const at85 = rows((await batch(`/api/history/state?at=${iso(T0 + 85 * S)}`)).batch);
      expect(at85.find(([d]) => d === C)).toEqual([C, 20 * S, 0.31, SensorState.offline]);
    });

    it('says when T is before what is kept, and answers with what is kept', async () => {
      const { batch: state, headers } = await batch(`/api/history/state?at=${iso(T0 - 3_600_000)}`);
      expect(rows(state)).toEqual([]);
      const keptFrom = Date.parse(headers.get('cim-history-kept-from') ?? '');
      expect(keptFrom).toBeGreaterThan(T0 - 3_600_000);
      expect(keptFrom).toBeLessThanOrEqual(T0);
      expect((await batch(`/api/history/state?at=${iso(T0 + 35 * S)}`)).headers.get('cim-history-kept-from')).toBeNull();
      // Windows that start before it are answered with what is kept, and say so too.
      const changes = await batch(`/api/history/changes?from=${iso(T0 - 3_600_000)}&to=${iso(T0 + 5 * S)}`);
      expect(Date.parse(changes.headers.get('cim-history-kept-from')!)).toBe(keptFrom);
      expect(rows(changes.batch).map(([, t]) => t)).toEqual([0, 0, 0]);
      const timeline = await fetch(`${server.url}/api/history/timeline?from=${iso(T0 - 3_600_000)}&to=${iso(T0)}`);
      expect(timeline.headers.get('cim-history-kept-from')).not.toBeNull();
      const range = (await (await fetch(`${server.url}/api/history/range`)).json()) as HistoryRange;
      expect(range.rawFrom).toBeLessThanOrEqual(T0);
      expect(range.rawRetentionMs).toBe(24 * 3_600_000);
      expect(Math.abs(range.now - Date.now())).toBeLessThan(10_000);
    });

    it('gives the changes in order, complete across limit cuts (also inside one millisecond)', async () => {
      const from = T0 - 1;
      const to = T0 + 200 * S;
      const full = await batch(`/api/history/changes?from=${iso(from)}&to=${iso(to)}`);
      expect(full.batch.sentAt).toBe(to);
      // A limit over the cap is served as the cap, not refused.
      expect(rows((await batch(`/api/history/changes?from=${iso(from)}&to=${iso(to)}&limit=5000000`)).batch)).toEqual(rows(full.batch));
      const all = rows(full.batch);
      const expected = [
        ...readingsA.map(([t, r], i) => [A, t, r, statesA[i]!]),
        ...readingsB.map(([t, r]) => [B, t, r, SensorState.normal]),
        ...readingsC.map(([t, r]) => [C, t, r, SensorState.normal]),
      ].sort((x, y) => x[1]! - y[1]! || x[0]! - y[0]!);
      // B's states are the alarm state when each reading arrived (normal throughout).
      expect(all).toEqual(expected);
      for (const limit of [1, 2, 4, 7]) {
        const paged: [number, number, number, number][] = [];
        let cursor = from;
        for (let page = 0; ; page++) {
          expect(page, `limit ${limit}: pages do not end`).toBeLessThan(50);
          const { batch: part } = await batch(`/api/history/changes?from=${iso(cursor)}&to=${iso(to)}&limit=${limit}`);
          paged.push(...rows(part));
          if (part.sentAt >= to) break;
          expect(part.sentAt).toBeGreaterThan(cursor);
          cursor = part.sentAt;
        }
        expect(paged, `limit ${limit}`).toEqual(all);
      }
    });

    it('counts sensors entering alarm per timeline bucket', async () => {
      const response = await fetch(`${server.url}/api/history/timeline?from=${iso(T0)}&to=${iso(T0 + 200 * S)}&buckets=10`);
      expect(response.status).toBe(200);
      const timeline = (await response.json()) as HistoryTimeline;
      expect(timeline).toMatchObject({ from: T0, to: T0 + 200 * S, bucketMs: 20 * S });
      expect(timeline.alarms).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]); // A entered alarm at 60 s
      expect(timeline.warnings).toEqual(new Array(10).fill(0));
    });

    it('serves a Datastream’s Observations from the store: $filter, $orderby, $skip, nextLink pages equal one full read', async () => {
      type Page = { value: { phenomenonTime: string; result: number }[]; '@iot.nextLink'?: string };
      const read = async (url: string): Promise<Page> => {
        const response = await fetch(url);
        expect(response.status, url).toBe(200);
        return (await response.json()) as Page;
      };
      const filter = encodeURIComponent(`phenomenonTime ge ${iso(T0 + 10 * S)} and phenomenonTime lt ${iso(T0 + 120 * S)}`);
      const base = `${server.url}/v1.1/Datastreams(${A})/Observations?$filter=${filter}`;
      for (const order of ['asc', 'desc']) {
        const full = await read(`${base}&$orderby=phenomenonTime%20${order}&$top=1000`);
        expect(full['@iot.nextLink']).toBeUndefined();
        const expected = readingsA.filter(([t]) => t >= 10 * S && t < 120 * S).map(([t, result]) => ({ phenomenonTime: iso(T0 + t), result }));
        expect(full.value).toEqual(order === 'asc' ? expected : expected.reverse());
        const paged: Page['value'] = [];
        let url: string | undefined = `${base}&$orderby=phenomenonTime%20${order}&$top=3`;
        for (let pages = 0; url; pages++) {
          expect(pages).toBeLessThan(20);
          const page: Page = await read(url);
          expect(page.value.length).toBeLessThanOrEqual(3);
          paged.push(...page.value);
          url = page['@iot.nextLink'];
          if (url) expect(url.startsWith(`${server.url}/v1.1/Datastreams(${A})/Observations?`)).toBe(true);
        }
        expect(paged).toEqual(full.value);
      }
      const skipped = await read(`${base}&$orderby=phenomenonTime%20asc&$skip=2&$top=3`);
      expect(skipped.value.map((o) => Date.parse(o.phenomenonTime) - T0)).toEqual([30 * S, 40 * S, 50 * S]);
      // Out-of-order arrival changes nothing in the order served.
      const b = await read(`${server.url}/v1.1/Datastreams(${B})/Observations?$orderby=phenomenonTime%20asc&$filter=phenomenonTime%20ge%20${iso(T0)}`);
      expect(b.value.map((o) => o.result)).toEqual([390, 400, 410, 420]);
    });

    it('refuses what it cannot read with a 400 naming the parameter', async () => {
      const cases: [string, string, RegExp][] = [
        ['/api/history/state', 'at', /at is missing/],
        ['/api/history/state?at=yesterday', 'at', /ISO 8601/],
        ['/api/history/state?at=2026-11-30T08:00:00', 'at', /time zone/],
        [`/api/history/state?at=${iso(Date.now() + 3_600_000)}`, 'at', /after the server's clock/],
        [`/api/history/changes?from=${iso(T0)}`, 'to', /to is missing/],
        [`/api/history/changes?from=${iso(T0)}&to=${iso(T0 - 1)}`, 'to', /before from/],
        [`/api/history/changes?from=${iso(T0)}&to=${iso(T0 + S)}&limit=0`, 'limit', /limit 0 is below 1/],
        [`/api/history/changes?from=${iso(T0)}&to=${iso(T0 + S)}&limit=many`, 'limit', /not a whole number/],
        [`/api/history/timeline?from=${iso(T0)}&to=${iso(T0 + S)}&buckets=100000`, 'buckets', /outside/],
        [`/v1.1/Datastreams(1)/Observations?$filter=${encodeURIComponent('result gt 5')}`, '$filter', /only compare phenomenonTime/],
        [
          `/v1.1/Datastreams(1)/Observations?$filter=${encodeURIComponent(`phenomenonTime ge ${iso(T0)} or phenomenonTime lt ${iso(T0)}`)}`,
          '$filter',
          /"and" only/,
        ],
        ['/v1.1/Datastreams(1)/Observations?$orderby=result', '$orderby', /phenomenonTime asc/],
        ['/v1.1/Datastreams(1)/Observations?$skip=20000', '$skip', /nextLink/],
        ['/v1.1/Datastreams(1)/Observations?$top=-3', '$top', /whole number/],
      ];
      for (const [path, parameter, message] of cases) {
        const response = await fetch(`${server.url}${path}`);
        expect(response.status, path).toBe(400);
        const body = (await response.json()) as { error: string; parameter: string };
        expect(body.parameter, path).toBe(parameter);
        expect(body.error, path).toMatch(message);
      }
      expect((await fetch(`${server.url}/api/history/state?at=${iso(T0)}`, { method: 'POST' })).status).toBe(405);
      expect((await fetch(`${server.url}/api/history/nothing`)).status).toBe(404);
    });
  });

  describe('incidents as they were', () => {
    it('GET /api/incidents?at= gives each incident in the state it had then, absent before it was opened', async () => {
      const by = { username: 'li.na', role: 'operator', source: 'test' };
      const draft: IncidentDraft = {
        event: '供水管道爆管',
        headline: 'Burst main',
        classification: { category: 'accident', subType: 'public-facility', level: 'II' },
        footprint: { kind: 'point', at: [117.1623, 39.1086] },
      };
      const opened = await server.incidents.service.create(draft, by);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const verified = await server.incidents.service.transition(opened.id, 'verified', 'on site', by);
      if (!('incident' in verified)) throw new Error(verified.message);
      const atTime = async (ms: number): Promise<Incident | undefined> => {
        const response = await fetch(`${server.url}/api/incidents?at=${iso(ms)}`);
        expect(response.status).toBe(200);
        return ((await response.json()) as Incident[]).find((i) => i.id === opened.id);
      };
      const sent = Date.parse(opened.sent);
      const verifiedAt = Date.parse(verified.incident.updated);
      expect(await atTime(sent - 1)).toBeUndefined();
      expect(await atTime(sent)).toEqual(opened);
      expect((await atTime(verifiedAt - 1))?.state).toBe('reported');
      expect(await atTime(verifiedAt)).toEqual(verified.incident);
      const bad = await fetch(`${server.url}/api/incidents?at=noon`);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ field: 'at', error: expect.stringMatching(/ISO 8601/) });

      // The timeline marks both steps.
      const timeline = (await (await fetch(`${server.url}/api/history/timeline?from=${iso(sent - 60 * S)}&to=${iso(Date.now())}`)).json()) as HistoryTimeline;
      expect(timeline.incidents.filter((m) => m.id === opened.id)).toEqual([
        { id: opened.id, time: sent, headline: 'Burst main', level: 2, state: 'reported' },
        { id: opened.id, time: verifiedAt, headline: 'Burst main', level: 2, state: 'verified' },
      ]);
    });

    it('answers 503 with Retry-After to reads past the few waiting — history API and SensorThings Observations share the cap — while ingest keeps flowing (no overflow, nothing lost)', async () => {
      const history = server.live!.history;
      const before = history.counters();
      // A sensor none of the other tests reads, an hour after theirs.
      const other = server.live!.catalog.find((e) => ![A, B, C].includes(e.id))!.id;
      let ingesting = true;
      const ingest = (async () => {
        for (let i = 0; ingesting; i++) {
          for (let k = 0; k < 50; k++) history.add(other, T0 + 3_600_000 + i * 50 + k, k, SensorState.normal);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      const answers = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const sensorThings = i % 2 === 1;
          const response = await fetch(
            sensorThings
              ? `${server.url}/v1.1/Datastreams(${A})/Observations?$top=1000&$orderby=phenomenonTime%20asc`
              : `${server.url}/api/history/state?at=${iso(T0 + (i % 20) * 10 * S)}`,
          );
          return { sensorThings, status: response.status, retryAfter: response.headers.get('retry-after'), body: Buffer.from(await response.arrayBuffer()) };
        }),
      );
      ingesting = false;
      await ingest;
      await history.flush();
      const busy = answers.filter((a) => a.status === 503);
      expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true);
      expect(busy.length).toBeGreaterThan(0);
      expect(busy.some((a) => a.sensorThings)).toBe(true); // not a way around the cap
      expect(answers.length - busy.length).toBeGreaterThanOrEqual(4);
      for (const answer of busy) {
        expect(answer.retryAfter).toBe('1');
        expect(JSON.parse(answer.body.toString())).toMatchObject({ error: expect.stringMatching(/busy/) });
      }
      const after = history.counters();
      expect(after.overflow).toBe(before.overflow);
      expect(after.lost).toBe(0);
      expect(after.written).toBeGreaterThan(before.written);
      expect(after.pending).toBe(0);
    });
  });
});
