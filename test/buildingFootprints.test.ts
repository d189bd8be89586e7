import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUILDING_FOOTPRINTS_FILE,
  type BuildingFootprintsDocument,
  BuildingFootprintsError,
  buildingFootprintsFromDocument,
} from '../workers/formats/buildingFootprints.js';
import type { SearchIndexDocument } from '../workers/formats/searchIndex.js';
import { runCli } from './support/runCli.js';

const work = mkdtempSync(join(tmpdir(), 'cim-footprints-'));
const fixtures = join(import.meta.dirname, 'fixtures');

async function build(name: string, args: string[]): Promise<{ footprints: BuildingFootprintsDocument; search: SearchIndexDocument }> {
  const out = join(work, name);
  const result = await runCli(['buildings', ...args, '--out', out]);
  expect(result.code, result.stderr).toBe(0);
  return {
    footprints: JSON.parse(readFileSync(join(out, BUILDING_FOOTPRINTS_FILE), 'utf8')) as BuildingFootprintsDocument,
    search: JSON.parse(readFileSync(join(out, 'search-index.json'), 'utf8')) as SearchIndexDocument,
  };
}

/** A courtyard block (a hole), a two-part building (MultiPolygon) and a tower. */
const geoJson = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      id: 'court',
      properties: { height: 18 },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [117.17, 39.1],
            [117.171, 39.1],
            [117.171, 39.1008],
            [117.17, 39.1008],
            [117.17, 39.1],
          ],
          [
            [117.1003 + 0.07, 39.1002],
            [117.1003 + 0.07, 39.1006],
            [117.1007 + 0.07, 39.1006],
            [117.1007 + 0.07, 39.1002],
            [117.1003 + 0.07, 39.1002],
          ],
        ],
      },
    },
    {
      type: 'Feature',
      id: 'pair',
      properties: { height: 9, min_height: 3 },
      geometry: {
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [117.172, 39.1],
              [117.1722, 39.1],
              [117.1722, 39.1002],
              [117.172, 39.1002],
              [117.172, 39.1],
            ],
          ],
          [
            [
              [117.1725, 39.1],
              [117.1727, 39.1],
              [117.1727, 39.1002],
              [117.1725, 39.1002],
              [117.1725, 39.1],
            ],
          ],
        ],
      },
    },
    {
      type: 'Feature',
      id: 'tower',
      properties: { floors: 30 },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [117.173, 39.1],
            [117.1732, 39.1],
            [117.1732, 39.1002],
            [117.173, 39.1],
          ],
        ],
      },
    },
  ],
};

describe('footprints.json: written beside the buildings tileset for every input format', () => {
  it('GeoJSON: polygons with their holes, multipolygons as several rings, base and top; the same ids as search-index.json', async () => {
    const file = join(work, 'blocks.geojson');
    writeFileSync(file, JSON.stringify(geoJson));
    const { footprints, search } = await build('geojson', [file]);
    expect(footprints).toMatchObject({ format: 'cim-twin-building-footprints', version: 1, count: 3, ids: ['court', 'pair', 'tower'] });
    expect(footprints.ids).toEqual(search.ids);
    expect(footprints.top).toEqual(search.height);
    expect(footprints.base).toEqual([0, 3, 0]);
    expect(footprints.top).toEqual([18, 9, 90]);
    expect(footprints.ringOffsets).toEqual([0, 2, 4, 5]);
    expect(footprints.holes).toEqual([0, 1, 0, 0, 0]);
    // Rings are open: 4 corners each (the tower's triangle 3).
    expect(footprints.pointOffsets).toEqual([0, 4, 8, 12, 16, 19]);
    const typed = buildingFootprintsFromDocument(footprints);
    expect(typed.lonLat.length).toBe(38);
    expect(Array.from(typed.lonLat.subarray(0, 2))).toEqual([117.17, 39.1]);
  });

  it('Shapefile', async () => {
    const { footprints, search } = await build('shapefile', [join(fixtures, 'malformed/files/cpg-label-cp936.shp')]);
    expect(footprints.count).toBe(5);
    expect(footprints.ids).toEqual(search.ids);
    expect(footprints.top).toEqual(search.height);
    expect(footprints.holes).toEqual([0, 0, 0, 0, 0]);
    expect(() => buildingFootprintsFromDocument(footprints)).not.toThrow();
  });

  it('CityJSON (3D models): an outline per building from its ground surface, its elevations as base and top', async () => {
    const { footprints, search } = await build('cityjson', [join(fixtures, 'real/rotterdam_subset.json'), '--crs', 'EPSG:7415']);
    expect(footprints.count).toBe(search.count);
    expect(footprints.count).toBeGreaterThan(10);
    expect(footprints.ids).toEqual(search.ids);
    const typed = buildingFootprintsFromDocument(footprints);
    for (let b = 0; b < typed.count; b++) {
      expect(typed.top[b]).toBeGreaterThan(typed.base[b]!);
      // Rotterdam: around 4.46° E, 51.9° N.
      expect(typed.lonLat[typed.pointOffsets[typed.ringOffsets[b]!]! * 2]).toBeCloseTo(4.46, 1);
    }
  });

  it('a document that is not one, of another version, or whose columns disagree is refused with the reason', () => {
    expect(() => buildingFootprintsFromDocument({ format: 'cim-twin-search-index' })).toThrow(/not a building footprint document/);
    expect(() => buildingFootprintsFromDocument({ format: 'cim-twin-building-footprints', version: 2 })).toThrow(/version 2 is not supported/);
    const good: BuildingFootprintsDocument = {
      format: 'cim-twin-building-footprints',
      version: 1,
      count: 1,
      ids: ['a'],
      base: [0],
      top: [10],
      ringOffsets: [0, 1],
      pointOffsets: [0, 3],
      holes: [0],
      lonLat: [117, 39, 117.001, 39, 117, 39.001],
    };
    expect(buildingFootprintsFromDocument(good).count).toBe(1);
    expect(() => buildingFootprintsFromDocument({ ...good, top: [10, 12] })).toThrow(BuildingFootprintsError);
    expect(() => buildingFootprintsFromDocument({ ...good, top: [0] })).toThrow(/not above its base/);
    expect(() => buildingFootprintsFromDocument({ ...good, lonLat: [117, 39, 117.001, 39] })).toThrow(/lonLat has 4 entries, expected 6/);
  });
});
