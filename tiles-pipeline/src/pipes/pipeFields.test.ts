import { describe, expect, it } from 'vitest';
import { resolveCrs } from '../crs/resolveCrs.js';
import type { GeometryFeature } from '../readers/SourceFeature.js';
import { normalizePipeFeature } from './normalizePipeFeature.js';
import { DEFAULT_FIELD_MAPPING, fieldMappingFromJson } from './pipeFields.js';

const line = (attributes: GeometryFeature['attributes']): GeometryFeature => ({
  kind: 'geometry',
  origin: { file: 'f', index: 0 },
  attributes,
  geometryType: 'LineString',
  coordinates: [
    [117.16, 39.1],
    [117.161, 39.1],
  ],
});

describe('pipe field mapping', () => {
  it('recognises CJJ 61 Chinese columns and English ones without a mapping', () => {
    const crs = resolveCrs('CRS84');
    const chinese = normalizePipeFeature(line({ 管线编号: 'A', 类别: '给水', 起点埋深: 1.1, 终点埋深: 1.3, 管径: 'DN300', 材质: 'PE' }), {
      crs,
      mapping: DEFAULT_FIELD_MAPPING,
      layerCategory: undefined,
    });
    const english = normalizePipeFeature(line({ id: 'A', category: 'JS', start_depth: 1.1, end_depth: 1.3, diameter: 300, material: 'PE' }), {
      crs,
      mapping: DEFAULT_FIELD_MAPPING,
      layerCategory: undefined,
    });
    for (const result of [chinese, english]) {
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.items[0]).toMatchObject({ id: 'A', category: 'JS', startDepth: 1.1, endDepth: 1.3, diameter: 0.3, material: 'PE' });
    }
  });

  it('takes a mapping file: other columns, and units', () => {
    const mapping = fieldMappingFromJson({ diameter: { column: 'DN_m', unit: 'm' }, startDepth: '埋深1', endDepth: ['埋深2'], category: 'KIND' });
    const result = normalizePipeFeature(line({ KIND: 'RQ', 埋深1: 0.9, 埋深2: 1.0, DN_m: 0.2 }), {
      crs: resolveCrs('CRS84'),
      mapping,
      layerCategory: undefined,
    });
    expect(result.ok && result.items[0]).toMatchObject({ category: 'RQ', startDepth: 0.9, endDepth: 1.0, diameter: 0.2 });
  });

  it('refuses unknown fields and units in a mapping', () => {
    expect(() => fieldMappingFromJson({ depthh: 'x' })).toThrow(/unknown field "depthh"/);
    expect(() => fieldMappingFromJson({ material: { column: 'M', unit: 'mm' } })).toThrow(/unit/);
    expect(() => fieldMappingFromJson([])).toThrow();
  });
});
