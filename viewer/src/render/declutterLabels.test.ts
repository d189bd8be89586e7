import { describe, expect, it } from 'vitest';
import { declutterLabels, estimateTextWidth } from './declutterLabels.js';
import { resolutionScaleFor } from './resolutionScaleFor.js';

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

describe('wall resolution', () => {
  it('renders at physical pixels up to the drawing-buffer cap', () => {
    expect(resolutionScaleFor(3840, 2160, 1, 8192)).toBe(1);
    expect(resolutionScaleFor(1920, 1080, 2, 8192)).toBe(1);
    // Three 4K screens side by side: 11,520 px wide → capped to 8,192.
    expect(resolutionScaleFor(11_520, 2160, 1, 8192) * 11_520).toBeCloseTo(8192);
    expect(resolutionScaleFor(7680, 4320, 2, 8192) * 7680 * 2).toBeCloseTo(8192);
  });
});
