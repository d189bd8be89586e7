import { describe, expect, it } from 'vitest';
import { resolveCrs } from '../crs/resolveCrs.js';
import type { GeometryFeature } from '../readers/SourceFeature.js';
import { normalizePipeFeature } from './normalizePipeFeature.js';
import { DEFAULT_FIELD_MAPPING } from './pipeFields.js';

const context = { crs: resolveCrs('CRS84'), mapping: DEFAULT_FIELD_MAPPING, layerCategory: undefined };
const line = (attributes: GeometryFeature['attributes'], coordinates: number[][]): GeometryFeature => ({
  kind: 'geometry',
  origin: { file: 'lines.geojson', index: 7 },
  attributes,
  geometryType: 'LineString',
  coordinates,
});

describe('normalizePipeFeature', () => {
  it('names a skipped line by its 管线编号, and falls back to its index without one', () => {
    const bad = normalizePipeFeature(
      line({ 管线编号: 'JS-0042', 类别: 'JS', 起点埋深: -1, 管径: 300 }, [
        [117.2, 39.1],
        [117.201, 39.1],
      ]),
      context,
    );
    expect(bad).toMatchObject({ ok: false, issue: { file: 'lines.geojson', feature: 'JS-0042', code: 'DEPTH_INVALID' } });
    const anonymous = normalizePipeFeature(
      line({ 类别: 'JS', 起点埋深: -1 }, [
        [117.2, 39.1],
        [117.201, 39.1],
      ]),
      context,
    );
    expect(anonymous).toMatchObject({ ok: false, issue: { feature: '#7' } });
  });

  it('drops repeated positions and skips a line left with one', () => {
    const ok = normalizePipeFeature(
      line({ 类别: 'JS', 起点埋深: 1, 管径: 300 }, [
        [117.2, 39.1],
        [117.2, 39.1],
        [117.201, 39.1],
        [117.201, 39.1],
        [117.202, 39.1],
      ]),
      context,
    );
    expect(ok.ok && Array.from(ok.items[0]!.kind === 'segment' ? ok.items[0]!.lonLat : [])).toEqual([117.2, 39.1, 117.201, 39.1, 117.202, 39.1]);
    const short = normalizePipeFeature(
      line({ 类别: 'JS' }, [
        [117.2, 39.1],
        [117.2, 39.1],
      ]),
      context,
    );
    expect(short).toMatchObject({ ok: false, issue: { code: 'LINE_TOO_SHORT' } });
  });
});
