import type { Linter } from 'eslint';

/** The import boundaries of eslint.config.js (typed for test/lintBoundaries.test.ts). */
export declare const BOUNDARY_ZONES: { target: string; from: string; message: string; except?: string[] }[];
declare const config: Linter.Config[];
export default config;
