import { describe, expect, it } from 'vitest';
import { simplifyRing } from './simplifyRing.js';

function distanceToRing(x: number, y: number, ring: Float64Array): number {
  const n = ring.length / 2;
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const [ax, ay, bx, by] = [ring[2 * i]!, ring[2 * i + 1]!, ring[2 * j]!, ring[2 * j + 1]!];
    const length = (bx - ax) ** 2 + (by - ay) ** 2;
    const t = Math.max(0, Math.min(1, length > 0 ? ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / length : 0));
    best = Math.min(best, Math.hypot(ax + t * (bx - ax) - x, ay + t * (by - ay) - y));
  }
  return best;
}

describe('simplifyRing', () => {
  it('drops vertices on straight edges and keeps the corners', () => {
    const square = [0, 0, 5, 0, 10, 0, 10, 5, 10, 10, 5, 10, 0, 10, 0, 5];
    expect(Array.from(simplifyRing(square, 0.01))).toEqual([0, 0, 10, 0, 10, 10, 0, 10]);
  });
  it('a densely digitised circle: every dropped vertex stays within the tolerance, in scaled units', () => {
    const n = 100_000;
    const ring = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      ring[2 * i] = 40 * Math.cos((i / n) * 2 * Math.PI);
      ring[2 * i + 1] = 40 * Math.sin((i / n) * 2 * Math.PI);
    }
    const simplified = simplifyRing(ring, 0.05);
    expect(simplified.length / 2).toBeLessThan(1000);
    for (let i = 0; i < n; i += 97) expect(distanceToRing(ring[2 * i]!, ring[2 * i + 1]!, simplified)).toBeLessThanOrEqual(0.05 + 1e-9);
    // The same ring in units 10× smaller with a scale of 10 simplifies alike.
    const small = ring.map((v) => v / 10);
    expect(simplifyRing(small, 0.05, 10, 10).length).toBe(simplified.length);
  });
  it('keeps every vertex of a ring whose detail is larger than the tolerance', () => {
    const ring = [0, 0, 1, 3, 2, 0, 3, 3, 4, 0, 4, 5, 0, 5];
    expect(simplifyRing(ring, 0.05).length).toBe(ring.length);
  });
});
