import { describe, expect, it } from 'vitest';
import { createLiveStore, type SensorAlarm } from './sensorsState.js';

/** The alarm list's annotations: the server's start and acknowledgement per listed alarm, and acknowledgements pushed live. */
const alarm = (datastream: number, time: number): SensorAlarm => ({
  datastream,
  name: `sensor ${datastream}`,
  typeZh: '压力',
  typeEn: 'pressure',
  value: 0.05,
  unit: 'MPa',
  time,
  lon: 117.2,
  lat: 39.1,
});
const ack = { by: 'li.na', role: 'operator', at: 5000 };

describe('alarm list annotations', () => {
  it('lists a raised alarm without a start until the server gives it, with its acknowledgement', () => {
    const live = createLiveStore('live');
    live.getState().changeAlarms([alarm(1, 1000), alarm(2, 2000)], []);
    expect(live.getState().alarms.map((a) => [a.datastream, a.since, a.acknowledged])).toEqual([
      [2, null, null],
      [1, null, null],
    ]);
    live.getState().annotateAlarms([{ datastream: 1, since: 900, acknowledged: ack }], true);
    expect(live.getState().alarms.map((a) => [a.datastream, a.since, a.acknowledged])).toEqual([
      [2, null, null],
      [1, 900, ack],
    ]);
    // The list at an earlier time (a replay before the acknowledgement): the server's word wins.
    live.getState().annotateAlarms([{ datastream: 1, since: 900, acknowledged: null }], true);
    expect(live.getState().alarms.find((a) => a.datastream === 1)!.acknowledged).toBeNull();
    // A complete list that lacks an alarm takes its acknowledgement away; a partial one does not.
    live.getState().annotateAlarms([{ datastream: 1, since: 900, acknowledged: ack }], true);
    live.getState().annotateAlarms([], false);
    expect(live.getState().alarms.find((a) => a.datastream === 1)!.acknowledged).toEqual(ack);
    live.getState().annotateAlarms([], true);
    expect(live.getState().alarms.find((a) => a.datastream === 1)!.acknowledged).toBeNull();
  });

  it('marks an acknowledgement pushed live on the alarm of that start, or one whose start is not known yet', () => {
    const live = createLiveStore('live');
    live.getState().changeAlarms([alarm(1, 1000), alarm(2, 2000)], []);
    live.getState().annotateAlarms([{ datastream: 1, since: 900, acknowledged: null }], false);
    live.getState().markAcknowledged(1, 800, ack); // an earlier alarm of sensor 1: not this one
    expect(live.getState().alarms.find((a) => a.datastream === 1)!.acknowledged).toBeNull();
    live.getState().markAcknowledged(1, 900, ack);
    live.getState().markAcknowledged(2, 1900, ack);
    expect(live.getState().alarms.map((a) => [a.datastream, a.since, a.acknowledged])).toEqual([
      [2, 1900, ack],
      [1, 900, ack],
    ]);
    // Raised again: a new alarm, unacknowledged.
    live.getState().changeAlarms([alarm(1, 3000)], []);
    expect(live.getState().alarms.find((a) => a.datastream === 1)).toMatchObject({ since: null, acknowledged: null });
  });
});
