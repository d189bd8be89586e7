import { describe, expect, it } from 'vitest';
import { SensorState } from '../../workers/live/alarmStateMachine.js';
import { STATE_MASK, unpackSensorFrame } from '../../workers/live/SensorFrame.js';
import type { LiveStateDocument } from '../../workers/formats/liveState.js';
import { Random } from '../../workers/random/Random.js';
import { ReplayPlayback, type ReplayRequest, type ReplayRows } from './ReplayPlayback.js';
import { SensorsModel } from './SensorsModel.js';

/**
 * Replay's pure parts against a brute-force answer over a generated history: the server's
 * documents are computed here the way workers/formats/history.ts defines them, the playback
 * seeks, fetches windows (cut by a small `limit`, ties at the cut included) and applies them as
 * a clock advances; what the model shows then must equal the brute-force state at that time.
 */
interface Row {
  datastream: number;
  time: number;
  result: number;
  state: number;
}

const SENSORS = 40;
const STALE_MS = 180_000;
const START = 1_800_000_000_000;

function catalogue(count: number): LiveStateDocument {
  return {
    serverTime: START,
    types: [
      {
        id: 'water_level',
        nameZh: '水位',
        nameEn: 'Water level',
        unit: 'm',
        color: '#00f',
        periodSeconds: 60,
        staleAfterSeconds: STALE_MS / 1000,
        thresholds: { direction: 'above', warning: 1, alarm: 2, hysteresis: 0.1, minDurationSeconds: 0 },
      },
    ],
    count,
    ids: Array.from({ length: count }, (_, i) => i + 1),
    names: Array.from({ length: count }, (_, i) => `s${i + 1}`),
    type: new Array<number>(count).fill(0),
    lon: new Array<number>(count).fill(117),
    lat: new Array<number>(count).fill(39),
    time: new Array<number | null>(count).fill(null),
    result: new Array<number | null>(count).fill(null),
  };
}

/** A history: each sensor reports at its own irregular pace, some fall silent for a while, times collide on whole seconds. */
function generateHistory(seed: number): Row[] {
  const rng = new Random(seed);
  const random = (): number => rng.next();
  const rows: Row[] = [];
  for (let ds = 1; ds <= SENSORS; ds++) {
    let time = START + Math.floor(random() * 120) * 1000;
    while (time < START + 3_600_000) {
      rows.push({ datastream: ds, time, result: Math.round(random() * 300) / 100, state: Math.floor(random() * 3) });
      // Mostly every 30–90 s, sometimes a 5–10 minute silence (offline in between).
      time += (random() < 0.05 ? 300 + Math.floor(random() * 300) : 30 + Math.floor(random() * 60)) * 1000;
    }
  }
  return rows.sort((a, b) => a.time - b.time || a.datastream - b.datastream);
}

function columns(rows: Row[], sentAt: number): ReplayRows & { sentAt: number } {
  return {
    count: rows.length,
    datastream: Uint32Array.from(rows, (r) => r.datastream),
    time: Float64Array.from(rows, (r) => r.time),
    result: Float64Array.from(rows, (r) => r.result),
    state: Uint8Array.from(rows, (r) => r.state),
    sentAt,
  };
}

/** GET /api/history/state?at=T: last row per datastream at or before T, offline when silent too long then. */
function stateAt(history: Row[], at: number): ReplayRows & { sentAt: number } {
  const last = new Map<number, Row>();
  for (const row of history) if (row.time <= at) last.set(row.datastream, row);
  const rows = [...last.values()].map((r) => (at - r.time > STALE_MS ? { ...r, state: SensorState.offline } : r));
  return columns(rows, at);
}

/** GET /api/history/changes: from < time ≤ to, in order, cut at `limit` (sentAt = the last row's time then). */
function changes(history: Row[], from: number, to: number, limit: number): ReplayRows & { sentAt: number } {
  const rows = history.filter((r) => r.time > from && r.time <= to);
  return rows.length > limit ? columns(rows.slice(0, limit), rows[limit - 1]!.time) : columns(rows, to);
}

/** The brute-force answer at `at`: every sensor's value and state. */
function expected(history: Row[], at: number): { value: number; state: number }[] {
  const doc = stateAt(history, at);
  const shown = Array.from({ length: SENSORS }, () => ({ value: Number.NaN, state: SensorState.offline as number }));
  for (let k = 0; k < doc.count; k++) shown[doc.datastream[k]! - 1] = { value: doc.result[k]!, state: doc.state[k]! };
  return shown;
}

/** What the layer would show: the model's frames folded into arrays. */
class Screen {
  readonly value = new Float64Array(SENSORS).fill(Number.NaN);
  readonly state = new Uint8Array(SENSORS).fill(SensorState.offline);
  take(model: SensorsModel): number {
    const frame = unpackSensorFrame(model.takeFrame());
    for (let k = 0; k < frame.count; k++) {
      this.value[frame.index[k]!] = frame.value[k]!;
      this.state[frame.index[k]!] = frame.state[k]! & STATE_MASK;
    }
    return frame.count;
  }
  rows(): { value: number; state: number }[] {
    return Array.from(this.value, (value, i) => ({ value, state: this.state[i]! }));
  }
}

/** Answers a request from the generated history, as the server would. */
function answer(history: Row[], request: ReplayRequest): ReplayRows & { sentAt: number } {
  return request.kind === 'state' ? stateAt(history, request.at) : changes(history, request.from, request.to, 7);
}

/** Serves every request the playback wants for this clock (one in flight at a time); returns how many. */
function serve(playback: ReplayPlayback, history: Row[], time: number, speed: number, model: SensorsModel): number {
  let requests = 0;
  for (let request = playback.next(time, speed, START + 3_600_000); request; request = playback.next(time, speed, START + 3_600_000)) {
    if (++requests > 1000) throw new Error('the playback keeps asking');
    const doc = answer(history, request);
    const taken = request.kind === 'state' ? playback.acceptState(request, doc, model) : playback.acceptChanges(request, doc, doc.sentAt);
    expect(taken).toBe(true);
  }
  return requests;
}

describe('replay playback (seek, then changes in order)', () => {
  it('seek then playback in uneven steps shows what the brute-force state at each time says, across limit cuts and ties', () => {
    const history = generateHistory(14);
    const model = new SensorsModel();
    model.applyState(catalogue(SENSORS), START);
    const playback = new ReplayPlayback();
    const screen = new Screen();
    let clock = START + 900_000;
    playback.seek(clock);
    let requests = 0;
    let checks = 0;
    const rng = new Random(7);
    while (clock < START + 2_700_000) {
      requests += serve(playback, history, clock, 60, model);
      playback.advance(clock, model);
      model.sweepStale(clock);
      screen.take(model);
      expect(screen.rows()).toEqual(expected(history, clock));
      checks++;
      clock += rng.int(0, 40_000); // 0–40 s: several changes per step, sometimes none
    }
    expect(checks).toBeGreaterThan(50);
    // Bounded: windows of 5 minutes of data at 60×, cut at 7 rows, not one request per step or row.
    expect(requests).toBeGreaterThan(10);
    expect(requests).toBeLessThan(history.length / 3);
  });

  it('a response that arrives after a later seek is ignored; the later seek’s state is shown', () => {
    const history = generateHistory(3);
    const model = new SensorsModel();
    model.applyState(catalogue(SENSORS), START);
    const playback = new ReplayPlayback();
    const screen = new Screen();
    const later = START + 3_600_000;
    playback.seek(START + 600_000);
    const first = playback.next(START + 600_000, 1, later)!;
    playback.seek(START + 2_400_000);
    expect(playback.next(START + 2_400_000, 1, later)).toBeUndefined(); // the first is still in flight
    screen.take(model);
    expect(playback.acceptState(first, answer(history, first), model)).toBe(false);
    expect(screen.take(model)).toBe(0); // nothing changed
    const second = playback.next(START + 2_400_000, 1, later)!;
    expect(second).toMatchObject({ kind: 'state', at: START + 2_400_000 });
    expect(second.epoch).toBeGreaterThan(first.epoch);
    expect(playback.acceptState(second, answer(history, second), model)).toBe(true);
    model.sweepStale(START + 2_400_000);
    screen.take(model);
    expect(screen.rows()).toEqual(expected(history, START + 2_400_000));

    // A changes window asked before a seek and answered after it is dropped too.
    const window = playback.next(START + 2_400_000, 60, START + 3_600_000)!;
    expect(window.kind).toBe('changes');
    playback.seek(START + 1_200_000);
    expect(playback.next(START + 1_200_000, 1, later)).toBeUndefined();
    expect(playback.acceptChanges(window, answer(history, window), answer(history, window).sentAt)).toBe(false);
    const third = playback.next(START + 1_200_000, 1, later)!;
    expect(playback.advance(START + 3_000_000, model)).toBe(0); // still waiting for the third seek's state
    expect(playback.acceptState(third, answer(history, third), model)).toBe(true);
    screen.take(model);
    expect(screen.rows()).toEqual(expected(history, START + 1_200_000));
  });

  it('a burst of 30 seeks issues at most 2 state requests, and the last seek’s state is shown', () => {
    const history = generateHistory(5);
    const model = new SensorsModel();
    model.applyState(catalogue(SENSORS), START);
    const playback = new ReplayPlayback();
    const screen = new Screen();
    const now = START + 3_600_000;
    const issued: ReplayRequest[] = [];
    const last = START + 100_000 + 29 * 60_000;
    for (let i = 0; i < 30; i++) {
      const at = START + 100_000 + i * 60_000;
      playback.seek(at);
      const request = playback.next(at, 1, now);
      if (request) issued.push(request);
    }
    expect(issued).toHaveLength(1);
    // The first, superseded, is aborted by the caller: it settles as a failure and the latest seek is asked for.
    playback.failed(issued[0]!);
    const latest = playback.next(last, 1, now)!;
    expect(latest).toMatchObject({ kind: 'state', at: last });
    expect(playback.next(last, 1, now)).toBeUndefined(); // one in flight at a time
    issued.push(latest);
    expect(issued.filter((request) => request.kind === 'state').length).toBeLessThanOrEqual(2);
    expect(playback.acceptState(latest, answer(history, latest), model)).toBe(true);
    model.sweepStale(last);
    screen.take(model);
    expect(screen.rows()).toEqual(expected(history, last));
  });

  it('offline at the replay time: never heard, silent past the type’s limit at T, and falling silent as the clock passes it', () => {
    const history: Row[] = [
      { datastream: 1, time: START, result: 1.5, state: SensorState.warning }, // 10 min before T: silent too long
      { datastream: 2, time: START + 540_000, result: 2.5, state: SensorState.alarm }, // 1 min before T
      { datastream: 2, time: START + 900_000, result: 0.5, state: SensorState.normal }, // after T
    ];
    const model = new SensorsModel();
    model.applyState(catalogue(3), START);
    const playback = new ReplayPlayback();
    const screen = new Screen();
    const at = START + 600_000;
    playback.seek(at);
    const request = playback.next(at, 1, START + 3_600_000)!;
    playback.acceptState(request, answer(history, request), model);
    screen.take(model);
    expect(Array.from(screen.state.subarray(0, 3))).toEqual([SensorState.offline, SensorState.alarm, SensorState.offline]);
    expect(screen.value[0]).toBe(1.5); // its last value is kept, greyed
    expect(screen.value[2]).toBeNaN(); // never heard by T: no value
    // Sensor 2 is silent for its limit (3 min) 4 min after its reading: offline at T + 3 min, before its next reading.
    serve(playback, history, START + 720_001, 1, model);
    playback.advance(START + 720_001, model);
    model.sweepStale(START + 720_001);
    screen.take(model);
    expect(screen.state[1]).toBe(SensorState.offline);
    // Its next reading brings it back with the server's state then.
    serve(playback, history, START + 750_000, 1, model);
    playback.advance(START + 750_000, model);
    serve(playback, history, START + 780_000, 1, model);
    playback.advance(START + 780_000, model);
    serve(playback, history, START + 900_000, 1, model);
    playback.advance(START + 900_000, model);
    screen.take(model);
    expect(screen.state[1]).toBe(SensorState.normal);
    expect(screen.value[1]).toBe(0.5);
  });

  it('a pause, a speed change or a step forward continues from what is shown; going back or far ahead is a seek', () => {
    const playback = new ReplayPlayback();
    const model = new SensorsModel();
    model.applyState(catalogue(SENSORS), START);
    expect(playback.continues(START, 60)).toBe(false); // nothing shown yet
    playback.seek(START);
    playback.acceptState(playback.next(START, 60, START + 1e9)!, columns([], START), model);
    expect(playback.continues(START, 0)).toBe(true); // paused where it is
    expect(playback.continues(START - 500, 0)).toBe(true); // the main thread's wall clock a little behind the worker's
    expect(playback.continues(START + 20_000, 0)).toBe(true); // a 20 s step
    expect(playback.continues(START + 240_000, 60)).toBe(true); // within a 60× window
    expect(playback.continues(START - 5_000, 0)).toBe(false); // back: changes cannot be undone
    expect(playback.continues(START + 3_600_000, 60)).toBe(false); // an hour on: the state there is cheaper
  });

  it('a clock that runs a whole window ahead of the data seeks to itself instead of falling behind', () => {
    const playback = new ReplayPlayback();
    const model = new SensorsModel();
    model.applyState(catalogue(SENSORS), START);
    playback.seek(START);
    const request = playback.next(START, 1, START + 1e9)!;
    playback.acceptState(request, columns([], START), model);
    const next = playback.next(START + 2 * 3600 * 5000, 3600, START + 1e9);
    expect(next).toMatchObject({ kind: 'state', at: START + 2 * 3600 * 5000 });
    expect(next!.epoch).toBe(request.epoch + 1);
  });
});
