import cliProgress from 'cli-progress';

// A CommonJS package: Node finds SingleBar as a named export but not Format.
const { Format, SingleBar } = cliProgress;

/** What the builds report as they go: features read so far, then tiles built of all. */
export type ProgressPhase = 'read' | 'tiles';
export type ProgressUpdate = (phase: ProgressPhase, done: number, total: number | undefined) => void;

interface ProgressState {
  phase: ProgressPhase;
  /** Features read (the read phase's count, kept for the tiles phase). */
  features: number;
  tiles: number;
  tilesTotal: number;
}

/**
 * The progress line for a state: while reading, the features read so far (how many there
 * will be is not known before the end); then the tiles built of all, with a bar.
 */
export function progressText(state: ProgressState, bar: (fraction: number) => string): string {
  if (state.phase === 'read') return ` reading: ${state.features} features`;
  const fraction = state.tilesTotal > 0 ? state.tiles / state.tilesTotal : 1;
  return ` building tiles [${bar(fraction)}] ${state.tiles}/${state.tilesTotal} tiles | ${state.features} features read`;
}

/** A progress line on stderr (`quiet`: none), fed by the builds' onProgress. */
export function progressBar(quiet: boolean): { update: ProgressUpdate; stop: () => void } {
  if (quiet) return { update: () => undefined, stop: () => undefined };
  const state: ProgressState = { phase: 'read', features: 0, tiles: 0, tilesTotal: 0 };
  const bar = new SingleBar({
    format: (options) => progressText(state, (fraction) => Format.BarFormat(fraction, options)),
    hideCursor: true,
    clearOnComplete: true,
  });
  let started = false;
  return {
    update(phase, done, total) {
      state.phase = phase;
      if (phase === 'read') state.features = done;
      else [state.tiles, state.tilesTotal] = [done, total ?? done];
      if (!started) bar.start(1, 0);
      started = true;
      bar.update(0); // redraws: the text comes from `state`
    },
    stop: () => bar.stop(),
  };
}
