import { describe, expect, it } from 'vitest';
import { siteOccupancySeries } from './siteOccupancySeries.js';

const STEP = 5 * 60_000;

describe('a site’s occupancy from its levels’ stored counts', () => {
  it('holds each level’s count until its next, sums the levels, starts once every level was heard', () => {
    const series = siteOccupancySeries(
      [
        { time: [0, 7 * 60_000], free: [10, 4], capacity: 20 },
        { time: [3 * 60_000, 12 * 60_000], free: [5, 0], capacity: 10 },
      ],
      15 * 60_000,
    );
    // Grid from the first whole step after both were heard (3 min → 5 min), to 15 min.
    expect(Array.from(series.time)).toEqual([STEP, 2 * STEP, 3 * STEP]);
    // 5 min: 10 + 5 free of 30; 10 min: 4 + 5; 15 min: 4 + 0.
    expect(Array.from(series.occupied)).toEqual([15, 21, 26]);
  });

  it('is empty when a level was never heard, and clamps counts outside 0 … capacity', () => {
    expect(
      siteOccupancySeries(
        [
          { time: [0], free: [1], capacity: 5 },
          { time: [], free: [], capacity: 5 },
        ],
        STEP,
      ).time.length,
    ).toBe(0);
    const clamped = siteOccupancySeries([{ time: [0], free: [12.5], capacity: 10 }], STEP);
    expect(Array.from(clamped.occupied)).toEqual([0, 0]);
  });
});
