import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterSeekShown, holdSeek, SEEK_HOLD_MAX_MS } from './seekFirst.js';
import type { ViewerState } from './ViewerState.js';
import { createViewerStore, watch, type ViewerStore } from './ViewerStore.js';

/** Only the clock is used here (the platform's tests do not import the app's default state). */
const newStore = (): ViewerStore => createViewerStore({ clock: { mode: 'live' } } as ViewerState);

/** Resolves to whether `promise` settled by now (after the pending microtasks). */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

describe('seekFirst: other plugins’ seek work waits for the seek’s sensors', () => {
  afterEach(() => vi.useRealTimers());

  it('goes ahead at once when nobody holds the seek', async () => {
    vi.useFakeTimers();
    expect(await settled(afterSeekShown(newStore()))).toBe(true);
  });

  it('waits until every hold is released (twice releasing counts once), per viewer', async () => {
    vi.useFakeTimers();
    const store = newStore();
    const other = newStore();
    const first = holdSeek(store);
    const second = holdSeek(store);
    const waiting = afterSeekShown(store);
    expect(await settled(afterSeekShown(other))).toBe(true);
    first();
    first();
    expect(await settled(waiting)).toBe(false);
    second();
    expect(await settled(waiting)).toBe(true);
  });

  it('waits for a hold taken later in the same clock change (a listener that subscribed after the waiting one)', async () => {
    vi.useFakeTimers();
    const store = newStore();
    let waiting: Promise<void> | undefined;
    let release: (() => void) | undefined;
    watch(
      store,
      (s) => s.clock,
      () => (waiting = afterSeekShown(store)),
    );
    watch(
      store,
      (s) => s.clock,
      () => (release = holdSeek(store)),
    );
    store.getState().setClock({ mode: 'replay', time: Date.now() - 60_000, anchorWallMs: Date.now(), speed: 60, playing: false });
    expect(await settled(waiting!)).toBe(false);
    release!();
    expect(await settled(waiting!)).toBe(true);
  });

  it('a hold never released ends by itself after SEEK_HOLD_MAX_MS', async () => {
    vi.useFakeTimers();
    const store = newStore();
    holdSeek(store);
    const waiting = afterSeekShown(store);
    await vi.advanceTimersByTimeAsync(SEEK_HOLD_MAX_MS - 1);
    expect(await settled(waiting)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(waiting)).toBe(true);
  });
});
