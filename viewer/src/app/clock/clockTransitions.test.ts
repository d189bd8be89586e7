import { describe, expect, it } from 'vitest';
import { clockTimeAt, type ClockState } from '../../../../workers/formats/history.js';
import { createViewerStore } from '../../platform/ViewerStore.js';
import { ViewerEvents } from '../../platform/ViewerEvents.js';
import { defaultViewerState } from '../defaultViewerState.js';
import { caughtUp, ClockError, pause, play, readClock, replayAt, seek, step, stepMs, withSpeed } from './clockTransitions.js';
import { createClockCommands } from './createClockCommands.js';
import { followClock } from './followClock.js';

const NOW = Date.parse('2026-11-30T18:00:00Z');
const HOUR = 3_600_000;
const LIVE: ClockState = { mode: 'live' };

describe('clock transitions', () => {
  it('a playing replay advances at its speed from its anchor; a paused one stands', () => {
    const clock = replayAt(NOW - HOUR, NOW, { speed: 60 });
    expect(clockTimeAt(clock, NOW + 10_000)).toBe(NOW - HOUR + 600_000);
    const paused = pause(clock, NOW + 10_000);
    expect(paused).toMatchObject({ playing: false, time: NOW - HOUR + 600_000 });
    expect(clockTimeAt(paused, NOW + 99_000)).toBe(NOW - HOUR + 600_000);
    // Playing again continues from where it stood, not from where it would have been.
    const resumed = play(paused, NOW + 99_000);
    expect(clockTimeAt(resumed, NOW + 100_000)).toBe(NOW - HOUR + 660_000);
    // Pausing live freezes now.
    expect(pause(LIVE, NOW, 10)).toEqual({ mode: 'replay', time: NOW, anchorWallMs: NOW, speed: 10, playing: false });
  });

  it('a speed change keeps the time shown and plays on at the new speed', () => {
    const clock = withSpeed(replayAt(NOW - HOUR, NOW, { speed: 10 }), 3600, NOW + 6_000);
    expect(clockTimeAt(clock, NOW + 6_000)).toBe(NOW - HOUR + 60_000);
    expect(clockTimeAt(clock, NOW + 7_000)).toBe(NOW - HOUR + 60_000 + HOUR);
    expect(withSpeed(LIVE, 60, NOW)).toBe(LIVE);
  });

  it('refuses the future, times that are not times and speeds out of 1 … 3,600, saying why', () => {
    expect(() => replayAt(NOW + 1, NOW)).toThrow(/in the future/);
    expect(() => replayAt(NaN, NOW)).toThrow(ClockError);
    expect(() => replayAt(NOW - HOUR, NOW, { speed: 0 })).toThrow(/out of range/);
    expect(() => replayAt(NOW - HOUR, NOW, { speed: 7200 })).toThrow(/out of range/);
    expect(() => withSpeed(replayAt(NOW - HOUR, NOW), Number.NaN, NOW)).toThrow(/out of range/);
  });

  it('seeking: from live starts a playing replay, in a replay keeps speed and pause, now or later is live', () => {
    expect(seek(LIVE, NOW - HOUR, NOW, 600)).toMatchObject({ mode: 'replay', time: NOW - HOUR, speed: 600, playing: true });
    const paused = replayAt(NOW - 2 * HOUR, NOW - 5000, { speed: 10, playing: false });
    expect(seek(paused, NOW - HOUR, NOW)).toEqual({ mode: 'replay', time: NOW - HOUR, anchorWallMs: NOW, speed: 10, playing: false });
    expect(seek(paused, NOW, NOW)).toEqual(LIVE);
  });

  it('a step suits the speed, keeps the play state, and from live goes back into a paused replay', () => {
    expect([1, 10, 60, 600, 3600].map(stepMs)).toEqual([10_000, 60_000, 300_000, 900_000, HOUR]);
    const clock = replayAt(NOW - 2 * HOUR, NOW, { speed: 600, playing: false });
    expect(step(clock, -1, NOW)).toMatchObject({ time: NOW - 2 * HOUR - 900_000, playing: false });
    expect(step(clock, 1, NOW)).toMatchObject({ time: NOW - 2 * HOUR + 900_000 });
    expect(step(LIVE, -1, NOW, 3600)).toMatchObject({ mode: 'replay', time: NOW - HOUR, playing: false });
    expect(step(LIVE, 1, NOW)).toBe(LIVE);
    expect(step(replayAt(NOW - 60_000, NOW, { speed: 3600 }), 1, NOW)).toEqual(LIVE);
  });

  it('reads as the page API answers: ISO time, speed 1 live, 0 paused; a replay that caught up with now is over', () => {
    expect(readClock(LIVE, NOW)).toEqual({ mode: 'live', time: '2026-11-30T18:00:00.000Z', speed: 1 });
    const clock = replayAt(NOW - HOUR, NOW, { speed: 3600 });
    expect(readClock(clock, NOW + 500)).toEqual({ mode: 'replay', time: '2026-11-30T17:30:00.000Z', speed: 3600 });
    expect(readClock(pause(clock, NOW), NOW + 500).speed).toBe(0);
    expect(caughtUp(clock, NOW + 500)).toBe(false);
    expect(caughtUp(clock, NOW + 1_001)).toBe(true);
    expect(caughtUp(pause(clock, NOW), NOW + 5_000)).toBe(false);
  });
});

describe('clock commands over the store', () => {
  const config = { format: 'cim-twin-viewer-config', version: 1, layers: [], bookmarks: [] } as const;

  it('change the store only on a real change, remember the speed through live, and announce each change once', () => {
    let now = NOW;
    const store = createViewerStore(defaultViewerState({ ...config, layers: [], bookmarks: [] }));
    const events = new ViewerEvents();
    const heard: string[] = [];
    events.on('clock', (reading) => heard.push(`${reading.mode} ${reading.time} ${reading.speed}`));
    const stop = followClock(store, events, () => now);
    const clock = createClockCommands(store, () => now);

    clock.replay('2026-11-30T17:00:00Z', { speed: 600 });
    now += 1000;
    clock.pause();
    clock.pause(); // no change, no event
    clock.setSpeed(3600);
    clock.live();
    clock.live();
    clock.seek('2026-11-30T16:00:00Z'); // from live: the speed chosen last
    expect(() => clock.replay('yesterday')).toThrow(/not a time/);
    expect(() => clock.setSpeed(5000)).toThrow(/out of range/);
    expect(heard).toEqual([
      'replay 2026-11-30T17:00:00.000Z 600',
      'replay 2026-11-30T17:10:00.000Z 0',
      'replay 2026-11-30T17:10:00.000Z 0',
      'live 2026-11-30T18:00:01.000Z 1',
      'replay 2026-11-30T16:00:00.000Z 3600',
    ]);
    expect(store.getState().clock).toMatchObject({ mode: 'replay', speed: 3600, playing: true });
    stop();
  });
});
