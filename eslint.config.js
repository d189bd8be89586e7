import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'seeds/generated', 'test-results', 'scratch', '**/*.mjs', 'eslint.config.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { import: importPlugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Imports flow one way: pure kernels in workers/ know nothing of the app around them.
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './workers', from: './viewer', message: 'workers/ kernels must not import the viewer' },
            { target: './workers', from: './layers', message: 'workers/ kernels must not import layers' },
            { target: './workers', from: './tiles-pipeline', message: 'workers/ kernels must not import the pipeline' },
            { target: './workers', from: './server', message: 'workers/ kernels must not import the server' },
            { target: './tiles-pipeline', from: './viewer', message: 'the pipeline must not import the viewer' },
            { target: './layers', from: './viewer', message: 'layers plug into the viewer, not the other way round' },
          ],
        },
      ],
    },
  },
);
