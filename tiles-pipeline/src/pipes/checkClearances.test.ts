import { describe, expect, it } from 'vitest';
import type { PipeSegment } from './PipeFeatures.js';
import { checkClearances } from './checkClearances.js';
import { pipeSegmentFixture } from './pipeSegmentFixture.js';

const lon0 = 117.16;
const lat0 = 39.1;
const pipe = (
  id: string,
  category: string,
  points: [number, number][],
  depth: number,
  size: { diameter?: number; width?: number; height?: number },
  ends: [string?, string?] = [],
): PipeSegment =>
  pipeSegmentFixture({
    id,
    category,
    fromPoint: ends[0],
    toPoint: ends[1],
    lonLat: Float64Array.from(points.flatMap(([x, y]) => [lon0 + x / 86_470, lat0 + y / 110_996])),
    startDepth: depth,
    endDepth: depth,
    diameter: size.diameter,
    width: size.width,
    height: size.height,
  });

describe('checkClearances (GB 50289)', () => {
  it('finds exactly the planted conflicts', () => {
    const segments = [
      pipe(
        'JS-main',
        'JS',
        [
          [0, 0],
          [100, 0],
        ],
        1.2,
        { diameter: 0.3 },
        ['J1', 'J2'],
      ),
      pipe(
        'JS-branch',
        'JS',
        [
          [100, 0],
          [100, 40],
        ],
        1.2,
        { diameter: 0.15 },
        ['J2', 'J3'],
      ), // joined: not a conflict
      pipe(
        'DL-bank',
        'DL',
        [
          [0, 0.5],
          [40, 0.5],
        ],
        0.8,
        { width: 0.8, height: 0.5 },
      ), // 0.5 m apart: too close (0.5 m clear needed)
      pipe(
        'TX-far',
        'TX',
        [
          [0, 3],
          [90, 3],
        ],
        0.8,
        { diameter: 0.1 },
      ), // 3 m apart: fine
      pipe(
        'RL-near',
        'RL',
        [
          [60, -1.5],
          [100, -1.5],
        ],
        1.5,
        { diameter: 0.4 },
      ), // 1.15 m clear, 1.5 needed
      pipe(
        'PS-cross',
        'PS',
        [
          [50, -1],
          [50, 0.3],
        ],
        1.9,
        { diameter: 0.5 },
      ), // invert 1.9: 0.1 m overlap with the main
      pipe(
        'RQ-cross',
        'RQ',
        [
          [80, -20],
          [80, 20],
        ],
        2.5,
        { diameter: 0.2 },
      ), // below everything it crosses: fine
    ];
    const { conflicts } = checkClearances(segments);
    expect(conflicts.map((c) => `${c.type} ${c.a} ${c.b}`)).toEqual(['horizontal DL-bank JS-main', 'vertical JS-main PS-cross', 'horizontal JS-main RL-near']);
    const vertical = conflicts.find((c) => c.type === 'vertical')!;
    expect(vertical.required).toBe(0.4);
    // Main centre 1.35 m deep, sewer centre 1.65 m: 0.30 m apart minus both radii.
    expect(vertical.actual).toBeCloseTo(0.3 - 0.15 - 0.25, 2);
    expect(vertical.lon).toBeCloseTo(lon0 + 50 / 86_470, 6);
    const heat = conflicts.find((c) => c.b === 'RL-near')!;
    expect(heat).toMatchObject({ required: 1.5 });
    expect(heat.actual).toBeCloseTo(1.5 - 0.15 - 0.2, 2);
  });

  it('pipes of one network are one pipeline: where they cross at one depth, no conflict', () => {
    // Three water pipes joined end to end (snapped, no point ids); the third crosses the first.
    const network = [
      pipe(
        'L1',
        'JS',
        [
          [0, 0],
          [100, 0],
        ],
        1.2,
        { diameter: 0.3 },
      ),
      pipe(
        'L2',
        'JS',
        [
          [100, 0],
          [100, 50],
        ],
        1.2,
        { diameter: 0.3 },
      ),
      pipe(
        'L3',
        'JS',
        [
          [100, 50],
          [50, -20],
        ],
        1.2,
        { diameter: 0.3 },
      ),
    ];
    const { conflicts, pairsChecked } = checkClearances(network);
    expect(conflicts).toEqual([]);
    expect(pairsChecked).toBe(0); // not even looked at: same pipeline
  });

  it('two separate networks of one category crossing at one depth do conflict (JS–JS 0.15 m)', () => {
    const { conflicts } = checkClearances([
      pipe(
        'A1',
        'JS',
        [
          [0, 0],
          [100, 0],
        ],
        1.2,
        { diameter: 0.3 },
        ['J1', 'J2'],
      ),
      pipe(
        'A2',
        'JS',
        [
          [100, 0],
          [100, 50],
        ],
        1.2,
        { diameter: 0.3 },
        ['J2', 'J3'],
      ),
      pipe(
        'B1',
        'JS',
        [
          [50, -20],
          [50, 20],
        ],
        1.2,
        { diameter: 0.3 },
        ['K1', 'K2'],
      ),
    ]);
    expect(conflicts.map((c) => `${c.type} ${c.a} ${c.b} ${c.required}`)).toEqual(['vertical A1 B1 0.15']);
  });

  it('stays quiet on a clean layout', () => {
    const { conflicts, pairsChecked } = checkClearances([
      pipe(
        'JS',
        'JS',
        [
          [0, 0],
          [100, 0],
        ],
        1.2,
        { diameter: 0.3 },
      ),
      pipe(
        'DL',
        'DL',
        [
          [0, 2],
          [100, 2],
        ],
        0.8,
        { diameter: 0.2 },
      ),
      pipe(
        'PS',
        'PS',
        [
          [50, -20],
          [50, 20],
        ],
        3.0,
        { diameter: 0.5 },
      ),
    ]);
    expect(conflicts).toEqual([]);
    expect(pairsChecked).toBeGreaterThan(0);
  });
});
