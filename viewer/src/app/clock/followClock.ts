import type { ViewerEvents } from '../../platform/ViewerEvents.js';
import { watch, type ViewerStore } from '../../platform/ViewerStore.js';
import { caughtUp, readClock } from './clockTransitions.js';

/**
 * Announces every clock change (mode, seek, speed, play/pause — the store's clock changes on
 * nothing else, never per tick) as a `clock` event, and turns a playing replay that has caught
 * up with now into live. Returns its stop.
 */
export function followClock(store: ViewerStore, events: ViewerEvents, now: () => number = Date.now): () => void {
  const stop = watch(
    store,
    (s) => s.clock,
    (clock) => events.emit('clock', readClock(clock, now())),
  );
  const timer = setInterval(() => {
    if (caughtUp(store.getState().clock, now())) store.getState().setClock({ mode: 'live' });
  }, 500);
  return () => {
    clearInterval(timer);
    stop();
  };
}
