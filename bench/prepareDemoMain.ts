import { join } from 'node:path';
import { demoPaths, prepareDemo } from '../server/prepareDemo.js';

/**
 * Builds the demo's seeds and tilesets when stale, in a process of its own: a benchmark that
 * measures its own memory (bench:history's fill) runs this first, so the pipeline's peak is not
 * counted as the store's.
 */
await prepareDemo(demoPaths(join(import.meta.dirname, '..')));
