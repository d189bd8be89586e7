import type { ClockReading } from './history.js';
import type { CameraView, Language } from './viewerConfig.js';

/**
 * The iframe bridge's protocol (`/embed.html` in a host page's iframe, driven by
 * `postMessage`): typed once here, imported by the bridge (viewer/src/embed/) and by host
 * helpers. Versioned: a message without `v: 1` is not ours.
 *
 *   host → frame   {v: 1, id, type, payload}                 a request (types: EmbedRequests)
 *   frame → host   {v: 1, id, ok: true, result}               its answer
 *                  {v: 1, id, ok: false, error: {code, message}}
 *   frame → host   {v: 1, event, data}                        an event (types: EmbedEvents)
 *
 * The frame answers only origins on the deployment's embedding list (config `embed.origins`)
 * and posts only to the one validated parent origin, never to '*'.
 */
export const EMBED_PROTOCOL_VERSION = 1;

/** The widget's modes: the compact leadership-cockpit tile, the video wall, the planner's desk. */
export type EmbedMode = 'cockpit' | 'wall' | 'planner';
export const EMBED_MODES: readonly EmbedMode[] = ['cockpit', 'wall', 'planner'];

/** A feature's properties by the source's own field names. */
export type EmbedFeatureProperties = Record<string, string | number | boolean | null>;

/** Where to fly: a bookmark id, a camera view, a point to look at, or a feature. */
export type EmbedFlyTarget = string | CameraView | { lon: number; lat: number; height?: number; range?: number } | { featureId: string; tileset?: string };

export interface EmbedSearchHit {
  tileset: string;
  id: string;
  name: string;
  nameEn?: string;
  address: string;
  lon: number;
  lat: number;
  height: number;
}

/** The bridge's own counters, in the frame's `cimTwin.stats().embed` and the `stats` request. */
export interface EmbedBridgeStats {
  /** Requests answered (from an allowed origin, the parent frame). */
  answered: number;
  /** Messages ignored: from an origin not on the list, from another window, or not of this protocol. */
  ignored: number;
  /** The origin events go to, once known (null before). */
  parentOrigin: string | null;
  /** The origins on the list. */
  allowedOrigins: readonly string[];
}

/** Each request type: [payload, result]. Mirrors the page API (docs/viewer.md). */
export interface EmbedRequests {
  /** The host's first message: makes its origin the parent's (if allowed) and says whether the view is ready. */
  hello: [Record<string, never> | undefined, { protocol: typeof EMBED_PROTOCOL_VERSION; ready: boolean; types: string[] }];
  flyTo: [{ target: EmbedFlyTarget; duration?: number }, null];
  select: [{ featureId: string | null; tileset?: string }, EmbedFeatureProperties | null];
  search: [{ query: string }, EmbedSearchHit[]];
  setLayerVisible: [{ id: string; visible: boolean }, null];
  setLayerOpacity: [{ id: string; opacity: number }, null];
  setMode: [{ mode: EmbedMode }, null];
  setLanguage: [{ language: Language }, null];
  'clock.get': [Record<string, never> | undefined, ClockReading];
  'clock.replay': [{ time: string; speed?: number; paused?: boolean }, ClockReading];
  'clock.live': [Record<string, never> | undefined, ClockReading];
  /** The page API's getState(): camera, layers, selection, mode, language, clock … */
  getState: [Record<string, never> | undefined, Record<string, unknown>];
  stats: [Record<string, never> | undefined, Record<string, unknown> & { embed: EmbedBridgeStats }];
  /** A planner tool's headless function, where the viewer has it (`cimTwin.tools.<name>(...args)`). */
  tools: [{ name: string; args: unknown[] }, unknown];
}

export type EmbedRequestType = keyof EmbedRequests;
export const EMBED_REQUEST_TYPES: readonly EmbedRequestType[] = [
  'hello',
  'flyTo',
  'select',
  'search',
  'setLayerVisible',
  'setLayerOpacity',
  'setMode',
  'setLanguage',
  'clock.get',
  'clock.replay',
  'clock.live',
  'getState',
  'stats',
  'tools',
];

/** Events, frame → host. `viewChanged` at most about 4 a second (the last view always arrives). */
export interface EmbedEvents {
  ready: { seconds: number };
  select: { feature: { tileset: string; id: string } | null; properties: EmbedFeatureProperties | null; nameField?: string };
  alarm: { datastream: number; name: string; type: string; value: number; unit: string; time: string; lon: number; lat: number };
  incident: { id: string; change: string; state: string; level: string; headline: string };
  viewChanged: CameraView;
}
export type EmbedEventName = keyof EmbedEvents;
export const EMBED_EVENT_NAMES: readonly EmbedEventName[] = ['ready', 'select', 'alarm', 'incident', 'viewChanged'];
/** The longest gap kept between two `viewChanged` events while the camera moves. */
export const VIEW_CHANGED_INTERVAL_MS = 250;

export interface EmbedRequest<K extends EmbedRequestType = EmbedRequestType> {
  v: typeof EMBED_PROTOCOL_VERSION;
  id: string | number;
  type: K;
  payload: EmbedRequests[K][0];
}

export type EmbedErrorCode = 'bad-request' | 'unknown-type' | 'failed';

export type EmbedResponse<K extends EmbedRequestType = EmbedRequestType> =
  | { v: typeof EMBED_PROTOCOL_VERSION; id: string | number; ok: true; result: EmbedRequests[K][1] }
  | { v: typeof EMBED_PROTOCOL_VERSION; id: string | number; ok: false; error: { code: EmbedErrorCode; message: string } };

export interface EmbedEventMessage<K extends EmbedEventName = EmbedEventName> {
  v: typeof EMBED_PROTOCOL_VERSION;
  event: K;
  data: EmbedEvents[K];
}

/**
 * The message as a request of this protocol, or why it is not one: `undefined` for a message
 * that is not ours at all (no `v: 1`: ignored without an answer), a problem with the id when
 * it has one (answered with `bad-request` or `unknown-type`).
 */
export function readEmbedRequest(
  data: unknown,
): { request: EmbedRequest } | { problem: { id: string | number; code: EmbedErrorCode; message: string } } | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const message = data as Partial<EmbedRequest> & { v?: unknown };
  if (message.v !== EMBED_PROTOCOL_VERSION) return undefined;
  const id = message.id;
  if (!((typeof id === 'string' && id.length > 0 && id.length <= 100) || (typeof id === 'number' && Number.isFinite(id)))) return undefined;
  if (typeof message.type !== 'string' || !(EMBED_REQUEST_TYPES as readonly string[]).includes(message.type))
    return { problem: { id, code: 'unknown-type', message: `unknown request type ${JSON.stringify(message.type)}; known: ${EMBED_REQUEST_TYPES.join(', ')}` } };
  if (message.payload !== undefined && (typeof message.payload !== 'object' || message.payload === null))
    return { problem: { id, code: 'bad-request', message: `"payload" of ${message.type} must be an object` } };
  return { request: { v: EMBED_PROTOCOL_VERSION, id, type: message.type, payload: message.payload } as EmbedRequest };
}
