#!/usr/bin/env node
// CLI entry: registers the TypeScript loader (tsx) and runs the pipeline's main().
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
