import { defineConfig } from 'vitest/config';

// Lanes by suffix: *.test.ts run in Node; *.browser.test.ts drive Debian's Chromium.
export default defineConfig({
  root: '.',
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'scratch/**'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default', './test/support/summaryReporter.ts'],
  },
});
