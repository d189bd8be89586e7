import { describe, expect, it } from 'vitest';
import { SensorState } from '../../workers/live/alarmStateMachine.js';
import { FRESH_OBSERVATION, unpackSensorFrame } from '../../workers/live/SensorFrame.js';
import type { LiveStateDocument } from '../../workers/formats/liveState.js';
import { SensorsModel } from './SensorsModel.js';
import { SENSOR_TYPES, staleAfterSeconds } from '../../workers/live/sensorTypes.js';

const now = 1_800_000_000_000;
const doc: LiveStateDocument = {
  serverTime: now,
  types: [
    {
      id: 'gas_in_well',
      nameZh: '井内燃气浓度',
      nameEn: 'Gas in well',
      unit: '%LEL',
      color: '#f0f',
      periodSeconds: 30,
      staleAfterSeconds: staleAfterSeconds({ ...SENSOR_TYPES[0]!, periodSeconds: 30 }),
      thresholds: { direction: 'above', warning: 10, alarm: 25, hysteresis: 2, minDurationSeconds: 0 },
    },
  ],
  count: 3,
  ids: [1, 2, 3],
  names: ['a', 'b', 'c'],
  type: [0, 0, 0],
  lon: [117.1, 117.2, 117.3],
  lat: [39.1, 39.2, 39.3],
  time: [now - 1000, now - 1000, null],
  result: [1, 30, null],
};

describe('sensors model (the worker’s state)', () => {
  it('takes a state document: values, alarm states, and sensors without data offline after the sweep', () => {
    const model = new SensorsModel();
    model.applyState(doc, now);
    model.sweepStale(now);
    const frame = unpackSensorFrame(model.takeFrame());
    const byIndex = new Map(Array.from(frame.index, (i, k) => [i, { state: frame.state[k], value: frame.value[k] }]));
    expect(byIndex.get(0)).toEqual({ state: SensorState.normal, value: 1 });
    expect(byIndex.get(1)).toEqual({ state: SensorState.alarm, value: 30 });
    expect(byIndex.get(2)?.state).toBe(SensorState.offline);
    // Nothing changed since: an empty frame.
    expect(unpackSensorFrame(model.takeFrame()).count).toBe(0);
  });

  it("starts from the server's alarm states: a standing alarm shows at once, though the type holds a level a minute before raising it", () => {
    const slow = { ...doc.types[0]!, thresholds: { ...doc.types[0]!.thresholds, minDurationSeconds: 60 } };
    const model = new SensorsModel();
    model.applyState({ ...doc, types: [slow], state: [SensorState.normal, SensorState.alarm, SensorState.normal] }, now);
    const frame = unpackSensorFrame(model.takeFrame());
    expect(frame.state[Array.from(frame.index).indexOf(1)]).toBe(SensorState.alarm);
    // Without the server's word the same reading waits out the minute.
    const unaware = new SensorsModel();
    unaware.applyState({ ...doc, types: [slow] }, now);
    const first = unpackSensorFrame(unaware.takeFrame());
    expect(first.state[Array.from(first.index).indexOf(1)]).toBe(SensorState.normal);
  });

  it('silence limits: three report periods, at least a minute, or one limit the deployment sets', () => {
    expect(staleAfterSeconds({ ...SENSOR_TYPES[0]!, periodSeconds: 30 })).toBe(90);
    expect(staleAfterSeconds({ ...SENSOR_TYPES[0]!, periodSeconds: 5 })).toBe(60);
    expect(staleAfterSeconds({ ...SENSOR_TYPES[0]!, periodSeconds: 30 }, 4)).toBe(4);
  });

  it('a sensor silent past its limit (here 3 × 30 s) goes offline, and comes back with data', () => {
    const model = new SensorsModel();
    model.applyState(doc, now);
    model.sweepStale(now); // the sensor that never reported goes offline at once
    model.takeFrame();
    model.sweepStale(now + 88_000); // 3 periods of 30 s = 90 s
    expect(unpackSensorFrame(model.takeFrame()).count).toBe(0);
    model.sweepStale(now + 92_000);
    const stale = unpackSensorFrame(model.takeFrame());
    expect([...stale.index].sort()).toEqual([0, 1]);
    expect([...stale.state]).toEqual([SensorState.offline, SensorState.offline]);
    model.observe(1, now + 93_000, 2, now + 93_000);
    const back = unpackSensorFrame(model.takeFrame());
    expect([...back.index]).toEqual([0]);
    // A live observation: marked fresh (the layer measures its age at render); reloads and sweeps are not.
    expect([...back.state]).toEqual([SensorState.normal | FRESH_OBSERVATION]);
  });

  it('ignores readings older than the one held and unknown datastreams', () => {
    const model = new SensorsModel();
    model.applyState(doc, now);
    model.takeFrame();
    model.observe(1, now - 5000, 99, now);
    model.observe(42, now, 99, now);
    expect(unpackSensorFrame(model.takeFrame()).count).toBe(0);
  });

  it('holds the sensors a role may read by their ids (not dense): slots follow the document, other ids are ignored', () => {
    const model = new SensorsModel();
    const some: LiveStateDocument = { ...doc, ids: [7, 42, 3900] };
    expect(model.catalogueDiffers(some)).toBe(true);
    model.applyState(some, now);
    model.takeFrame();
    model.observe(42, now, 5, now);
    model.observe(2, now, 99, now); // not this viewer's sensor: nothing changes
    model.observe(100_000, now, 99, now);
    const frame = unpackSensorFrame(model.takeFrame());
    expect([...frame.index]).toEqual([1]);
    expect(frame.value[0]).toBe(5);
    // The same sensors again: not a new catalogue; another role's: a new one, in its own slots.
    expect(model.catalogueDiffers({ ...some })).toBe(false);
    const other: LiveStateDocument = { ...doc, ids: [7, 43, 3900] };
    expect(model.catalogueDiffers(other)).toBe(true);
    model.applyState(other, now);
    model.takeFrame();
    model.observe(42, now + 1, 6, now);
    model.observe(43, now + 1, 8, now);
    const next = unpackSensorFrame(model.takeFrame());
    expect([...next.index]).toEqual([1]);
    expect(next.value[0]).toBe(8);
  });
});
