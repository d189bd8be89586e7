import { VIEWER_SERVER_ROOT } from './crossOriginSetup.js';
import { createViewer, type CimTwinViewer } from '../createViewer.js';
import type { CimTwinApi } from '../app/createPageApi.js';
import type { ViewerEventMap } from '../platform/ViewerEvents.js';
import { EMBED_MODES, type EmbedMode } from '../../../workers/formats/embedProtocol.js';
import { cameraSetting, embedViewerQuery } from './embedViewerQuery.js';

/** The DOM events `<cim-twin>` dispatches (CustomEvent detail = the page API's event). */
const FORWARDED_EVENTS = ['ready', 'select', 'alarm', 'incident'] as const satisfies readonly (keyof ViewerEventMap)[];

/** The viewer's stylesheet (built into one file, /embed/cim-twin.css), shared by every element on the page. */
let sharedSheet: Promise<CSSStyleSheet> | undefined;
function viewerStylesheet(): Promise<CSSStyleSheet> {
  const url = new URL('embed/cim-twin.css', VIEWER_SERVER_ROOT).href;
  return (sharedSheet ??= fetch(url)
    .then((response) => {
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return response.text();
    })
    .then((css) => new CSSStyleSheet({ baseURL: url }).replace(css)));
}

const HOST_SHEET = new CSSStyleSheet();
HOST_SHEET.replaceSync(
  ':host{display:block;position:relative;width:480px;height:270px;overflow:hidden;contain:content}:host([hidden]){display:none}.mount{position:absolute;inset:0}',
);

/**
 * `<cim-twin server view layers mode lang token>`: the viewer as a web component, from one
 * ES module (`/embed/cim-twin.js`) and no framework. It mounts in its shadow root (Cesium's
 * styles adopted there) when connected and destroys everything it made when removed (WebGL
 * context, workers, sockets, listeners). Methods mirror the page API (docs/viewer.md); the
 * page API's `ready`, `select`, `alarm` and `incident` events are dispatched as CustomEvents.
 *
 * Attributes: `server` (the viewer server's base URL; default the one this script came from),
 * `view` (a bookmark id or `lon,lat,height,heading,pitch`), `layers` (as in a shared link:
 * `-roads,sensors`), `mode` (`cockpit` default, `wall`, `planner`), `lang` (`zh-CN`, `en`),
 * `token` (a sign-in token the viewer's requests carry).
 *
 * A new `token` or `server`, or a sign-in inside the widget that changes what it may read (the
 * data role), mounts a new viewer where the camera was: its layers were made with the old
 * token and config (the server decides what each role gets). A sign-out inside the widget
 * returns to the host's token.
 */
export class CimTwinElement extends HTMLElement {
  static readonly observedAttributes = ['view', 'layers', 'mode', 'lang', 'token', 'server'];
  private viewer: CimTwinViewer | undefined;
  private mounting: Promise<CimTwinApi> | undefined;
  private generation = 0;
  /** The token of a sign-in made inside the widget; wins over the `token` attribute until that changes. */
  private signedInToken: string | undefined;
  private readonly unlisten: (() => void)[] = [];
  private readonly root: ShadowRoot;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.adoptedStyleSheets = [HOST_SHEET];
  }

  connectedCallback(): void {
    this.start();
  }

  private start(view?: string): void {
    const generation = ++this.generation;
    this.mounting = this.mount(generation, view);
    // A failure is the element's to report; callers of the methods see the same rejection.
    this.mounting.catch((error: unknown) => {
      if (generation === this.generation) console.error('<cim-twin> could not start:', error);
    });
  }

  /** A new viewer in place of the current one (another token or server), at the current camera. */
  private remount(): void {
    if (!this.mounting) return; // not connected: connectedCallback mounts with the new settings
    const camera = this.viewer?.api.getState().camera;
    this.unmount();
    this.start(camera ? cameraSetting(camera) : undefined);
  }

  disconnectedCallback(): void {
    this.generation++;
    this.unmount();
  }

  attributeChangedCallback(name: string, previous: string | null, value: string | null): void {
    if (previous === value) return;
    if (name === 'token' || name === 'server') {
      this.signedInToken = undefined;
      return this.remount();
    }
    const api = this.viewer?.api;
    if (!api) return;
    if (name === 'mode') api.setMode(modeOf(value));
    else if (name === 'lang' && (value === 'en' || value === 'zh-CN')) api.setLanguage(value);
    else if (name === 'view' && value) {
      const { query, bookmark } = embedViewerQuery({ view: value });
      const camera = new URLSearchParams(query).get('cam')?.split(',').map(Number);
      void api.flyTo(bookmark ?? { lon: camera![0]!, lat: camera![1]!, height: camera![2]!, heading: camera![3]!, pitch: camera![4]! });
    } else if (name === 'layers' && value) {
      for (const token of value
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)) {
        const [id, opacity] = token.replace(/^-/, '').split('@');
        if (opacity !== undefined) api.setLayerOpacity(id!, Number(opacity));
        else api.setLayerVisible(id!, !token.startsWith('-'));
      }
    }
  }

  // --- the page API, mirrored (each waits for the viewer to be mounted) ---
  get ready(): Promise<void> {
    return this.api().then((api) => api.ready);
  }
  get mode(): EmbedMode {
    return modeOf(this.getAttribute('mode'));
  }
  set mode(mode: EmbedMode) {
    this.setAttribute('mode', mode);
  }
  async flyTo(...args: Parameters<CimTwinApi['flyTo']>): ReturnType<CimTwinApi['flyTo']> {
    return (await this.api()).flyTo(...args);
  }
  async select(...args: Parameters<CimTwinApi['select']>): ReturnType<CimTwinApi['select']> {
    return (await this.api()).select(...args);
  }
  async search(...args: Parameters<CimTwinApi['search']>): ReturnType<CimTwinApi['search']> {
    return (await this.api()).search(...args);
  }
  async setLayerVisible(...args: Parameters<CimTwinApi['setLayerVisible']>): Promise<void> {
    (await this.api()).setLayerVisible(...args);
  }
  async setLayerOpacity(...args: Parameters<CimTwinApi['setLayerOpacity']>): Promise<void> {
    (await this.api()).setLayerOpacity(...args);
  }
  async setStyle(...args: Parameters<CimTwinApi['setStyle']>): Promise<void> {
    (await this.api()).setStyle(...args);
  }
  async setMode(mode: EmbedMode): Promise<void> {
    this.mode = mode; // attributeChangedCallback applies it
    await this.api();
  }
  async setLanguage(language: 'zh-CN' | 'en'): Promise<void> {
    this.lang = language; // HTMLElement's own lang reflects the attribute: attributeChangedCallback applies it
    await this.api();
  }
  async getState(): Promise<ReturnType<CimTwinApi['getState']>> {
    return (await this.api()).getState();
  }
  async stats(): Promise<ReturnType<CimTwinApi['stats']>> {
    return (await this.api()).stats();
  }
  async waitForTiles(): Promise<boolean> {
    return (await this.api()).waitForTiles();
  }
  /** The clock: `await el.clock.replay(iso, {speed})`, `el.clock.live()`, `el.clock.get()`. */
  get clock(): { [K in keyof CimTwinApi['clock']]: (...args: Parameters<CimTwinApi['clock'][K]>) => Promise<ReturnType<CimTwinApi['clock'][K]>> } {
    const call =
      <K extends keyof CimTwinApi['clock']>(name: K) =>
      async (...args: Parameters<CimTwinApi['clock'][K]>) =>
        ((await this.api()).clock[name] as (...a: unknown[]) => ReturnType<CimTwinApi['clock'][K]>)(...args);
    return {
      get: call('get'),
      replay: call('replay'),
      live: call('live'),
      play: call('play'),
      pause: call('pause'),
      seek: call('seek'),
      step: call('step'),
      setSpeed: call('setSpeed'),
    };
  }
  /** The planner's headless tools, where the viewer has them: `await (await el.tools()).crossSection(…)`. */
  async tools(): Promise<CimTwinApi['tools']> {
    return (await this.api()).tools;
  }

  /** The mounted viewer's page API (waits for the mount; rejects when the element is not connected). */
  api(): Promise<CimTwinApi> {
    return this.mounting ?? Promise.reject(new Error('<cim-twin> is not in the document'));
  }

  private async mount(generation: number, view?: string): Promise<CimTwinApi> {
    const server = new URL(this.getAttribute('server') ?? VIEWER_SERVER_ROOT, location.href);
    if (!server.pathname.endsWith('/')) server.pathname += '/';
    const [sheet] = await Promise.all([viewerStylesheet()]);
    if (generation !== this.generation) throw new Error('<cim-twin> was removed while it started');
    this.root.adoptedStyleSheets = [sheet, HOST_SHEET];
    const container = document.createElement('div');
    container.className = 'mount';
    this.root.append(container);
    const { query, bookmark } = embedViewerQuery({
      view: view ?? this.getAttribute('view'),
      layers: this.getAttribute('layers'),
      mode: this.getAttribute('mode'),
      lang: this.getAttribute('lang'),
    });
    const token = this.signedInToken ?? this.getAttribute('token');
    let viewer: CimTwinViewer;
    try {
      viewer = await createViewer(container, {
        config: new URL('config.json', server).href,
        baseUrl: server.href,
        query,
        ...(token ? { token } : {}),
        onDataRoleChange: (signedIn) => {
          this.signedInToken = signedIn;
          // After the sign-in store's listeners have run: the old viewer is destroyed from outside them.
          queueMicrotask(() => this.remount());
        },
      });
    } catch (error) {
      container.remove();
      throw error;
    }
    if (generation !== this.generation) {
      viewer.destroy();
      container.remove();
      throw new Error('<cim-twin> was removed while it started');
    }
    this.viewer = viewer;
    for (const name of FORWARDED_EVENTS)
      this.unlisten.push(viewer.api.on(name, (detail) => this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true }))));
    if (bookmark) void viewer.api.flyTo(bookmark, { duration: 0 });
    return viewer.api;
  }

  private unmount(): void {
    for (const stop of this.unlisten.splice(0)) stop();
    this.viewer?.destroy();
    this.viewer = undefined;
    this.mounting = undefined;
    this.root.replaceChildren();
    this.root.adoptedStyleSheets = [HOST_SHEET];
  }
}

function modeOf(value: string | null): EmbedMode {
  return EMBED_MODES.find((m) => m === value) ?? 'cockpit';
}

if (!customElements.get('cim-twin')) customElements.define('cim-twin', CimTwinElement);

declare global {
  interface HTMLElementTagNameMap {
    'cim-twin': CimTwinElement;
  }
}
