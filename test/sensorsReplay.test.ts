import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplaySensorSource, type ReplayClock } from '../layers/sensors/ReplaySensorSource.js';
import { SensorsModel } from '../layers/sensors/SensorsModel.js';
import type { LiveStateDocument } from '../workers/formats/liveState.js';
import { clockTimeAt } from '../workers/formats/history.js';
import { SensorState } from '../workers/live/alarmStateMachine.js';
import { decodeObservationBatch } from '../workers/live/ObservationBatch.js';
import { STATE_MASK, unpackSensorFrame } from '../workers/live/SensorFrame.js';
import { observationsTopic } from '../workers/live/sensorTypes.js';
import { startDemoServer } from './support/demoServer.js';

/**
 * The sensors layer's replay source (what its worker runs) against the running demo server:
 * readings of 20 pressure sensors with known times are published over MQTT (some fall into
 * alarm, some fall silent), then the source seeks, plays at 60× and pauses; what the model
 * shows must equal the brute-force answer from the readings (values, times, silence at T) and
 * the server's own state at that time (the alarm states), whatever the order of seeks.
 */
let server: Awaited<ReturnType<typeof startDemoServer>>;
/** These tests read as `internal` (every sensor): test/sensorRoles.test.ts tries each role. */
let token = '';
const fetch = (url: string | URL, init: RequestInit = {}): Promise<Response> =>
  globalThis.fetch(url, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) } });
let catalogue: LiveStateDocument;
const publisher = { username: 'test-publisher', password: 'a-long-test-secret' };
const S = 1000;
/** Two hours ago on a whole minute: inside the raw retention, behind the broker's future limit. */
const T0 = Math.floor((Date.now() - 2 * 3_600_000) / 60_000) * 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** Per sensor j: readings every 10 s for 5 minutes; j % 4 = 0 drop below the alarm limit from 60 s to 150 s; j % 5 = 1 fall silent after 100 s. */
const SENSORS = 20;
function readingsOf(j: number): [number, number][] {
  const readings: [number, number][] = [];
  for (let t = 0; t <= 300; t += 10) {
    if (j % 5 === 1 && t > 100) break;
    readings.push([T0 + t * S, j % 4 === 0 && t >= 60 && t < 150 ? 0.1 : 0.3 + j / 1000]);
  }
  return readings;
}
let published: Map<number, [number, number][]>;

beforeAll(async () => {
  server = await startDemoServer({ live: { simulator: false, publisher } });
  token = await server.token('internal');
  const sensors = server.live!.catalog.filter((e) => e.type.id === 'network_pressure').slice(0, SENSORS);
  published = new Map(sensors.map((e, j) => [e.id, readingsOf(j)]));
  const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.live!.broker.tcpPort()}`, { reconnectPeriod: 0, ...publisher });
  const before = server.live!.broker.counters.accepted;
  let count = 0;
  for (const [datastream, readings] of published)
    for (const [time, result] of readings) {
      await device.publishAsync(observationsTopic(datastream), JSON.stringify({ phenomenonTime: iso(time), result }), { qos: 1 });
      count++;
    }
  await device.endAsync();
  for (const started = Date.now(); server.live!.broker.counters.accepted < before + count;) {
    if (Date.now() - started > 10_000) throw new Error(`the broker accepted ${server.live!.broker.counters.accepted - before} of ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await server.live!.history.flush();
  catalogue = (await (await fetch(`${server.url}/api/live/state`)).json()) as LiveStateDocument;
}, 300_000);

afterAll(async () => {
  await server?.close();
}, 30_000);

/** The model and its source, and what a layer would show (its frames folded into arrays). */
function replayer(): { source: ReplaySensorSource; shown: () => { value: Float64Array; time: Float64Array; state: Uint8Array } } {
  const model = new SensorsModel();
  model.applyState(catalogue, Date.now());
  const value = new Float64Array(catalogue.count).fill(Number.NaN);
  const time = new Float64Array(catalogue.count).fill(Number.NaN);
  const state = new Uint8Array(catalogue.count).fill(SensorState.offline);
  const source = new ReplaySensorSource({ apiUrl: server.url, sink: model, token: () => token });
  return {
    source,
    shown: () => {
      const frame = unpackSensorFrame(model.takeFrame());
      for (let k = 0; k < frame.count; k++) {
        value[frame.index[k]!] = frame.value[k]!;
        time[frame.index[k]!] = frame.time[k]!;
        state[frame.index[k]!] = frame.state[k]! & STATE_MASK;
      }
      return { value, time, state };
    },
  };
}

const paused = (time: number): ReplayClock => ({ mode: 'replay', time, anchorWallMs: Date.now(), speed: 60, playing: false });

/** Pumps the source as frames would until it shows `time` with nothing loading. */
async function settle(source: ReplaySensorSource, time: number): Promise<void> {
  for (const started = Date.now(); ;) {
    source.pump(Date.now());
    const progress = source.progress();
    if (!progress.loading && progress.time === time) return;
    if (Date.now() - started > 20_000) throw new Error(`the replay shows ${iso(progress.time)} (loading: ${progress.loading}), not ${iso(time)}`);
    await new Promise((resolve) => setTimeout(resolve, 16));
  }
}

/** Our sensors as shown: [datastream, time, value, state]. */
function ours(shown: ReturnType<ReturnType<typeof replayer>['shown']>): [number, number, number, number][] {
  return [...published.keys()].map((id) => [id, shown.time[id - 1]!, shown.value[id - 1]!, shown.state[id - 1]!]);
}

/** Brute force from the readings: last at or before T (values and times); offline when silent past the type's limit. */
function expectedAt(at: number): [number, number, number][] {
  const staleMs = catalogue.types.find((t) => t.id === 'network_pressure')!.staleAfterSeconds * 1000;
  return [...published].map(([id, readings]) => {
    const last = readings.filter(([t]) => t <= at).at(-1);
    return last ? [id, last[0], at - last[0] > staleMs ? SensorState.offline : -1] : [id, Number.NaN, SensorState.offline];
  });
}

/** The server's state document at T for our sensors: [datastream, time, value, state]. */
async function serverStateAt(at: number): Promise<[number, number, number, number][]> {
  const batch = decodeObservationBatch(new Uint8Array(await (await fetch(`${server.url}/api/history/state?at=${iso(at)}`)).arrayBuffer()));
  const rows = new Map(Array.from({ length: batch.count }, (_, k) => [batch.datastream[k]!, [batch.time[k]!, batch.result[k]!, batch.state![k]!]]));
  return [...published.keys()].map((id) => {
    const row = rows.get(id);
    return row ? [id, row[0]!, row[1]!, row[2]!] : [id, Number.NaN, Number.NaN, SensorState.offline];
  });
}

function expectMatches(shown: [number, number, number, number][], server: [number, number, number, number][], at: number): void {
  expect(shown, `the server's state at ${iso(at)}`).toEqual(server);
  for (const [[id, time, , state], [, expectedTime, expectedState]] of shown.map((row, k) => [row, expectedAt(at)[k]!] as const)) {
    expect(time, `sensor ${id}'s reading at ${iso(at)}`).toEqual(expectedTime);
    if (expectedState !== -1) expect(state, `sensor ${id} at ${iso(at)}`).toBe(expectedState);
  }
}

describe('sensors replay against the demo server', () => {
  it('a seek shows every sensor as it was at T: the burst’s alarms, the silent ones offline, the unheard without a value', async () => {
    const { source, shown } = replayer();
    const at = T0 + 125 * S;
    // follow resolves once the state at T is in the model (the layer pulls its frame then).
    await source.follow(paused(at), Date.now());
    expect(source.progress()).toMatchObject({ time: at, loading: false });
    const rows = ours(shown());
    expectMatches(rows, await serverStateAt(at), at);
    // Held below the alarm limit since 60 s (20 s to raise): the five sensors j % 4 = 0 are in alarm.
    expect(rows.filter(([, , , state]) => state === SensorState.alarm).map(([id]) => id)).toEqual([...published.keys()].filter((_, j) => j % 4 === 0));
    // Sensors never heard in this history show no value.
    const unheard = catalogue.ids.find((id) => !published.has(id))!;
    expect(shown().value[unheard - 1]).toBeNaN();
    expect(shown().state[unheard - 1]).toBe(SensorState.offline);
    source.stop();
  });

  it('the later of two quick seeks wins; playback at 60× applies the changes in order and, paused, equals the server’s state then', async () => {
    const { source, shown } = replayer();
    const first = source.follow(paused(T0 + 20 * S), Date.now());
    void source.follow(paused(T0 + 80 * S), Date.now());
    await first; // superseded: resolved without waiting for its state // past the first seek's window: a new seek; the first answer is stale
    await settle(source, T0 + 80 * S);
    expectMatches(ours(shown()), await serverStateAt(T0 + 80 * S), T0 + 80 * S);

    // Play at 60× for ~3 s of wall time (~3 min of replay: the alarms come and go, sensors fall silent).
    const playing: ReplayClock = { mode: 'replay', time: T0 + 80 * S, anchorWallMs: Date.now(), speed: 60, playing: true };
    void source.follow(playing, Date.now());
    const seen = new Set<number>();
    for (const started = Date.now(); Date.now() - started < 3000;) {
      source.pump(Date.now());
      for (const state of ours(shown()).map(([, , , s]) => s)) seen.add(state);
      await new Promise((resolve) => setTimeout(resolve, 16));
    }
    expect(seen.has(SensorState.alarm)).toBe(true);
    // Paused where the clock is: what was applied in order equals the state at that time.
    const at = Math.floor(clockTimeAt(playing, Date.now()));
    void source.follow(paused(at), Date.now());
    await settle(source, at);
    expect(at - T0).toBeGreaterThan(200 * S);
    expectMatches(ours(shown()), await serverStateAt(at), at);
    const { requests } = source.progress();
    console.log(`replay: ${iso(T0 + 80 * S)} → ${iso(at)} at 60× in ${requests} requests`);
    // Few requests: two seeks' states and a handful of windows, not one per frame.
    expect(requests).toBeLessThan(20);
    source.stop();
  });
});
