import { OBSERVATION_BATCH_TOPIC } from '../workers/live/ObservationBatch.js';
import type { LiveFeedConfig } from '../viewer/src/config/ViewerConfig.js';

/**
 * The viewer's /config.json from the server's environment, and the hosts the page's CSP must
 * then allow. Offline by default: no basemap.
 *   CIM_BASEMAP=tianditu TIANDITU_KEY=<key> [TIANDITU_LAYER=vec|img]
 *   CIM_BASEMAP=xyz CIM_BASEMAP_URL=https://host/{z}/{x}/{y}.png [CIM_BASEMAP_CREDIT=…]
 */
export function viewerConfigFromEnv(env: Record<string, string | undefined>): { config: object; hosts: string[] } {
  const { live, hosts: liveHosts } = liveConfigFromEnv(env);
  const { config, hosts } = basemapConfigFromEnv(env);
  return { config: { ...config, ...(live ? { live } : {}) }, hosts: [...hosts, ...liveHosts] };
}

/**
 * Live data: the embedded broker on this origin (`/mqtt`) and API by default; an external
 * broker (CIM_MQTT_URL, e.g. wss://emqx.example.gov.cn/mqtt) and SensorThings server
 * (CIM_SENSORTHINGS_URL, e.g. https://frost.example.gov.cn/FROST-Server) when set; none with CIM_LIVE=off.
 */
function liveConfigFromEnv(env: Record<string, string | undefined>): { live?: object; hosts: string[] } {
  if (env['CIM_LIVE'] === 'off') return { hosts: [] };
  const mqttUrl = env['CIM_MQTT_URL'] ?? '/mqtt';
  const apiUrl = env['CIM_SENSORTHINGS_URL'] ?? '';
  const hosts = [mqttUrl, apiUrl].filter((u) => /^(wss?|https?):\/\//.test(u)).map((u) => new URL(u).origin);
  // The batched feed comes from our own broker; an external one carries SensorThings topics
  // only, unless a deployment runs the batcher beside it (CIM_FEED_TOPIC).
  const feedTopic = env['CIM_MQTT_URL'] ? env['CIM_FEED_TOPIC'] : OBSERVATION_BATCH_TOPIC;
  const live: LiveFeedConfig = { mqttUrl, apiUrl, ...(feedTopic ? { feedTopic } : {}) };
  return { live, hosts };
}

function basemapConfigFromEnv(env: Record<string, string | undefined>): { config: object; hosts: string[] } {
  const base = { tilesUrl: '/tiles/', dataUrl: '/data/' };
  if (env['CIM_BASEMAP'] === 'tianditu') {
    const key = env['TIANDITU_KEY'];
    if (!key) throw new Error('CIM_BASEMAP=tianditu needs TIANDITU_KEY (a Tianditu browser key)');
    const layer = env['TIANDITU_LAYER'] === 'img' ? 'img' : 'vec';
    return { config: { ...base, basemap: { type: 'tianditu', key, layer } }, hosts: ['https://*.tianditu.gov.cn'] };
  }
  if (env['CIM_BASEMAP'] === 'xyz') {
    const url = env['CIM_BASEMAP_URL'];
    if (!url) throw new Error('CIM_BASEMAP=xyz needs CIM_BASEMAP_URL (an XYZ template with {z}/{x}/{y})');
    const origin = new URL(url.replace(/[{}]/g, '')).origin;
    return { config: { ...base, basemap: { type: 'xyz', url, credit: env['CIM_BASEMAP_CREDIT'] ?? '' } }, hosts: [origin] };
  }
  return { config: base, hosts: [] };
}
