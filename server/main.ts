import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDemoServer } from './createDemoServer.js';
import { demoPaths, prepareDemo } from './prepareDemo.js';

/** `npm start`: build what is missing or stale, then serve the demo on HOST:PORT. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const host = process.env['HOST'] ?? '127.0.0.1';
const port = Number(process.env['PORT'] ?? 8080);
const paths = demoPaths(root);
await prepareDemo(paths);
const server = createDemoServer(paths, { env: process.env });
server.listen(port, host, () => {
  const shown = host.includes(':') ? `[${host}]` : host;
  console.log(`CIM Twin demo: http://${shown}:${port}/`);
});
const stop = (): void => {
  server.close();
  server.closeAllConnections();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
