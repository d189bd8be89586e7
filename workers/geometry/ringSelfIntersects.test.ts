import { describe, expect, it } from 'vitest';
import { ringSelfIntersects } from './ringSelfIntersects.js';

describe('ringSelfIntersects', () => {
  it('accepts simple rings, convex and concave', () => {
    expect(ringSelfIntersects([0, 0, 10, 0, 10, 10, 0, 10])).toBe(false);
    expect(ringSelfIntersects([0, 0, 10, 0, 10, 10, 5, 4, 0, 10])).toBe(false);
  });
  it('finds a bow tie and a ring touching itself', () => {
    expect(ringSelfIntersects([0, 0, 10, 10, 10, 0, 0, 10])).toBe(true);
    expect(ringSelfIntersects([0, 0, 10, 0, 10, 10, 5, 0, 0, 10])).toBe(true);
  });
});
