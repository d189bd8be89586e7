import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDemoServer } from './createDemoServer.js';
import { listenOn } from './listenOn.js';
import { portFromEnv } from './portFromEnv.js';
import { demoPaths, prepareDemo } from './prepareDemo.js';
import { publicBaseFromEnv } from './publicBaseFromEnv.js';
import { type ListenSetting, StartupError } from './StartupError.js';
import { type LiveBackbone, startLiveBackbone } from './live/startLiveBackbone.js';
import { type RulesRunner, startRulesRunner } from './rules/startRulesRunner.js';
import { userTileset } from './deployment/userTilesets.js';
import { liveSensorLookup } from './incidents/liveSensorLookup.js';
import { startIncidents } from './incidents/startIncidents.js';
import { createFollowApi } from './follow/createFollowApi.js';
import { viewerConfigFromEnv } from './viewerConfig.js';
import { historySettingsFromEnv } from './history/historySettingsFromEnv.js';
import { alarmSourceOf, createAlarmsApi } from './alarms/createAlarmsApi.js';

/** `npm start`: build what is missing or stale, then serve the demo on HOST:PORT. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** `npm start -- --sensors 20000 --rate 5000/s`: the simulator's scale (also SIM_SENSORS, SIM_RATE). */
function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1]?.replace(/\/s$/, '') : undefined;
}

/** `npm start -- --tileset <dir> [--tileset <dir>…]`: tilesets the user built, shown first. */
function flags(name: string): string[] {
  return process.argv.flatMap((arg, i) => (arg === `--${name}` && process.argv[i + 1] ? [process.argv[i + 1]!] : []));
}

async function start(env: Record<string, string | undefined>): Promise<void> {
  const userTilesets = flags('tileset').map((dir, i) => userTileset(dir, i + 1));
  viewerConfigFromEnv(env, userTilesets); // a config that cannot be used stops us here, before the build
  const sensors = flag('sensors') ?? env['SIM_SENSORS'];
  const rate = flag('rate') ?? env['SIM_RATE'];
  const http: ListenSetting = {
    service: 'HTTP',
    host: env['HOST'] ?? '127.0.0.1',
    port: portFromEnv(env, 'PORT', 8080).port,
    portVariable: 'PORT',
    hostVariable: 'HOST',
  };
  const withLive = env['CIM_LIVE'] !== 'off' && !env['CIM_MQTT_URL'];
  const mqttPort = portFromEnv(env, 'MQTT_PORT', 1883);
  const mqtt: ListenSetting = {
    service: 'MQTT TCP',
    host: env['MQTT_HOST'] ?? '127.0.0.1',
    port: mqttPort.port,
    portVariable: 'MQTT_PORT',
    hostVariable: 'MQTT_HOST',
  };
  publicBaseFromEnv(env); // a malformed CIM_PUBLIC_URL stops us here, not at the first request
  const history = historySettingsFromEnv(env); // so does a malformed CIM_HISTORY_*
  // Settings and ports are checked before the build, which may take minutes.
  await tryPort(http);
  // A port the operator chose is a contract with the devices: taken, we stop. The default one
  // taken (a second demo on this machine) gets any free port, and the banner says which.
  let mqttMovedFrom: number | undefined;
  if (
    withLive &&
    !mqttPort.explicit &&
    !(await tryPort(mqtt).then(
      () => true,
      () => false,
    ))
  ) {
    mqttMovedFrom = mqtt.port;
    mqtt.port = 0;
  } else if (withLive) await tryPort(mqtt);

  let liveApi: LiveBackbone['api'] | undefined;
  let live: LiveBackbone | undefined;
  let rules: RulesRunner | undefined;
  // Incidents, sign-in and the audit log; the store opens before the build (a file in use stops us here).
  const incidents = await startIncidents({
    env,
    root,
    broker: () => live?.broker.broker,
    sensors: liveSensorLookup(() => live),
    liveSensors: () => live && { access: live.access, catalog: live.catalog },
    fallbackStoreName: `cimtwin-${http.port}.duckdb`,
  });
  // Linked screens: operators lead, screens follow over the broker (signed in with the incidents' accounts).
  const follow = createFollowApi({ auth: incidents.auth, store: incidents.store, broker: () => live?.broker.broker, access: incidents.access });
  // Sensor alarms at T and their acknowledgements (signed in with the incidents' accounts, stored with them).
  const alarms = createAlarmsApi({ auth: incidents.auth, store: incidents.store, live: () => live && alarmSourceOf(live) });
  const paths = demoPaths(root);
  await prepareDemo(paths);
  const server = createDemoServer(paths, {
    env,
    api: async (request, response) =>
      (await incidents.api(request, response)) ||
      (await follow(request, response)) ||
      (await alarms(request, response)) ||
      (liveApi?.(request, response) ?? false),
    userTilesets,
    // Data roles: the incidents' accounts and tokens tell a request's role; reads of pipe data go to their audit log.
    access: { auth: incidents.auth, appendAudit: (entry) => incidents.store.appendAudit(entry), demoSignIn: !env['CIM_ACCOUNTS_FILE'] },
  });
  await listenOn(server, http);
  const shown = http.host.includes(':') ? `[${http.host}]` : http.host;
  console.log(
    `CIM Twin demo: http://${shown}:${(server.address() as AddressInfo).port}/${env['CIM_PUBLIC_URL'] ? ` (public URL ${env['CIM_PUBLIC_URL']})` : ''}`,
  );
  for (const tileset of userTilesets) console.log(`  your tileset ${tileset.dir}: first in the layer panel and the views`);
  // The embedded live backbone, unless the deployment uses an external broker (CIM_MQTT_URL) or none.
  if (withLive) {
    const publisher = env['CIM_MQTT_PASSWORD'] ? { username: env['CIM_MQTT_USER'] ?? 'publisher', password: env['CIM_MQTT_PASSWORD'] } : undefined;
    live = await startLiveBackbone({
      http: server,
      generatedDir: paths.groundDir,
      mqttPort: mqtt.port,
      mqttHost: mqtt.host,
      database: incidents.database,
      incidents: incidents.timelineMarks,
      payloadFor: incidents.access.payloadFor,
      // Viewers read sensors with their sign-in's data role; reads of pipe sensors are audit-logged.
      auth: incidents.auth,
      audit: incidents.store,
      history,
      ...(publisher ? { publisher } : {}),
      ...(sensors ? { sensors: Number(sensors) } : {}),
      ...(env['CIM_STALE_AFTER_SECONDS'] ? { staleAfterSeconds: Number(env['CIM_STALE_AFTER_SECONDS']) } : {}),
      ...(env['CIM_FUTURE_TOLERANCE_SECONDS'] ? { futureToleranceSeconds: Number(env['CIM_FUTURE_TOLERANCE_SECONDS']) } : {}),
      simulator: env['SIMULATOR'] === 'off' ? false : { ...(rate ? { rate: Number(rate) } : {}) },
    }).catch((error: unknown) => {
      throw StartupError.fromListenError(error, mqtt);
    });
    liveApi = live.api;
    if (mqttMovedFrom !== undefined)
      console.log(
        `MQTT TCP port ${mqttMovedFrom} is in use (another CIM Twin?): devices connect on port ${live.broker.tcpPort()} instead; set MQTT_PORT to choose one`,
      );
    console.log(
      `Live: ${live.catalog.length} sensors; MQTT over WebSocket at /mqtt, TCP for devices on ${mqtt.host}:${live.broker.tcpPort()} ` +
        `(publisher "${live.publisher.username}"${publisher ? '' : ', password generated for this run: set CIM_MQTT_USER/CIM_MQTT_PASSWORD for devices'}); SensorThings API at /v1.1`,
    );
    await incidents.service.publishOpen(); // the broker keeps retained messages in memory only
    // The rules (workers/rules/ruleTable.ts) propose incidents from the readings; CIM_RULES=off turns them off.
    if (env['CIM_RULES'] !== 'off') {
      rules = startRulesRunner({ live, network: join(paths.tilesDir, 'pipes', 'network.json'), propose: incidents.service.propose });
      console.log(`Rules: ${rules.evaluator.rules.map((r) => r.id).join(', ')} propose incidents from the live readings (CIM_RULES=off to stop)`);
    }
  }
  if (incidents.storeMovedFrom)
    console.log(
      `The store ${incidents.storeMovedFrom} is in use (another CIM Twin?): this run keeps its incidents apart; set CIM_STORE_PATH to choose the file`,
    );
  console.log(`Incidents: ${incidents.store.description}; API at /api/incidents, sign-in at /api/auth/login`);
  console.log(
    env['CIM_ACCOUNTS_FILE']
      ? 'Data roles: pipes per CJJ 61 category and role, for the accounts of CIM_ACCOUNTS_FILE (docs/access.md)'
      : 'Data roles: the demo signs in as "internal" (every pipe, no owner contacts); POST /api/auth/demo {"role"} for public, internal or a utility (docs/access.md)',
  );
  if (live) console.log('Linked screens: operators lead at /api/follow/{session}; walls follow "wall" (?follow=<session> on any screen)');
  for (const account of incidents.demoPasswords)
    console.log(
      `  account "${account.username}" (${account.role}): ` +
        (account.generated
          ? `password ${account.password} generated for this run: set ${account.username === 'operator' ? 'CIM_OPERATOR_PASSWORD' : 'CIM_ADMIN_PASSWORD'} to choose one`
          : 'password from the environment'),
    );
  const stop = (): void => {
    rules?.stop();
    void Promise.resolve(live?.close()).then(() => incidents.close());
    server.close();
    server.closeAllConnections();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Listens on the setting's port for a moment: a StartupError naming its variable when it is taken. */
async function tryPort(setting: ListenSetting): Promise<void> {
  const probe = createNetServer();
  try {
    await listenOn(probe, setting);
  } finally {
    await new Promise((resolve) => probe.close(resolve)); // released before the real server listens
  }
}

try {
  await start(process.env);
} catch (error) {
  if (!(error instanceof StartupError)) throw error;
  // The operator's mistake, not ours: one line that says what to change, no stack.
  console.error(error.message);
  process.exit(1);
}
