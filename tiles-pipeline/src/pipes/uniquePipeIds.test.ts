import { describe, expect, it } from 'vitest';
import type { PipePoint } from './PipeFeatures.js';
import { pipeSegmentFixture } from './pipeSegmentFixture.js';
import { uniquePipeIds } from './uniquePipeIds.js';

const point = (id: string): PipePoint => ({
  kind: 'point',
  id,
  origin: { file: 'points.geojson', index: 0, id },
  category: 'JS',
  lon: 117.17,
  lat: 39.12,
  feature: undefined,
  appurtenance: '阀门',
  groundElevation: undefined,
  depth: undefined,
  attributes: {},
});

describe('uniquePipeIds', () => {
  it('renames repeated segment and point ids in one namespace, segments first, and reports each', () => {
    const line = new Float64Array([117.17, 39.12, 117.171, 39.12]);
    const segments = [
      pipeSegmentFixture({ id: 'G1', lonLat: line }),
      pipeSegmentFixture({ id: 'G1', lonLat: line }),
      pipeSegmentFixture({ id: 'G2', lonLat: line }),
    ];
    const points = [point('P1'), point('G2'), point('P1')];
    const renamed = uniquePipeIds(segments, points);
    expect(segments.map((s) => s.id)).toEqual(['G1', 'G1#2', 'G2']);
    expect(points.map((p) => p.id)).toEqual(['P1', 'G2#2', 'P1#2']);
    expect(renamed.map((r) => `${r.code} ${r.feature}`)).toEqual(['ID_DUPLICATE_RENAMED G1', 'ID_DUPLICATE_RENAMED G2', 'ID_DUPLICATE_RENAMED P1']);
    expect(renamed[0]!.message).toContain('"G1#2"');
  });
});
