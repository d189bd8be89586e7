import type { CameraView } from './viewerConfig.js';

/**
 * Linked screens (大屏联动): a leader drives what every screen following a session shows.
 * The leader's viewer sends a `FollowUpdate` (POST /api/follow/{session}); the server checks
 * it, stamps who leads, a sequence number and the time, and publishes the `FollowMessage`
 * retained on `cimtwin/v1/follow/<session>`, so a screen that joins later gets the current
 * state at once. Both sides check what they receive with the parse functions below.
 */
export const FOLLOW_FORMAT_VERSION = 1;
export const FOLLOW_TOPIC = 'cimtwin/v1/follow';
/** A session's name: letters, digits, `-` and `_` (it is a topic level and a URL segment). */
export const FOLLOW_SESSION_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Updates a leader may send per second; the viewer throttles to this, the server refuses more (429). */
export const FOLLOW_MAX_UPDATES_PER_SECOND = 5;
/** Layers a state may name (the demo has ~20; a deployment's catalogue is bounded well below this). */
const MAX_LAYERS = 500;
const ID_PATTERN = /^[^\u0000-\u001f]{1,200}$/u;

export function followTopic(session: string): string {
  return `${FOLLOW_TOPIC}/${session}`;
}

/** A feature by its layer's id and its id in that layer (the viewer's FeatureRef). */
export interface FollowFeature {
  tileset: string;
  id: string;
}

/** Where the followers look: the leader's camera, or a feature for each screen to frame in its own way. */
export type FollowView = { camera: CameraView } | { feature: FollowFeature };

/** What a leader sends. */
export interface FollowUpdate {
  view: FollowView;
  /** The selected feature (an incident, a building, a sensor), or none. */
  selection: FollowFeature | null;
  /** Layer visibility and opacity by layer id; layers not named are left as they are. */
  layers: Record<string, { visible: boolean; opacity: number }>;
  /** Underground view (translucent ground, networks shown). */
  underground: boolean;
}

/** What the server publishes: the update, stamped. */
export interface FollowMessage extends FollowUpdate {
  version: typeof FOLLOW_FORMAT_VERSION;
  session: string;
  /** Increases with every message of the session (a follower drops one not newer than what it shows). */
  seq: number;
  /**
   * Who leads (the signed-in account that sent it); null in the public's copy: the command
   * centre's account names are for signed-in roles (docs/access.md).
   */
  leader: string | null;
  /** ISO 8601, the server's clock. */
  at: string;
}

/** A session as GET /api/follow lists it (to signed-in roles only). */
export interface FollowSessionSummary {
  session: string;
  leader: string;
  seq: number;
  updatedAt: string;
}

export type FollowParsed<T> = { value: T } | { field: string; message: string };

class FollowFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function fail(field: string, message: string): never {
  throw new FollowFieldError(field, message);
}

function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'must be an object');
  return value as Record<string, unknown>;
}

function numberAt(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) fail(field, `must be a number from ${min} to ${max}`);
  return value;
}

function idAt(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) fail(field, 'must be a string of 1 to 200 characters without control characters');
  return value;
}

function cameraAt(value: unknown, field: string): CameraView {
  const camera = objectAt(value, field);
  return {
    lon: numberAt(camera['lon'], `${field}.lon`, -180, 180),
    lat: numberAt(camera['lat'], `${field}.lat`, -90, 90),
    // From deep underground views to far above a district.
    height: numberAt(camera['height'], `${field}.height`, -1000, 1e7),
    heading: numberAt(camera['heading'], `${field}.heading`, -360, 360),
    pitch: numberAt(camera['pitch'], `${field}.pitch`, -90, 90),
  };
}

function featureAt(value: unknown, field: string): FollowFeature {
  const feature = objectAt(value, field);
  return { tileset: idAt(feature['tileset'], `${field}.tileset`), id: idAt(feature['id'], `${field}.id`) };
}

function updateAt(body: Record<string, unknown>): FollowUpdate {
  const view = objectAt(body['view'], 'view');
  let parsedView: FollowView;
  if ('camera' in view && !('feature' in view)) parsedView = { camera: cameraAt(view['camera'], 'view.camera') };
  else if ('feature' in view && !('camera' in view)) parsedView = { feature: featureAt(view['feature'], 'view.feature') };
  else fail('view', 'must hold either "camera" or "feature"');
  const selection = body['selection'] === null || body['selection'] === undefined ? null : featureAt(body['selection'], 'selection');
  const layersIn = objectAt(body['layers'] ?? {}, 'layers');
  const entries = Object.entries(layersIn);
  if (entries.length > MAX_LAYERS) fail('layers', `may name at most ${MAX_LAYERS} layers`);
  const layers: FollowUpdate['layers'] = {};
  for (const [id, value] of entries) {
    idAt(id, `layers["${id.slice(0, 40)}"]`);
    const layer = objectAt(value, `layers.${id}`);
    if (typeof layer['visible'] !== 'boolean') fail(`layers.${id}.visible`, 'must be true or false');
    layers[id] = { visible: layer['visible'], opacity: layer['opacity'] === undefined ? 1 : numberAt(layer['opacity'], `layers.${id}.opacity`, 0, 1) };
  }
  const underground = body['underground'] ?? false;
  if (typeof underground !== 'boolean') fail('underground', 'must be true or false');
  return { view: parsedView, selection, layers, underground };
}

function parsed<T>(read: () => T): FollowParsed<T> {
  try {
    return { value: read() };
  } catch (error) {
    if (error instanceof FollowFieldError) return { field: error.field, message: error.message };
    throw error;
  }
}

/** A leader's update (the server reads the POST body with this): the first bad field is named. */
export function parseFollowUpdate(body: unknown): FollowParsed<FollowUpdate> {
  return parsed(() => updateAt(objectAt(body, 'body')));
}

/** A published message (a follower reads the MQTT payload with this). */
export function parseFollowMessage(body: unknown): FollowParsed<FollowMessage> {
  return parsed(() => {
    const message = objectAt(body, 'message');
    if (message['version'] !== FOLLOW_FORMAT_VERSION) fail('version', `must be ${FOLLOW_FORMAT_VERSION}`);
    const session = message['session'];
    if (typeof session !== 'string' || !FOLLOW_SESSION_PATTERN.test(session)) fail('session', 'must be 1 to 64 letters, digits, "-" or "_"');
    const seq = message['seq'];
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) fail('seq', 'must be a positive integer');
    const leader = message['leader'] === null ? null : idAt(message['leader'], 'leader');
    const at = message['at'];
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) fail('at', 'must be an ISO 8601 time');
    return { version: FOLLOW_FORMAT_VERSION, session, seq, leader, at, ...updateAt(message) };
  });
}
