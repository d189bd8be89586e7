import { describe, expect, it } from 'vitest';
import { findCoordinateOutliers } from './findCoordinateOutliers.js';

describe('findCoordinateOutliers', () => {
  it('flags a position 1e15 units away even among six, and nothing else', () => {
    const result = findCoordinateOutliers([0, 30, 60, 90, 120, 1e15], [0, 0, 0, 0, 0, 0]);
    expect(result.indices).toEqual([5]);
    expect(result.spread).toBeLessThan(200);
  });
  it('keeps a far but plausible member: a reservoir 30 km from a 2 km town', () => {
    const x = [...Array.from({ length: 50 }, (_, i) => (i % 10) * 200), 30_000];
    const y = [...Array.from({ length: 50 }, (_, i) => Math.floor(i / 10) * 400), 0];
    expect(findCoordinateOutliers(x, y).indices).toEqual([]);
  });
  it('flags one of a thousand buildings 1000 km off, judged in metres', () => {
    const x = Array.from({ length: 1000 }, (_, i) => (i % 40) * 50);
    const y = Array.from({ length: 1000 }, (_, i) => Math.floor(i / 40) * 50);
    x[400] = 1_000_000;
    expect(findCoordinateOutliers(x, y).indices).toEqual([400]);
  });
  it('judges nothing with fewer than five positions', () => {
    expect(findCoordinateOutliers([0, 1, 1e15], [0, 0, 0]).indices).toEqual([]);
  });
});
