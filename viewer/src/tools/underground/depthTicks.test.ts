import { describe, expect, it } from 'vitest';
import { depthLabelStep } from './depthTicks.js';

describe('depth staff labels', () => {
  it('label every metre up close and fewer as the staff gets short on screen', () => {
    expect(depthLabelStep(40, 20)).toBe(1);
    expect(depthLabelStep(12, 20)).toBe(2);
    expect(depthLabelStep(5, 20)).toBe(5);
    expect(depthLabelStep(0.5, 20)).toBe(10);
  });
});
