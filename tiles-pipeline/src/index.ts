/**
 * The pipeline's public entry: what the server, the seeds and other programs use. Everything
 * else under src/ is internal (lint keeps it so).
 */
export { main as runCli } from './cli/main.js';
export { buildBuildings } from './build/buildBuildings.js';
export { buildPipes } from './pipes/buildPipes.js';
export { resolveCrs } from './crs/resolveCrs.js';
export { isProcessAlive } from './output/isProcessAlive.js';
