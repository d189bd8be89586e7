import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBuildings } from '../tiles-pipeline/src/build/buildBuildings.js';
import { defaultBuildOptions } from '../tiles-pipeline/src/build/BuildOptions.js';
import { DEFAULT_TILING } from '../tiles-pipeline/src/tiling/buildTileTree.js';
import type { Tileset } from '../tiles-pipeline/src/tileset/Tileset.js';
import { readAccessor, readGlb } from '../tiles-pipeline/src/validation/readGlb.js';
import { OfficialValidationBatch } from './support/officialValidator.js';
import { checkContentInRegions } from '../tiles-pipeline/src/validation/checkContentInRegions.js';

const work = mkdtempSync(join(tmpdir(), 'cim-validate-'));
const good = join(work, 'good');

beforeAll(async () => {
  await buildBuildings(
    defaultBuildOptions([join(import.meta.dirname, 'fixtures/real/shanghai-lujiazui-osm.geojson')], good, {
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

describe('checkContentInRegions (what the official validator does not check)', () => {
  it('accepts what the pipeline writes', async () => {
    expect(await checkContentInRegions(join(good, 'tileset.json'))).toEqual([]);
  });

  it('finds content outside its region', async () => {
    const issues = await checkContentInRegions(
      broken((t) => {
        const region = t.root.children![0]!.boundingVolume.region!;
        region[2] = region[0]! + (region[2]! - region[0]!) / 4; // shrink east edge
      }),
    );
    expect(issues.map((i) => i.code)).toContain('BOUNDING_VOLUMES_INCONSISTENT');
  });

  it('names a content file that is missing', async () => {
    const issues = await checkContentInRegions(broken((t) => (t.root.content!.uri = 'tiles/gone.glb')));
    expect(issues).toEqual([expect.objectContaining({ code: 'CONTENT_VALIDATION_ERROR', path: '/root/content' })]);
  });

  // What the port checked before and the official validator checks now: it must still catch it.
  it('the official validator finds a geometric error larger than the parent, a region in degrees, a wrong refine case, a non-affine transform', async () => {
    const batch = new OfficialValidationBatch();
    batch.add('good', join(good, 'tileset.json'));
    batch.add(
      'geometric error',
      broken((t) => (t.root.children![0]!.geometricError = t.root.geometricError + 1)),
    );
    batch.add(
      'several',
      broken((t) => {
        t.root.boundingVolume.region = t.root.boundingVolume.region!.map((v, i) => (i < 4 ? (v * 180) / Math.PI : v));
        t.root.refine = 'add' as 'ADD';
      }),
    );
    // Apart: the validator does not descend below a root it found invalid.
    batch.add(
      'transform',
      broken((t) => (t.root.children![0]!.transform![3] = 1)),
    );
    const findings = await batch.findings();
    const codes = (label: string): string[] => findings[label]!.map((line) => line.split(' ')[1]!);
    expect(findings['good']).toEqual([]);
    expect(codes('geometric error')).toContain('TILE_GEOMETRIC_ERRORS_INCONSISTENT');
    expect(codes('several')).toEqual(expect.arrayContaining(['BOUNDING_VOLUME_INVALID', 'TILE_REFINE_WRONG_CASE']));
    expect(codes('transform')).toContain('TRANSFORM_INVALID');
  });

  it('keeps roof and wall semantics per vertex (feature id set 1)', () => {
    const tileset = JSON.parse(readFileSync(join(good, 'tileset.json'), 'utf8')) as Tileset;
    const glb = readGlb(new Uint8Array(readFileSync(join(good, tileset.root.content!.uri))));
    const primitive = glb.json.meshes![0]!.primitives[0]!;
    const surfaces = new Set(readAccessor(glb, primitive.attributes['_FEATURE_ID_1']!));
    expect(surfaces).toEqual(new Set([0, 1])); // roof, wall
  });
});
