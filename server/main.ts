import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDemoServer } from './createDemoServer.js';
import { demoPaths, prepareDemo } from './prepareDemo.js';
import { type LiveBackbone, startLiveBackbone } from './live/startLiveBackbone.js';
import { type UserTileset, userTileset, UserTilesetError } from './deployment/userTilesets.js';
import { ConfigError } from './viewerConfig.js';

/** `npm start`: build what is missing or stale, then serve the demo on HOST:PORT. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** `npm start -- --sensors 20000 --rate 5000/s`: the simulator's scale (also SIM_SENSORS, SIM_RATE). */
function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1]?.replace(/\/s$/, '') : undefined;
}
const sensors = flag('sensors') ?? process.env['SIM_SENSORS'];
const rate = flag('rate') ?? process.env['SIM_RATE'];
const host = process.env['HOST'] ?? '127.0.0.1';
const port = Number(process.env['PORT'] ?? 8080);
/** `npm start -- --tileset <dir> [--tileset <dir>…]`: tilesets the user built, shown first. */
function flags(name: string): string[] {
  return process.argv.flatMap((arg, i) => (arg === `--${name}` && process.argv[i + 1] ? [process.argv[i + 1]!] : []));
}
let userTilesets: UserTileset[];
try {
  userTilesets = flags('tileset').map((dir, i) => userTileset(dir, i + 1));
} catch (error) {
  if (!(error instanceof UserTilesetError)) throw error;
  console.error(error.message);
  process.exit(2);
}
const paths = demoPaths(root);
await prepareDemo(paths);
let liveApi: LiveBackbone['api'] | undefined;
let server: ReturnType<typeof createDemoServer>;
try {
  server = createDemoServer(paths, { env: process.env, api: (request, response) => liveApi?.(request, response) ?? false, userTilesets });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
await new Promise<void>((resolve) => server.listen(port, host, resolve));
const shown = host.includes(':') ? `[${host}]` : host;
console.log(`CIM Twin demo: http://${shown}:${port}/`);
for (const tileset of userTilesets)
  console.log(`  your tileset ${tileset.dir}: first in the layer panel and the views ("${tileset.bookmark.label as string}")`);
// The embedded live backbone, unless the deployment uses an external broker (CIM_MQTT_URL) or none.
let live: LiveBackbone | undefined;
if (process.env['CIM_LIVE'] !== 'off' && !process.env['CIM_MQTT_URL']) {
  const mqttPort = Number(process.env['MQTT_PORT'] ?? 1883);
  const publisher = process.env['CIM_MQTT_PASSWORD']
    ? { username: process.env['CIM_MQTT_USER'] ?? 'publisher', password: process.env['CIM_MQTT_PASSWORD'] }
    : undefined;
  live = await startLiveBackbone({
    http: server,
    generatedDir: paths.groundDir,
    mqttPort,
    mqttHost: process.env['MQTT_HOST'] ?? '127.0.0.1',
    ...(publisher ? { publisher } : {}),
    ...(sensors ? { sensors: Number(sensors) } : {}),
    ...(process.env['CIM_STALE_AFTER_SECONDS'] ? { staleAfterSeconds: Number(process.env['CIM_STALE_AFTER_SECONDS']) } : {}),
    simulator: process.env['SIMULATOR'] === 'off' ? false : { ...(rate ? { rate: Number(rate) } : {}) },
  });
  liveApi = live.api;
  console.log(
    `Live: ${live.catalog.length} sensors; MQTT over WebSocket at /mqtt, TCP for devices on ${process.env['MQTT_HOST'] ?? '127.0.0.1'}:${live.broker.tcpPort()} ` +
      `(publisher "${live.publisher.username}"${publisher ? '' : ', password generated for this run: set CIM_MQTT_USER/CIM_MQTT_PASSWORD for devices'}); SensorThings API at /v1.1`,
  );
}
const stop = (): void => {
  void live?.close();
  server.close();
  server.closeAllConnections();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
