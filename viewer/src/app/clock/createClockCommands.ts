import type { ClockCommands } from '../../platform/ClockCommands.js';
import type { ClockState } from '../../platform/ViewerState.js';
import type { ViewerStore } from '../../platform/ViewerStore.js';
import { checkedSpeed, DEFAULT_REPLAY_SPEED, parseClockTime, pause, play, readClock, replayAt, seek, step, withSpeed } from './clockTransitions.js';

/** The clock commands over the store; `now` is the wall clock (tests pass their own). */
export function createClockCommands(store: ViewerStore, now: () => number = Date.now): ClockCommands {
  // The speed chosen last, kept through live: the next replay starts at it.
  let lastSpeed = DEFAULT_REPLAY_SPEED;
  const clock = (): ClockState => store.getState().clock;
  const set = (next: ClockState): void => {
    if (next.mode === 'replay') lastSpeed = next.speed;
    if (next !== clock()) store.getState().setClock(next);
  };
  return {
    reading: () => readClock(clock(), now()),
    replay: (time, options = {}) => set(replayAt(parseClockTime(time), now(), { speed: options.speed ?? lastSpeed, playing: options.playing ?? true })),
    seek: (time) => set(seek(clock(), parseClockTime(time), now(), lastSpeed)),
    play: () => set(play(clock(), now())),
    pause: () => set(pause(clock(), now(), lastSpeed)),
    step: (direction) => set(step(clock(), direction, now(), lastSpeed)),
    setSpeed: (speed) => {
      lastSpeed = checkedSpeed(speed);
      set(withSpeed(clock(), speed, now()));
    },
    live: () => set(clock().mode === 'live' ? clock() : { mode: 'live' }),
  };
}
