import { describe, expect, it } from 'vitest';
import { ringSelfIntersects } from './ringSelfIntersects.js';

/** A circle of n vertices, radius 40 with a 2-unit wave: simple, and not convex. */
function wavyCircle(n: number): Float64Array {
  const ring = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const a = (i / n) * 2 * Math.PI;
    const r = 40 + 2 * Math.sin(a * 50);
    ring[2 * i] = r * Math.cos(a);
    ring[2 * i + 1] = r * Math.sin(a);
  }
  return ring;
}

/** The reference: every pair of non-adjacent edges, exact orientation tests. */
function bruteForce(ring: ArrayLike<number>): boolean {
  const n = ring.length / 2;
  const orient = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number => Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));
  const within = (a: number, b: number, c: number): boolean => Math.min(a, b) <= c && c <= Math.max(a, b);
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      const [ax, ay, bx, by] = [ring[2 * i]!, ring[2 * i + 1]!, ring[2 * ((i + 1) % n)]!, ring[2 * ((i + 1) % n) + 1]!];
      const [cx, cy, dx, dy] = [ring[2 * j]!, ring[2 * j + 1]!, ring[2 * ((j + 1) % n)]!, ring[2 * ((j + 1) % n) + 1]!];
      const o = [orient(ax, ay, bx, by, cx, cy), orient(ax, ay, bx, by, dx, dy), orient(cx, cy, dx, dy, ax, ay), orient(cx, cy, dx, dy, bx, by)];
      if (o[0] !== o[1] && o[2] !== o[3]) return true;
      if (o[0] === 0 && within(ax, bx, cx) && within(ay, by, cy)) return true;
      if (o[1] === 0 && within(ax, bx, dx) && within(ay, by, dy)) return true;
      if (o[2] === 0 && within(cx, dx, ax) && within(cy, dy, ay)) return true;
      if (o[3] === 0 && within(cx, dx, bx) && within(cy, dy, by)) return true;
    }
  }
  return false;
}

function hasRepeatedVertex(ring: number[]): boolean {
  const seen = new Set<string>();
  for (let i = 0; i < ring.length; i += 2) {
    const key = `${ring[i]},${ring[i + 1]}`;
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

describe('ringSelfIntersects', () => {
  it('accepts simple rings, convex and concave', () => {
    expect(ringSelfIntersects([0, 0, 10, 0, 10, 10, 0, 10])).toBe(false);
    expect(ringSelfIntersects([0, 0, 10, 0, 10, 10, 5, 4, 0, 10])).toBe(false);
  });
  it('finds a bow tie and a ring touching itself', () => {
    expect(ringSelfIntersects([0, 0, 10, 10, 10, 0, 0, 10])).toBe(true);
    expect(ringSelfIntersects([0, 0, 10, 0, 10, 10, 5, 0, 0, 10])).toBe(true);
  });
  it('checks rings of every size: a 100k-vertex ring with two vertices swapped crosses itself (the check used to stop at 2,000)', () => {
    const ring = wavyCircle(100_000);
    expect(ringSelfIntersects(ring)).toBe(false);
    const crossed = Float64Array.from(ring);
    for (const k of [0, 1]) [crossed[20 + k], crossed[100_000 + k]] = [crossed[100_000 + k]!, crossed[20 + k]!];
    expect(ringSelfIntersects(crossed)).toBe(true);
  });
  it('a 1M-vertex ring is checked in seconds, not hours', () => {
    const ring = wavyCircle(1_000_000);
    const started = performance.now();
    expect(ringSelfIntersects(ring)).toBe(false);
    expect(performance.now() - started).toBeLessThan(20_000); // about a second on an idle core
  });
  it('agrees with the all-pairs reference on random rings around the index threshold', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    let crossing = 0;
    for (let trial = 0; trial < 300; trial++) {
      const n = 40 + Math.floor(random() * 120);
      const ring = new Float64Array(n * 2);
      // Star-shaped (simple) rings, with a vertex thrown elsewhere in a third of them.
      for (let i = 0; i < n; i++) {
        const a = (i / n) * 2 * Math.PI;
        const r = 20 + 20 * random();
        ring[2 * i] = Math.round(r * Math.cos(a));
        ring[2 * i + 1] = Math.round(r * Math.sin(a));
      }
      if (trial % 3 === 0) {
        const k = Math.floor(random() * n);
        ring[2 * k] = Math.round(random() * 80 - 40);
        ring[2 * k + 1] = Math.round(random() * 80 - 40);
      }
      const expected = bruteForce(ring);
      if (expected) crossing++;
      expect(ringSelfIntersects(ring), `trial ${trial}`).toBe(expected);
    }
    expect(crossing).toBeGreaterThan(20); // the comparison covered both answers
  });
  it('agrees with the reference on coarse grids: axis-parallel edges, collinear runs, vertices on edges', () => {
    let seed = 11;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const answers: boolean[] = [];
    for (let trial = 0; trial < 400; trial++) {
      // Half of them tight (many repeated places and crossings), half looser (mostly simple).
      const tight = trial % 2 === 0;
      const n = 70 + Math.floor(random() * (tight ? 200 : 50));
      const points: number[] = [];
      for (let i = 0; i < n; i++) {
        const a = (i / n) * 2 * Math.PI;
        const r = tight ? 6 + 6 * random() : 15 + 10 * random();
        const x = Math.round(r * Math.cos(a));
        const y = Math.round(r * Math.sin(a));
        // Rings as the pipeline hands them over: no vertex repeated right after itself.
        if (points.length >= 2 && points[points.length - 2] === x && points[points.length - 1] === y) continue;
        points.push(x, y);
      }
      while (points.length > 4 && points[0] === points[points.length - 2] && points[1] === points[points.length - 1]) points.length -= 2;
      if (points.length < 8) continue;
      const expected = bruteForce(points);
      answers.push(expected);
      // A repeated place that brute force sees only as edges meeting is a touch for both.
      expect(ringSelfIntersects(points), `trial ${trial}: ${points.join(',')}`).toBe(expected || hasRepeatedVertex(points));
    }
    expect(answers.filter((a) => !a).length).toBeGreaterThan(50);
    expect(answers.filter((a) => a).length).toBeGreaterThan(50);
  });
});
