import { describe, expect, it } from 'vitest';
import { createAlarmMemory, SensorState, type Thresholds, updateAlarmState } from './alarmStateMachine.js';
import { backoffDelay } from './backoffSchedule.js';
import { LatencyHistogram } from './LatencyHistogram.js';
import { LatestObservations } from './LatestObservations.js';
import { decodeObservationBatch, encodeObservationBatch, ObservationBatcher } from './ObservationBatch.js';
import { packSensorFrame, unpackSensorFrame } from './SensorFrame.js';

const level: Thresholds = { direction: 'above', warning: 0.5, alarm: 0.8, hysteresis: 0.05, minDurationSeconds: 10 };

describe('alarm state machine', () => {
  it('raises a level only after it held for the minimum duration, clears at once beyond the hysteresis', () => {
    const memory = createAlarmMemory(1);
    expect(updateAlarmState(memory, 0, 0.9, 0, level)).toBe(SensorState.normal);
    expect(updateAlarmState(memory, 0, 0.9, 5_000, level)).toBe(SensorState.normal);
    expect(updateAlarmState(memory, 0, 0.9, 10_000, level)).toBe(SensorState.alarm);
    // Inside the hysteresis band (0.8 − 0.05): still an alarm.
    expect(updateAlarmState(memory, 0, 0.77, 11_000, level)).toBe(SensorState.alarm);
    // Below it: down to the warning level at once.
    expect(updateAlarmState(memory, 0, 0.7, 12_000, level)).toBe(SensorState.warning);
    expect(updateAlarmState(memory, 0, 0.1, 13_000, level)).toBe(SensorState.normal);
  });

  it('does not flicker on noise around a threshold', () => {
    const memory = createAlarmMemory(1);
    const states = new Set<number>();
    for (let t = 0; t < 60_000; t += 1000) states.add(updateAlarmState(memory, 0, t % 2000 ? 0.52 : 0.48, t, level));
    expect([...states]).toEqual([SensorState.normal]);
  });

  it('handles "below" thresholds (a pressure drop)', () => {
    const pressure: Thresholds = { direction: 'below', warning: 0.2, alarm: 0.14, hysteresis: 0.01, minDurationSeconds: 0 };
    const memory = createAlarmMemory(1);
    expect(updateAlarmState(memory, 0, 0.3, 0, pressure)).toBe(SensorState.normal);
    expect(updateAlarmState(memory, 0, 0.18, 1, pressure)).toBe(SensorState.warning);
    expect(updateAlarmState(memory, 0, 0.1, 2, pressure)).toBe(SensorState.alarm);
    expect(updateAlarmState(memory, 0, 0.145, 3, pressure)).toBe(SensorState.alarm);
    expect(updateAlarmState(memory, 0, 0.25, 4, pressure)).toBe(SensorState.normal);
  });
});

describe('ordering and duplicates', () => {
  it('keeps the newest by phenomenonTime; older and duplicate readings change nothing', () => {
    const latest = new LatestObservations(2);
    expect(latest.offer(0, 2000, 5, 10)).toBe(true);
    expect(latest.offer(0, 1000, 7, 11)).toBe(false);
    expect(latest.offer(0, 2000, 9, 12)).toBe(false);
    expect(latest.value[0]).toBe(5);
    expect(latest.offer(0, 3000, 6, 13)).toBe(true);
    expect(latest.offer(5, 3000, 6, 13)).toBe(false);
    expect(latest.offer(1, Number.NaN, 6, 13)).toBe(false);
  });
});

describe('reconnect backoff', () => {
  it('grows exponentially to the cap with jitter between half and all of each step', () => {
    const low = [0, 1, 2, 3, 10].map((a) => backoffDelay(a, () => 0));
    const high = [0, 1, 2, 3, 10].map((a) => backoffDelay(a, () => 1));
    expect(low).toEqual([250, 500, 1000, 2000, 15_000]);
    expect(high).toEqual([500, 1000, 2000, 4000, 30_000]);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(4)));
    expect(spread.size).toBeGreaterThan(10);
  });
});

describe('columnar sensor frames', () => {
  it('round-trip through one transferable buffer, whatever the count', () => {
    for (const n of [0, 1, 2, 3, 1000]) {
      const index = Uint32Array.from({ length: n }, (_, i) => i * 7);
      const time = Float64Array.from({ length: n }, (_, i) => 1.7e12 + i);
      const value = Float64Array.from({ length: n }, (_, i) => i / 3);
      const state = Uint8Array.from({ length: n }, (_, i) => i % 4);
      const frame = unpackSensorFrame(packSensorFrame(index, time, value, state, n));
      expect(frame.count).toBe(n);
      expect([...frame.index]).toEqual([...index]);
      expect([...frame.time]).toEqual([...time]);
      expect([...frame.value]).toEqual([...value]);
      expect([...frame.state]).toEqual([...state]);
    }
  });
});

describe('observation batches (the viewers feed)', () => {
  it('round-trip, also from bytes at an odd offset inside a larger buffer', () => {
    const batcher = new ObservationBatcher(8);
    expect(batcher.take(0)).toBeUndefined();
    batcher.add(3, 1.7e12, 0.25);
    batcher.add(20000, 1.7e12 + 5, -1.5);
    const bytes = batcher.take(1.7e12 + 100)!;
    const shifted = new Uint8Array(bytes.byteLength + 3);
    shifted.set(bytes, 3);
    const batch = decodeObservationBatch(shifted.subarray(3));
    expect(batch).toMatchObject({ sequence: 1, sentAt: 1.7e12 + 100, count: 2 });
    expect([...batch.datastream]).toEqual([3, 20000]);
    expect([...batch.time]).toEqual([1.7e12, 1.7e12 + 5]);
    expect([...batch.result]).toEqual([0.25, -1.5]);
    batcher.add(1, 0, 0);
    expect(decodeObservationBatch(batcher.take(0)!).sequence).toBe(2);
  });

  it('fill up to their limit, and refuse anything that is not a batch', () => {
    const batcher = new ObservationBatcher(2);
    batcher.add(1, 0, 0);
    batcher.add(2, 0, 0);
    expect(batcher.isFull()).toBe(true);
    expect(() => batcher.add(3, 0, 0)).toThrow(/full/);
    const bytes = batcher.take(0)!;
    expect(() => decodeObservationBatch(bytes.subarray(0, bytes.byteLength - 4))).toThrow(/does not hold 2/);
    expect(() => decodeObservationBatch(new TextEncoder().encode('{"result": 1, "phenomenonTime": "now"}'))).toThrow(/magic/);
    expect(() => decodeObservationBatch(new Uint8Array(4))).toThrow(/shorter/);
  });

  it('carry a state column when given one (the history documents); the live feed stays without it', () => {
    const live = decodeObservationBatch(encodeObservationBatch(1, 0, [1, 2], [10, 20], [0.5, 0.6], 2));
    expect(live.state).toBeUndefined();
    expect(encodeObservationBatch(1, 0, [1, 2], [10, 20], [0.5, 0.6], 2).byteLength).toBe(24 + 2 * 20);
    const bytes = encodeObservationBatch(7, 1.7e12, [5, 9, 11], [1, 2, 3], [0.1, 0.2, 0.3], 3, [SensorState.alarm, SensorState.offline, SensorState.normal]);
    expect(bytes.byteLength).toBe(24 + 3 * 21);
    expect(new DataView(bytes.buffer).getUint16(6, true)).toBe(1);
    const shifted = new Uint8Array(bytes.byteLength + 5);
    shifted.set(bytes, 5);
    const batch = decodeObservationBatch(shifted.subarray(5));
    expect(batch).toMatchObject({ sequence: 7, sentAt: 1.7e12, count: 3 });
    expect([...batch.datastream]).toEqual([5, 9, 11]);
    expect([...batch.result]).toEqual([0.1, 0.2, 0.3]);
    expect([...batch.state!]).toEqual([SensorState.alarm, SensorState.offline, SensorState.normal]);
    // An empty state document is still a valid batch with the column flagged.
    expect(decodeObservationBatch(encodeObservationBatch(1, 0, [], [], [], 0, [])).state).toEqual(new Uint8Array(0));
    expect(() => decodeObservationBatch(bytes.subarray(0, bytes.byteLength - 3))).toThrow(/does not hold 3 observations with their states/);
    const unknownFlag = bytes.slice();
    new DataView(unknownFlag.buffer).setUint16(6, 0x8001, true);
    expect(() => decodeObservationBatch(unknownFlag)).toThrow(/unknown flags 0x8001/);
  });
});

describe('latency histogram', () => {
  it('gives percentiles to 5 ms over a rolling window and forgets old windows', () => {
    const histogram = new LatencyHistogram(30_000, 0);
    expect(histogram.summary(0)).toBeUndefined();
    for (let i = 0; i < 1000; i++) histogram.add(i < 990 ? 42 : 400, 1000);
    expect(histogram.summary(1000)).toEqual({ p50: 45, p95: 45, p99: 45, count: 1000 });
    histogram.add(20_000, 1000);
    expect(histogram.summary(1000)!.p99).toBe(405); // 400 ms lies in the 400–405 bin
    // One window later the old samples still count; two windows later they are gone.
    histogram.add(10, 31_000);
    expect(histogram.summary(31_000)!.count).toBe(1002);
    expect(histogram.summary(61_000)).toEqual({ p50: 15, p95: 15, p99: 15, count: 1 });
    expect(histogram.summary(200_000)).toBeUndefined();
  });
});
