import {
  EMBED_MODES,
  EMBED_PROTOCOL_VERSION,
  EMBED_REQUEST_TYPES,
  VIEW_CHANGED_INTERVAL_MS,
  readEmbedRequest,
  type EmbedBridgeStats,
  type EmbedEventMessage,
  type EmbedEventName,
  type EmbedEvents,
  type EmbedRequests,
  type EmbedRequestType,
  type EmbedResponse,
} from '../../../workers/formats/embedProtocol.js';
import { LANGUAGES, type CameraView } from '../../../workers/formats/viewerConfig.js';
import type { CimTwinApi } from '../app/createPageApi.js';

export interface EmbedBridgeOptions {
  api: CimTwinApi;
  /** The deployment's embedding origins (config `embed.origins`): the only ones answered. */
  allowedOrigins: readonly string[];
  /** The window that embeds us (`window.parent`): requests from any other window are ignored. */
  parent: Window;
  /** The window we listen on (`window`). */
  self: Window;
  /**
   * The parent's origin when the page already knows it (`?host=` on the iframe's URL, or
   * `location.ancestorOrigins`); otherwise the origin of the first allowed request. Used only
   * if it is on the list.
   */
  parentOrigin?: string;
}

/** A request the bridge refuses with a sentence (bad payload), answered with `bad-request`. */
class BadRequest extends Error {}

type Handlers = { [K in EmbedRequestType]: (payload: Partial<NonNullable<EmbedRequests[K][0]>>) => EmbedRequests[K][1] | Promise<EmbedRequests[K][1]> };

/**
 * The iframe's side of the postMessage protocol (workers/formats/embedProtocol.ts): answers
 * requests from the parent window when its origin is on the deployment's list, forwards the
 * viewer's events to that one origin, and counts what it ignores. Nothing is ever posted to '*'.
 */
export class EmbedBridge {
  private readonly allowed: ReadonlySet<string>;
  private parentOrigin: string | null = null;
  private answered = 0;
  private ignored = 0;
  private ready = false;
  private readonly cleanups: (() => void)[] = [];
  private viewTimer: ReturnType<typeof setTimeout> | undefined;
  private lastViewPosted = 0;
  private pendingView: CameraView | undefined;
  private lastView = '';

  constructor(private readonly options: EmbedBridgeOptions) {
    this.allowed = new Set(options.allowedOrigins);
    if (options.parentOrigin && this.allowed.has(options.parentOrigin)) this.parentOrigin = options.parentOrigin;
    const onMessage = (event: MessageEvent): void => void this.receive(event);
    options.self.addEventListener('message', onMessage);
    this.cleanups.push(() => options.self.removeEventListener('message', onMessage));
    const { api } = options;
    void api.ready.then(() => {
      this.ready = true;
    });
    this.cleanups.push(
      api.on('ready', (event) => this.post('ready', event)),
      api.on('select', (event) =>
        this.post('select', { feature: event.feature, properties: event.properties, ...(event.nameField ? { nameField: event.nameField } : {}) }),
      ),
      api.on('alarm', (event) => this.post('alarm', event)),
      api.on('incident', (event) => this.post('incident', event)),
      api.on('view', (view) => this.viewChanged(view)),
      () => clearTimeout(this.viewTimer),
    );
  }

  stats(): EmbedBridgeStats {
    return { answered: this.answered, ignored: this.ignored, parentOrigin: this.parentOrigin, allowedOrigins: [...this.allowed] };
  }

  destroy(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  private async receive(event: MessageEvent): Promise<void> {
    // Only the parent window, only from a listed origin, and once the parent's origin is known only from it.
    if (event.source !== this.options.parent || !this.allowed.has(event.origin) || (this.parentOrigin !== null && event.origin !== this.parentOrigin)) {
      this.ignored++;
      return;
    }
    const read = readEmbedRequest(event.data);
    if (!read) {
      this.ignored++;
      return;
    }
    const wasUnknown = this.parentOrigin === null;
    this.parentOrigin = event.origin;
    this.answered++;
    if ('problem' in read) {
      this.answer({ v: EMBED_PROTOCOL_VERSION, id: read.problem.id, ok: false, error: { code: read.problem.code, message: read.problem.message } });
      return;
    }
    const { id, type, payload } = read.request;
    try {
      const handler = this.handlers[type] as (payload: object) => unknown;
      const result = (await handler(payload ?? {})) ?? null;
      this.answer({ v: EMBED_PROTOCOL_VERSION, id, ok: true, result } as EmbedResponse);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.answer({ v: EMBED_PROTOCOL_VERSION, id, ok: false, error: { code: error instanceof BadRequest ? 'bad-request' : 'failed', message } });
    }
    // A parent that learned of us by its first request hears `ready` too, if it already passed.
    if (wasUnknown && this.ready && type !== 'hello') this.post('ready', { seconds: 0 });
  }

  private answer(response: EmbedResponse): void {
    if (this.parentOrigin) this.options.parent.postMessage(response, this.parentOrigin);
  }

  private post<K extends EmbedEventName>(event: K, data: EmbedEvents[K]): void {
    if (!this.parentOrigin) return;
    const message: EmbedEventMessage<K> = { v: EMBED_PROTOCOL_VERSION, event, data };
    this.options.parent.postMessage(message, this.parentOrigin);
  }

  /** At most one viewChanged per VIEW_CHANGED_INTERVAL_MS; the view the camera stops at is always sent. */
  private viewChanged(view: CameraView): void {
    const key = `${view.lon.toFixed(6)},${view.lat.toFixed(6)},${view.height.toFixed(1)},${view.heading.toFixed(1)},${view.pitch.toFixed(1)}`;
    if (key === this.lastView) return;
    this.lastView = key;
    this.pendingView = view;
    if (this.viewTimer !== undefined) return;
    const wait = Math.max(0, this.lastViewPosted + VIEW_CHANGED_INTERVAL_MS - performance.now());
    this.viewTimer = setTimeout(() => {
      this.viewTimer = undefined;
      this.lastViewPosted = performance.now();
      if (this.pendingView) this.post('viewChanged', this.pendingView);
      this.pendingView = undefined;
    }, wait);
  }

  private readonly handlers: Handlers = {
    hello: () => ({ protocol: EMBED_PROTOCOL_VERSION, ready: this.ready, types: [...EMBED_REQUEST_TYPES] }),
    flyTo: async ({ target, duration }) => {
      if (target === undefined) throw new BadRequest('flyTo needs {target}: a bookmark id, a camera view, a point or a feature');
      await this.options.api.flyTo(target, duration === undefined ? {} : { duration: numberIn(duration, 0, 60, 'duration') });
      return null;
    },
    select: ({ featureId, tileset }) => {
      if (featureId !== null && typeof featureId !== 'string') throw new BadRequest('select needs {featureId: string | null, tileset?}');
      return this.options.api.select(featureId, typeof tileset === 'string' ? tileset : undefined);
    },
    search: async ({ query }) => {
      if (typeof query !== 'string') throw new BadRequest('search needs {query: string}');
      return (await this.options.api.search(query)).map(({ tileset, id, name, nameEn, address, lon, lat, height }) => ({
        tileset,
        id,
        name,
        ...(nameEn ? { nameEn } : {}),
        address,
        lon,
        lat,
        height,
      }));
    },
    setLayerVisible: ({ id, visible }) => {
      if (typeof id !== 'string' || typeof visible !== 'boolean') throw new BadRequest('setLayerVisible needs {id: string, visible: boolean}');
      this.requireLayer(id);
      this.options.api.setLayerVisible(id, visible);
      return null;
    },
    setLayerOpacity: ({ id, opacity }) => {
      if (typeof id !== 'string') throw new BadRequest('setLayerOpacity needs {id: string, opacity: 0..1}');
      this.requireLayer(id);
      this.options.api.setLayerOpacity(id, numberIn(opacity, 0, 1, 'opacity'));
      return null;
    },
    setMode: ({ mode }) => {
      if (!EMBED_MODES.includes(mode as never)) throw new BadRequest(`setMode needs {mode: ${EMBED_MODES.join(' | ')}}`);
      this.options.api.setMode(mode!);
      return null;
    },
    setLanguage: ({ language }) => {
      if (!LANGUAGES.includes(language as never)) throw new BadRequest(`setLanguage needs {language: ${LANGUAGES.join(' | ')}}`);
      this.options.api.setLanguage(language!);
      return null;
    },
    'clock.get': () => this.options.api.clock.get(),
    'clock.replay': ({ time, speed, paused }) => {
      if (typeof time !== 'string') throw new BadRequest('clock.replay needs {time: ISO 8601, speed?, paused?}');
      return this.options.api.clock.replay(time, { ...(speed !== undefined ? { speed } : {}), ...(paused !== undefined ? { paused } : {}) });
    },
    'clock.live': () => this.options.api.clock.live(),
    getState: () => JSON.parse(JSON.stringify(this.options.api.getState())) as Record<string, unknown>,
    stats: () => ({ ...(this.options.api.stats() as unknown as Record<string, unknown>), embed: this.stats() }),
    tools: async ({ name, args }) => {
      const tools = this.options.api.tools as Record<string, ((...a: unknown[]) => unknown) | undefined>;
      const tool = typeof name === 'string' && Object.hasOwn(tools, name) ? tools[name] : undefined;
      if (!tool) throw new BadRequest(`no tool ${JSON.stringify(name)} in this viewer; it has: ${Object.keys(tools).join(', ') || 'none'}`);
      if (!Array.isArray(args)) throw new BadRequest('tools needs {name, args: [...]}');
      return (await tool(...(args as unknown[]))) ?? null;
    },
  };

  private requireLayer(id: string): void {
    if (!Object.hasOwn(this.options.api.getState().layers, id)) throw new BadRequest(`no layer "${id}" in this viewer`);
  }
}

function numberIn(value: unknown, min: number, max: number, name: string): number {
  if (typeof value !== 'number' || !(value >= min && value <= max)) throw new BadRequest(`"${name}" must be a number from ${min} to ${max}`);
  return value;
}
