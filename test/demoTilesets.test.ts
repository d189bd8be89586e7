import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TILESETS, demoPaths, prepareDemo } from '../server/prepareDemo.js';
import { OfficialValidationBatch } from './support/officialValidator.js';

const paths = demoPaths(join(import.meta.dirname, '..'));

// Their content-in-region check is left to the pipeline tests (same code on smaller inputs):
// on the demo's 85 MB of pipes it takes ~20 s.
describe("the demo's tilesets (as npm start builds them)", () => {
  beforeAll(async () => {
    await prepareDemo(paths, () => undefined);
  });

  it('pass the official 3d-tiles-validator: 0 errors, 0 warnings', async () => {
    const official = new OfficialValidationBatch();
    for (const { name } of DEMO_TILESETS) official.add(name, join(paths.tilesDir, name, 'tileset.json'));
    const findings = await official.findings();
    expect(Object.keys(findings)).toEqual(['buildings', 'pipes', 'water-model']);
    for (const [name, lines] of Object.entries(findings)) expect(lines, name).toEqual([]);
  }, 300_000);
});
