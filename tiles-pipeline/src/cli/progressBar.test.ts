import { describe, expect, it } from 'vitest';
import { progressText } from './progressBar.js';

const bar = (fraction: number): string => `${Math.round(fraction * 100)}%`;

describe('progressText', () => {
  it('while reading: the features read so far, no tile count (none is known yet)', () => {
    expect(progressText({ phase: 'read', features: 1475, tiles: 0, tilesTotal: 0 }, bar)).toBe(' reading: 1475 features');
  });

  it('then the tiles built of all, up to the end, with the features read', () => {
    expect(progressText({ phase: 'tiles', features: 1475, tiles: 2, tilesTotal: 5 }, bar)).toBe(' building tiles [40%] 2/5 tiles | 1475 features read');
    expect(progressText({ phase: 'tiles', features: 1475, tiles: 5, tilesTotal: 5 }, bar)).toBe(' building tiles [100%] 5/5 tiles | 1475 features read');
  });
});
