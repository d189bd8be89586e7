import { describe, expect, it } from 'vitest';
import { featureSummaryLines, repairLines } from './featureSummary.js';

describe('featureSummaryLines', () => {
  it('says read = written + skipped, and what "repaired" counts', () => {
    expect(featureSummaryLines({ read: 1475, written: 1471, skipped: 4, repaired: 1471, derived: 0 })).toEqual([
      'features: 1475 read = 1471 written + 4 skipped; 1471 of the written were repaired',
    ]);
  });

  it('puts derived tile features on a line of their own', () => {
    const lines = featureSummaryLines({ read: 216, written: 216, skipped: 0, repaired: 0, derived: 2 });
    expect(lines[0]).toBe('features: 216 read = 216 written + 0 skipped; 0 of the written were repaired');
    expect(lines[1]).toMatch(/^derived: 2 more tile features/);
  });

  it('counts repairs in features, mixed-type fields in fields', () => {
    expect(repairLines({ WINDING_FIXED: 1471, ATTRIBUTE_TYPE_MIXED: 1 })).toEqual([
      '  repaired WINDING_FIXED: 1471 features',
      '  repaired ATTRIBUTE_TYPE_MIXED: 1 fields',
    ]);
  });
});
