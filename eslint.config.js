import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';

/**
 * Imports flow one way (../shared/STYLE.md): pure kernels and shared formats in workers/ know
 * nothing of the app around them; the pipeline and the layers build on workers/; layers plug
 * into the viewer through its platform contract only; the viewer, the server, the seeds and
 * the benchmarks sit on top; tests may use anything. Shared test-and-benchmark harness lives in
 * harness/. Each zone is a rule that fails lint (test/lintBoundaries.test.ts shows it biting).
 */
const zone = (target, from, message, except) => ({ target, from, message, ...(except ? { except } : {}) });
const app = ['./viewer', './layers', './tiles-pipeline', './server', './seeds', './bench', './test', './harness'];

export const BOUNDARY_ZONES = [
  ...app.map((from) => zone('./workers', from, `workers/ holds pure kernels and shared formats: it must not import ${from.slice(2)}/`)),
  ...['./viewer', './layers', './server', './seeds', './bench', './test', './harness'].map((from) =>
    zone('./tiles-pipeline', from, `the pipeline must not import ${from.slice(2)}/ (shared formats go in workers/formats)`),
  ),
  zone('./layers', './viewer', 'layers plug into the viewer through viewer/src/platform only', ['./src/platform']),
  ...['./tiles-pipeline', './server', './seeds', './bench', './test', './harness'].map((from) =>
    zone('./layers', from, `layers must not import ${from.slice(2)}/ (shared formats go in workers/formats)`),
  ),
  zone('./viewer/src/platform', './viewer/src', 'the platform contract must not depend on the app built on it', ['./platform']),
  zone('./viewer/src/platform', './layers', 'the platform contract must not depend on the layers that plug into it'),
  ...['./tiles-pipeline', './server', './seeds', './bench', './test', './harness'].map((from) =>
    zone('./viewer', from, `the viewer must not import ${from.slice(2)}/ (shared formats go in workers/formats)`),
  ),
  ...['./viewer', './layers', './bench', './test', './harness'].map((from) => zone('./server', from, `the server must not import ${from.slice(2)}/`)),
  zone('./server', './tiles-pipeline', 'the server runs the pipeline through its public entry (tiles-pipeline/src/index.ts)', ['./src/index.ts']),
  ...['./viewer', './layers', './server', './bench', './test', './harness'].map((from) => zone('./seeds', from, `the seeds must not import ${from.slice(2)}/`)),
  zone('./seeds', './tiles-pipeline', 'the seeds use the pipeline through its public entry (tiles-pipeline/src/index.ts)', ['./src/index.ts']),
  zone('./bench', './test', 'benchmarks share what they need with tests through harness/'),
  ...['./test', './bench'].map((from) => zone('./harness', from, `harness/ is shared by tests and benchmarks: it must not import ${from.slice(2)}/`)),
];

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'data', 'seeds/generated', 'test-results', 'scratch', 'bench/results', 'eslint.config.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['tiles-pipeline/bin/*.mjs', 'tiles-pipeline/src/build/*.mjs', 'bench/*.mjs'] } },
    },
    plugins: { import: importPlugin },
    settings: {
      // Imports are written with .js for .ts files: only a TypeScript resolver finds them, and a
      // rule that resolves nothing passes everything.
      'import/resolver': { typescript: { project: './tsconfig.json' } },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // An import that does not resolve is an error, not a silent pass of every boundary.
      'import/no-unresolved': ['error', { ignore: ['^virtual:'] }],
      'import/no-restricted-paths': ['error', { zones: BOUNDARY_ZONES }],
    },
  },
  {
    files: ['**/*.mjs'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
);
