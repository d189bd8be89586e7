import type { ViewerStore } from './ViewerStore.js';

/**
 * A seek shows the sensors at T first (issue 14: on screen < 500 ms). The layer that draws the
 * seek's state holds the seek from the clock change until the frame that shows it; the other
 * plugins' seek work (incidents and parking at T, the alarm list's annotation, the timeline's
 * marks) waits for that, so its requests do not compete with the state document on the
 * server and its frames do not delay the first one. A hold ends by itself after
 * SEEK_HOLD_MAX_MS: a slow seek holds nobody back for longer.
 */
export const SEEK_HOLD_MAX_MS = 1_500;

interface Holds {
  count: number;
  waiting: (() => void)[];
}

/** Per viewer (its store): one viewer's seek never holds another's plugins. */
const holdsOf = new WeakMap<ViewerStore, Holds>();

function holds(store: ViewerStore): Holds {
  let held = holdsOf.get(store);
  if (!held) holdsOf.set(store, (held = { count: 0, waiting: [] }));
  return held;
}

/** Holds the other plugins' seek work until the returned release is called (once; later calls do nothing) or SEEK_HOLD_MAX_MS passed. */
export function holdSeek(store: ViewerStore): () => void {
  const held = holds(store);
  held.count++;
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    clearTimeout(timer);
    if (--held.count > 0) return;
    for (const resume of held.waiting.splice(0)) resume();
  };
  const timer = setTimeout(release, SEEK_HOLD_MAX_MS);
  return release;
}

/**
 * Resolves once no seek is held. Checked after the current task's other clock listeners ran
 * (the store calls them in the order they subscribed, and the holder may come later).
 */
export async function afterSeekShown(store: ViewerStore): Promise<void> {
  await Promise.resolve();
  const held = holds(store);
  if (held.count === 0) return;
  await new Promise<void>((resolve) => held.waiting.push(resolve));
}
