/**
 * Deployment settings the page reads from /config.json at start (the server writes it from
 * its environment; see README "Configuration"). Everything has an offline default.
 */
export interface ViewerConfig {
  /** Where tilesets live: `${tilesUrl}${name}/tileset.json`. */
  tilesUrl: string;
  /** Where the ground vectors (roads, areas, landmarks) live. */
  dataUrl: string;
  /** An online basemap, if the deployment can reach one. None by default (offline). */
  basemap?: BasemapConfig;
  /** The live feed, if any. */
  live?: LiveFeedConfig;
}

/**
 * MQTT over WebSocket (a path = this origin), the SensorThings-style API base ('' = this
 * origin) and, with our own server, the batched feed topic (without it the viewer reads the
 * SensorThings per-datastream topics, as from any SensorThings MQTT server).
 */
export interface LiveFeedConfig {
  mqttUrl: string;
  apiUrl: string;
  feedTopic?: string;
}

export type BasemapConfig =
  /** Tianditu (天地图) WMTS, Web Mercator, vector or imagery with its annotation layer; needs a key. */
  | { type: 'tianditu'; key: string; layer?: 'vec' | 'img' }
  /** Any XYZ template, e.g. https://tiles.example.com/{z}/{x}/{y}.png */
  | { type: 'xyz'; url: string; credit?: string; maximumLevel?: number };

export const DEFAULT_CONFIG: ViewerConfig = { tilesUrl: '/tiles/', dataUrl: '/data/' };

export async function loadViewerConfig(): Promise<ViewerConfig> {
  try {
    const response = await fetch('/config.json', { cache: 'no-cache' });
    if (!response.ok) return DEFAULT_CONFIG;
    return { ...DEFAULT_CONFIG, ...((await response.json()) as Partial<ViewerConfig>) };
  } catch {
    return DEFAULT_CONFIG;
  }
}
