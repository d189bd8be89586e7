import { ESLint } from 'eslint';
import importPlugin from 'eslint-plugin-import';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { BOUNDARY_ZONES } from '../eslint.config.js';

/**
 * The import boundaries bite: the project's own zones and resolver (eslint.config.js), applied
 * to a probe file placed in each folder. Without a TypeScript resolver the rule resolves
 * nothing and passes any import — the first case would then fail.
 */
const eslint = new ESLint({
  cwd: `${import.meta.dirname}/..`,
  overrideConfigFile: true,
  overrideConfig: [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser },
      plugins: { import: importPlugin },
      settings: { 'import/resolver': { typescript: { project: './tsconfig.json' } } },
      rules: { 'import/no-restricted-paths': ['error', { zones: BOUNDARY_ZONES }], 'import/no-unresolved': 'error' },
    },
  ],
});

async function problems(file: string, importPath: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import * as probe from '${importPath}';\nexport { probe };\n`, { filePath: `${import.meta.dirname}/../${file}` });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint boundaries', () => {
  it.each([
    ['workers/geometry/probe.ts', '../../viewer/src/createViewer.js'],
    ['workers/live/probe.ts', '../../layers/sensors/SensorsLayer.js'],
    ['workers/network/probe.ts', '../../tiles-pipeline/src/index.js'],
    ['layers/sensors/probe.ts', '../../viewer/src/app/registry.js'],
    ['layers/tilesets/probe.ts', '../../server/viewerConfig.js'],
    ['viewer/src/ui/probe.ts', '../../../tiles-pipeline/src/search/SearchIndex.js'],
    ['viewer/src/platform/probe.ts', '../../../layers/tilesets/TilesetLayer.js'],
    ['server/probe.ts', '../layers/sensors/sensorsState.js'],
    ['server/probe.ts', '../viewer/src/createViewer.js'],
    ['server/probe.ts', '../tiles-pipeline/src/crs/resolveCrs.js'],
    ['seeds/generator/probe.ts', '../../tiles-pipeline/src/pipes/buildPipes.js'],
    ['tiles-pipeline/src/cli/probe.ts', '../../../viewer/src/createViewer.js'],
    ['bench/viewer/probe.ts', '../../test/support/officialValidator.js'],
  ])('%s importing %s fails lint', async (file, importPath) => {
    const found = await problems(file, importPath);
    expect(
      found.some((p) => p.startsWith('import/no-restricted-paths')),
      found.join('\n'),
    ).toBe(true);
  });

  it.each([
    ['layers/sensors/probe.ts', '../../viewer/src/platform/LayerPlugin.js'],
    ['layers/tilesets/probe.ts', '../../workers/formats/viewerConfig.js'],
    ['viewer/src/app/probe.ts', '../../../layers/sensors/sensorsPlugin.js'],
    ['server/probe.ts', '../tiles-pipeline/src/index.js'],
    ['tiles-pipeline/src/pipes/probe.ts', '../../../workers/standards/cjj61Categories.js'],
    ['bench/viewer/probe.ts', '../../harness/launchBrowser.js'],
    ['test/probe.ts', '../tiles-pipeline/src/pipes/buildPipes.js'],
  ])('%s importing %s is allowed', async (file, importPath) => {
    expect(await problems(file, importPath)).toEqual([]);
  });

  it('an import that resolves nowhere fails lint too', async () => {
    expect((await problems('workers/geometry/probe.ts', './noSuchModule.js')).some((p) => p.startsWith('import/no-unresolved'))).toBe(true);
  });
});
