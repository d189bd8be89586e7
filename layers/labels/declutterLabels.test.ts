import { describe, expect, it } from 'vitest';
import { declutterLabels, estimateTextWidth } from './declutterLabels.js';
import { labelPixelSize } from './labelPixelSize.js';

describe('label decluttering', () => {
  it('keeps the higher-priority label of two that overlap, and both when apart', () => {
    const shown = declutterLabels([
      { x: 100, y: 100, width: 80, height: 16, priority: 1 },
      { x: 120, y: 104, width: 80, height: 16, priority: 10 },
      { x: 400, y: 100, width: 80, height: 16, priority: 1 },
      undefined,
    ]);
    expect(shown).toEqual([false, true, true, false]);
  });

  it('scales with many labels (grid, not all pairs)', () => {
    const boxes = Array.from({ length: 20_000 }, (_, i) => ({ x: (i * 37) % 4000, y: (i * 91) % 2000, width: 60, height: 14, priority: i % 5 }));
    const t = performance.now();
    const shown = declutterLabels(boxes);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(shown.filter(Boolean).length).toBeGreaterThan(100);
  });

  it('estimates CJK text as square glyphs', () => {
    expect(estimateTextWidth('南开区', 20)).toBe(60);
    expect(estimateTextWidth('abc', 20)).toBeCloseTo(34.8);
  });
});

describe('label size', () => {
  it('is fixed at a desk and grows with a wall, never below 24 px', () => {
    expect(labelPixelSize('planner', 3840, 2160)).toBe(14);
    expect(labelPixelSize('wall', 960, 540)).toBe(24);
    expect(labelPixelSize('wall', 3840, 2160)).toBe(35);
  });
});
