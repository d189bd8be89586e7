import { describe, expect, it } from 'vitest';
import { resolutionScaleFor } from './resolutionScaleFor.js';

describe('wall resolution', () => {
  it('renders at physical pixels up to the drawing-buffer cap', () => {
    expect(resolutionScaleFor(3840, 2160, 1, 8192)).toBe(1);
    expect(resolutionScaleFor(1920, 1080, 2, 8192)).toBe(1);
    // Three 4K screens side by side: 11,520 px wide → capped to 8,192.
    expect(resolutionScaleFor(11_520, 2160, 1, 8192) * 11_520).toBeCloseTo(8192);
    expect(resolutionScaleFor(7680, 4320, 2, 8192) * 7680 * 2).toBeCloseTo(8192);
  });
});
