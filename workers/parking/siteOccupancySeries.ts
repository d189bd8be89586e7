import { FORECAST_STEP_MS } from './forecast.js';

/** One level's stored counts of free spaces, oldest first (raw readings, or 15-minute means where only aggregates are kept). */
export interface LevelCounts {
  time: ArrayLike<number>;
  free: ArrayLike<number>;
  capacity: number;
}

/**
 * A site's occupied spaces on a regular grid (FORECAST_STEP_MS) from its levels' stored counts:
 * each level's count holds until its next one (a step function, as the forecast reads history),
 * the site's occupancy is its capacity minus the levels' free spaces, and the grid starts once
 * every level has been heard (before that the site's count is unknown). Pure: the history's
 * columns in, the forecast's input out. Empty when a level was never heard before `to`.
 */
export function siteOccupancySeries(levels: readonly LevelCounts[], to: number, stepMs = FORECAST_STEP_MS): { time: Float64Array; occupied: Float64Array } {
  const empty = { time: new Float64Array(0), occupied: new Float64Array(0) };
  if (levels.length === 0) return empty;
  let start = Number.NEGATIVE_INFINITY;
  for (const level of levels) {
    if (level.time.length === 0 || level.time[0]! > to) return empty;
    start = Math.max(start, level.time[0]!);
  }
  // On whole steps, so that two reads of the same history give the same grid.
  const first = Math.ceil(start / stepMs) * stepMs;
  const count = first > to ? 0 : Math.floor((to - first) / stepMs) + 1;
  const time = new Float64Array(count);
  const occupied = new Float64Array(count);
  const capacity = levels.reduce((sum, level) => sum + level.capacity, 0);
  const cursor = new Int32Array(levels.length);
  for (let k = 0; k < count; k++) {
    const t = first + k * stepMs;
    let free = 0;
    for (let l = 0; l < levels.length; l++) {
      const level = levels[l]!;
      let at = cursor[l]!;
      while (at + 1 < level.time.length && level.time[at + 1]! <= t) at++;
      cursor[l] = at;
      free += Math.min(level.capacity, Math.max(0, level.free[at]!));
    }
    time[k] = t;
    occupied[k] = capacity - free;
  }
  return { time, occupied };
}
