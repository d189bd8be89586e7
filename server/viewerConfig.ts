import { StartupError } from './StartupError.js';
import { readFileSync } from 'node:fs';
import { OBSERVATION_BATCH_TOPIC } from '../workers/live/ObservationBatch.js';
import { viewerConfigProblems, type BasemapConfig, type LiveFeedConfig, type ViewerConfig } from '../workers/formats/viewerConfig.js';
import { embedOriginProblem, normalizeEmbedOrigin } from '../workers/formats/embedOrigins.js';
import { demoViewerConfig } from './deployment/demoViewerConfig.js';
import type { UserTileset } from './deployment/userTilesets.js';

/** A deployment setting that cannot be used: one sentence for the operator, no stack trace. */
export class ConfigError extends StartupError {}

/**
 * The viewer's /config.json: the deployment's config file (CIM_CONFIG) or the Nankai demo's,
 * the tilesets given with `--tileset`, the online basemap and live feed from the environment —
 * and the hosts the page's CSP must then allow. Offline by default: no basemap.
 *   CIM_CONFIG=<file.json>   a ViewerConfig document (format "cim-twin-viewer-config", version 1)
 *   CIM_BASEMAP=tianditu TIANDITU_KEY=<key> [TIANDITU_LAYER=vec|img]
 *   CIM_BASEMAP=xyz CIM_BASEMAP_URL=https://host/{z}/{x}/{y}.png [CIM_BASEMAP_CREDIT=…]
 *   CIM_EMBED_ORIGINS=https://cockpit.example.gov.cn,http://10.0.0.5:8081   (added to the file's embed.origins)
 */
export function viewerConfigFromEnv(
  env: Record<string, string | undefined>,
  userTilesets: readonly UserTileset[] = [],
): { config: ViewerConfig; hosts: string[] } {
  const base = env['CIM_CONFIG'] ? readConfigFile(env['CIM_CONFIG']) : demoViewerConfig();
  const { live, hosts: liveHosts } = liveConfigFromEnv(env);
  const { basemap, hosts } = basemapConfigFromEnv(env);
  const config: ViewerConfig = {
    ...base,
    // Tilesets the user built and named on the command line come first: they are what they came to see.
    layers: [...userTilesets.flatMap((t) => t.layers), ...base.layers],
    bookmarks: [...userTilesets.map((t) => t.bookmark), ...base.bookmarks],
    ...(basemap ? { basemap } : {}),
    ...(live ? { live } : {}),
  };
  const embedOrigins = embedOriginsFromEnv(env, base.embed?.origins ?? []);
  if (embedOrigins.length) config.embed = { origins: embedOrigins };
  else delete config.embed;
  const problems = viewerConfigProblems(config);
  if (problems.length) throw new ConfigError(`the viewer config is not usable: ${problems.join('; ')}`);
  return { config, hosts: [...hosts, ...liveHosts] };
}

/**
 * The origins allowed to embed the viewer: the config file's `embed.origins` and
 * CIM_EMBED_ORIGINS (comma-separated), each a full origin, normalised as browsers write them.
 * A wildcard, a path or anything but an origin stops the server: a typo must not open the
 * viewer to more sites than intended (or silently to none).
 */
export function embedOriginsFromEnv(env: Record<string, string | undefined>, fromFile: readonly string[] = []): string[] {
  const listed = (env['CIM_EMBED_ORIGINS'] ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of listed) {
    const problem = embedOriginProblem(origin);
    if (problem) throw new ConfigError(`CIM_EMBED_ORIGINS: ${problem}`);
  }
  return [...new Set([...fromFile, ...listed].map(normalizeEmbedOrigin))];
}

function readConfigFile(path: string): ViewerConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`CIM_CONFIG=${path}: ${(error as Error).message}`);
  }
  const problems = viewerConfigProblems(json);
  if (problems.length) throw new ConfigError(`CIM_CONFIG=${path}: ${problems.join('; ')}`);
  return json as ViewerConfig;
}

/**
 * Live data: the embedded broker on this origin (`/mqtt`) and API by default; an external
 * broker (CIM_MQTT_URL, e.g. wss://emqx.example.gov.cn/mqtt) and SensorThings server
 * (CIM_SENSORTHINGS_URL, e.g. https://frost.example.gov.cn/FROST-Server) when set; none with CIM_LIVE=off.
 */
function liveConfigFromEnv(env: Record<string, string | undefined>): { live?: LiveFeedConfig; hosts: string[] } {
  if (env['CIM_LIVE'] === 'off') return { hosts: [] };
  const mqttUrl = env['CIM_MQTT_URL'] ?? '/mqtt';
  const apiUrl = env['CIM_SENSORTHINGS_URL'] ?? '';
  const hosts = [mqttUrl, apiUrl].filter((u) => /^(wss?|https?):\/\//.test(u)).map((u) => new URL(u).origin);
  // The batched feed comes from our own broker; an external one carries SensorThings topics
  // only, unless a deployment runs the batcher beside it (CIM_FEED_TOPIC).
  const feedTopic = env['CIM_MQTT_URL'] ? env['CIM_FEED_TOPIC'] : OBSERVATION_BATCH_TOPIC;
  return { live: { mqttUrl, apiUrl, ...(feedTopic ? { feedTopic } : {}) }, hosts };
}

function basemapConfigFromEnv(env: Record<string, string | undefined>): { basemap?: BasemapConfig; hosts: string[] } {
  if (env['CIM_BASEMAP'] === 'tianditu') {
    const key = env['TIANDITU_KEY'];
    if (!key) throw new ConfigError('CIM_BASEMAP=tianditu needs TIANDITU_KEY (a Tianditu browser key)');
    const layer = env['TIANDITU_LAYER'] === 'img' ? 'img' : 'vec';
    return { basemap: { type: 'tianditu', key, layer }, hosts: ['https://*.tianditu.gov.cn'] };
  }
  if (env['CIM_BASEMAP'] === 'xyz') {
    const url = env['CIM_BASEMAP_URL'];
    if (!url) throw new ConfigError('CIM_BASEMAP=xyz needs CIM_BASEMAP_URL (an XYZ template with {z}/{x}/{y})');
    const origin = new URL(url.replace(/[{}]/g, '')).origin;
    return { basemap: { type: 'xyz', url, credit: env['CIM_BASEMAP_CREDIT'] ?? '' }, hosts: [origin] };
  }
  return { hosts: [] };
}
