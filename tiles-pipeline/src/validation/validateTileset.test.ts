import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBuildings } from '../build/buildBuildings.js';
import { defaultBuildOptions } from '../build/BuildOptions.js';
import { DEFAULT_TILING } from '../tiling/buildTileTree.js';
import type { Tileset } from '../tileset/Tileset.js';
import { readAccessor, readGlb } from './readGlb.js';
import { validateTileset } from './validateTileset.js';

const work = mkdtempSync(join(tmpdir(), 'cim-validate-'));
const good = join(work, 'good');

beforeAll(async () => {
  await buildBuildings(
    defaultBuildOptions([join(import.meta.dirname, '../../../test/fixtures/real/shanghai-lujiazui-osm.geojson')], good, {
      tiling: { ...DEFAULT_TILING, maxFeatures: 200 },
    }),
  );
});

/** A copy of the good tileset with tileset.json edited. */
function broken(edit: (tileset: Tileset) => void): string {
  const dir = mkdtempSync(join(work, 'broken-'));
  cpSync(good, dir, { recursive: true, dereference: true });
  const path = join(dir, 'tileset.json');
  const tileset = JSON.parse(readFileSync(path, 'utf8')) as Tileset;
  edit(tileset);
  writeFileSync(path, JSON.stringify(tileset));
  return path;
}

describe('validateTileset (ported 3D Tiles validator checks)', () => {
  it('accepts what the pipeline writes', async () => {
    expect(await validateTileset(join(good, 'tileset.json'))).toEqual([]);
  });

  it('finds a child with a larger geometric error than its parent', async () => {
    const issues = await validateTileset(broken((t) => (t.root.children![0]!.geometricError = t.root.geometricError + 1)));
    expect(issues.map((i) => i.code)).toContain('TILE_GEOMETRIC_ERRORS_INCONSISTENT');
  });

  it('finds content outside its region', async () => {
    const issues = await validateTileset(
      broken((t) => {
        const region = t.root.children![0]!.boundingVolume.region!;
        region[2] = region[0]! + (region[2]! - region[0]!) / 4; // shrink east edge
      }),
    );
    expect(issues.map((i) => i.code)).toContain('BOUNDING_VOLUMES_INCONSISTENT');
  });

  it('finds a region in degrees instead of radians, a wrong refine case and a non-affine transform', async () => {
    const issues = await validateTileset(
      broken((t) => {
        t.root.boundingVolume.region = t.root.boundingVolume.region!.map((v, i) => (i < 4 ? (v * 180) / Math.PI : v));
        t.root.refine = 'add' as 'ADD';
        t.root.children![0]!.transform![3] = 1;
      }),
    );
    const codes = issues.map((i) => i.code);
    expect(codes).toContain('BOUNDING_VOLUME_INVALID');
    expect(codes).toContain('TILE_REFINE_WRONG_CASE');
    expect(codes).toContain('TRANSFORM_INVALID');
  });

  it('keeps roof and wall semantics per vertex (feature id set 1)', () => {
    const tileset = JSON.parse(readFileSync(join(good, 'tileset.json'), 'utf8')) as Tileset;
    const glb = readGlb(new Uint8Array(readFileSync(join(good, tileset.root.content!.uri))));
    const primitive = glb.json.meshes![0]!.primitives[0]!;
    const surfaces = new Set(readAccessor(glb, primitive.attributes['_FEATURE_ID_1']!));
    expect(surfaces).toEqual(new Set([0, 1])); // roof, wall
  });
});
