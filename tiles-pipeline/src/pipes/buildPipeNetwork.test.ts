import { describe, expect, it } from 'vitest';
import { buildPipeNetwork } from './buildPipeNetwork.js';
import type { PipePoint, PipeSegment } from './PipeFeatures.js';
import { pipeSegmentFixture } from './pipeSegmentFixture.js';

const M = 1 / 111_000; // ~ one metre in degrees of latitude (and close enough in longitude here at the equator)
const point = (id: string, x: number, y: number, category = 'JS'): PipePoint => ({
  kind: 'point',
  id,
  origin: { file: 'p', index: 0 },
  category,
  lon: x * M,
  lat: y * M,
  feature: undefined,
  appurtenance: undefined,
  groundElevation: undefined,
  depth: undefined,
  attributes: {},
});
const segment = (id: string, coordinates: [number, number][], from?: string, to?: string, category = 'JS'): PipeSegment =>
  pipeSegmentFixture({ id, category, fromPoint: from, toPoint: to, lonLat: Float64Array.from(coordinates.flatMap(([x, y]) => [x * M, y * M])) });

describe('buildPipeNetwork', () => {
  it('joins ends by point id, then by position; counts degrees and lengths', () => {
    const network = buildPipeNetwork(
      [
        segment(
          'L1',
          [
            [0, 0],
            [100, 0],
          ],
          'P1',
          'P2',
        ),
        segment('L2', [
          [100, 0],
          [100, 50],
        ]),
        segment('L3', [
          [100, 50],
          [100, 80],
        ]),
      ],
      [point('P1', 0, 0), point('P2', 100, 0)],
    );
    expect(network.edges.map((e) => [e.id, network.nodes[e.from]!.id, network.nodes[e.to]!.id])).toEqual([
      ['L1', 'P1', 'P2'],
      ['L2', 'P2', '~2'],
      ['L3', '~2', '~3'],
    ]);
    expect(network.edges[0]!.length).toBeCloseTo(100 * (111_320 / 111_000), 0);
    expect(network.nodes.find((n) => n.id === 'P2')!.degree).toBe(2);
    expect(network.issues.filter((i) => i.code === 'LINE_END_WITHOUT_POINT').map((i) => i.element)).toEqual(['~2', '~3']);
  });

  it('reports dangling ends near a node, duplicates, zero-length and mismatched ends', () => {
    const network = buildPipeNetwork(
      [
        segment(
          'L1',
          [
            [0, 0],
            [50, 0],
          ],
          'P1',
          'P2',
        ),
        segment(
          'L2',
          [
            [50.6, 0],
            [80, 0],
          ],
          undefined,
          'P3',
        ), // starts 0.6 m from P2: dangling
        segment('L3', [
          [0, 0],
          [0, 0.001],
        ]), // zero length
        segment(
          'L4',
          [
            [0, 2],
            [0, 40],
          ],
          'P1',
          'P9',
        ), // starts 2 m from P1; P9 unknown
      ],
      [point('P1', 0, 0), point('P2', 50, 0), point('P3', 80, 0), point('P3b', 80.01, 0)],
    );
    const codes = network.issues.map((i) => `${i.code}:${i.element}`);
    expect(codes).toContain('DANGLING_NEAR:~4');
    expect(codes).toContain('DUPLICATE_NODE:P3b');
    expect(codes).toContain('ZERO_LENGTH:L3');
    expect(codes).toContain('ENDPOINT_MISMATCH:L4');
    expect(codes).toContain('UNKNOWN_END_POINT:L4');
  });

  it('does not join pipes of different categories that meet', () => {
    const network = buildPipeNetwork(
      [
        segment('W', [
          [0, 0],
          [10, 0],
        ]),
        segment(
          'G',
          [
            [10, 0],
            [20, 0],
          ],
          undefined,
          undefined,
          'RQ',
        ),
      ],
      [],
    );
    expect(network.nodes.length).toBe(4);
  });
});
