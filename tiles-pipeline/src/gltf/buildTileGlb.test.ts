import { describe, expect, it } from 'vitest';
import validator from 'gltf-validator';
import { MeshAccumulator } from '../../../workers/geometry/MeshAccumulator.js';
import { meshoptReady } from './GltfBuilder.js';
import { PIPE_CLASS } from '../metadata/FeatureClass.js';
import { buildTileGlb } from './buildTileGlb.js';
import { encodePropertyTable } from '../metadata/encodePropertyTable.js';

describe('buildTileGlb', () => {
  it('writes a valid tile when its features draw nothing (no empty accessors)', async () => {
    await meshoptReady();
    for (const compression of ['meshopt', 'none'] as const) {
      const definitions = [{ id: 'id', sourceName: 'id', type: 'STRING', optional: false }] as const;
      const glb = buildTileGlb({
        mesh: new MeshAccumulator(),
        definitions,
        featureClass: PIPE_CLASS,
        table: encodePropertyTable(definitions, [['P1'], ['P2']]),
        compression,
      });
      const report = await validator.validateBytes(glb);
      expect(report.issues.numErrors, JSON.stringify(report.issues.messages.slice(0, 3))).toBe(0);
    }
  });
});
