import {
  Cartesian2,
  Cartesian3,
  Cartographic,
  CesiumWidget,
  Color,
  Credit,
  CreditDisplay,
  Math as CesiumMath,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  SceneTransforms,
  type Camera,
} from 'cesium';
import type { ViewerConfig } from '../../../workers/formats/viewerConfig.js';
import { createScreenObstacles, type LayerContext, type LayerInstance, type PickOutcome, type PluginRuntime } from '../platform/LayerPlugin.js';
import type { SceneStats } from '../platform/UiContext.js';
import type { ToolInstance, ToolPointerEvent, ToolRuntime } from '../platform/ToolPlugin.js';
import type { ViewerEvents } from '../platform/ViewerEvents.js';
import type { CameraView } from '../platform/ViewerState.js';
import { watch, type ViewerStore } from '../platform/ViewerStore.js';
import type { WorkerHost } from '../platform/WorkerHost.js';
import { FrameStats } from './FrameStats.js';
import { resolutionScaleFor } from './resolutionScaleFor.js';

// The viewer uses no Cesium ion service: Cesium's default "Cesium ion" logo would claim one (and
// take 140 px of a 480×270 cockpit tile). CesiumJS is credited in text, as its authors ask;
// data credits (an online basemap's) are shown as before.
CreditDisplay.cesiumCredit = new Credit('<a href="https://cesium.com/platform/cesiumjs/" target="_blank" rel="noopener">CesiumJS</a>', true);

/** Largest drawing buffer side we ask for on a wall (WebGL may allow more; filling it would not keep up). */
const WALL_MAX_DRAWING_BUFFER = 8192;
/** Two context losses closer than this are handled once (a lost context often fires twice). */
const MIN_REBUILD_INTERVAL_MS = 2000;

export interface SceneHostOptions {
  container: HTMLElement;
  store: ViewerStore;
  config: ViewerConfig;
  events: ViewerEvents;
  workers: WorkerHost;
  baseUrl: string;
  /** The data role's Authorization header (PluginContext.authHeaders). */
  authHeaders(): Record<string, string>;
  plugins: readonly PluginRuntime[];
  tools: readonly ToolRuntime[];
  /** A click (or tap) that no tool consumed: what it hit, if anything of a layer's. */
  onPick(outcome: PickOutcome | undefined): void;
}

/**
 * Owns the Cesium widget's lifecycle: builds the scene with a layer instance per config entry
 * (through the plugins) and a tool instance per tool, routes pointer events to the active tool
 * and then to the layers, and survives WebGL context loss by rebuilding everything from the
 * store (the state is not in the engine). `destroy()` releases the WebGL context too: Cesium
 * does not, and a browser fails after ~16 live contexts.
 */
export class SceneHost {
  private widget: CesiumWidget | undefined;
  private layers: LayerInstance[] = [];
  private tools: ToolInstance[] = [];
  private handler: ScreenSpaceEventHandler | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private frames = new FrameStats();
  private recoveries = 0;
  private lastRebuild = 0;
  private generation = 0;
  private destroyed = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private moveFrame: number | undefined;
  private pendingMove: { x: number; y: number } | undefined;
  private removeCanvasListener: (() => void) | undefined;

  constructor(private readonly options: SceneHostOptions) {}

  /** Builds the scene; resolves when every layer's data is in (not every tile). */
  start(): Promise<void> {
    const { store } = this.options;
    this.unsubscribe.push(
      watch(
        store,
        (s) => s.mode,
        () => this.applyResolution(),
      ),
      watch(
        store,
        (s) => s.tool,
        (tool, previous) => this.switchTool(tool, previous),
      ),
    );
    const onResize = (): void => this.applyResolution();
    window.addEventListener('resize', onResize);
    this.unsubscribe.push(() => window.removeEventListener('resize', onResize));
    return this.build();
  }

  private build(): Promise<void> {
    const generation = ++this.generation;
    const { container, store, config, events, workers, baseUrl, plugins } = this.options;
    const holder = document.createElement('div');
    holder.className = 'scene';
    container.replaceChildren(holder);
    const widget = new CesiumWidget(holder, {
      baseLayer: false,
      requestRenderMode: true,
      maximumRenderTimeChange: Number.POSITIVE_INFINITY,
      showRenderLoopErrors: false,
      skyBox: false,
      skyAtmosphere: false,
      shadows: false,
    });
    this.widget = widget;
    const { scene } = widget;
    scene.globe.baseColor = Color.fromCssColorString('#1c2433');
    scene.globe.showGroundAtmosphere = false;
    scene.backgroundColor = Color.fromCssColorString('#0b1220');
    scene.fog.enabled = false;
    this.applyResolution();

    const onContextLost = (event: Event): void => {
      event.preventDefault();
      this.recover(generation, 'WebGL context lost');
    };
    const canvas = scene.canvas;
    canvas.addEventListener('webglcontextlost', onContextLost);
    // Cesium keeps destroyed contexts (and so their canvases) reachable from shared terrain
    // index buffers: a listener left on the canvas would keep this whole scene alive with them.
    this.removeCanvasListener = () => canvas.removeEventListener('webglcontextlost', onContextLost);
    scene.renderError.addEventListener((_scene: unknown, error: unknown) => {
      console.error('render error', error);
      this.recover(generation, 'render error');
    });
    scene.preRender.addEventListener(() => this.frames.beginFrame(performance.now()));
    scene.postRender.addEventListener(() => {
      this.frames.endFrame(performance.now());
      if (events.listening('view')) events.emit('view', viewOf(widget.camera));
    });
    const firstFrame = new Promise<void>((resolve) => {
      const once = (): void => {
        scene.postRender.removeEventListener(once);
        resolve();
      };
      scene.postRender.addEventListener(once);
    });

    const context: LayerContext = {
      scene,
      store,
      config,
      events,
      workers,
      baseUrl,
      authHeaders: this.options.authHeaders,
      requestRender: () => scene.requestRender(),
      firstFrame,
      layer: (id) => this.layers.find((l) => l.id === id),
      obstacles: createScreenObstacles(),
    };
    this.layers = [];
    for (const definition of config.layers) {
      const plugin = plugins.find((p) => p.kind === definition.kind);
      if (!plugin) {
        console.warn(`layer "${definition.id}": no plugin draws layers of kind "${definition.kind}"`);
        continue;
      }
      const layer = plugin.createLayer(definition, context);
      if (layer) this.layers.push(layer);
    }
    this.tools = this.options.tools.map((tool) => tool.create(context));
    this.tools.find((t) => t.id === store.getState().tool)?.activate();

    this.setCameraNow(widget.camera, store.getState().camera);
    widget.camera.moveEnd.addEventListener(() => {
      store.getState().setCamera(viewOf(widget.camera));
      // Tile requests are held back while the camera moves; with on-demand rendering nothing
      // would ask for the frame that issues them once it stops.
      this.settle();
    });
    this.handler = new ScreenSpaceEventHandler(scene.canvas);
    this.handler.setInputAction((event: { position: Cartesian2 }) => this.click(event.position.x, event.position.y), ScreenSpaceEventType.LEFT_CLICK);
    this.handler.setInputAction(
      (event: { position: Cartesian2 }) => this.toolPointer('double-click', event.position.x, event.position.y),
      ScreenSpaceEventType.LEFT_DOUBLE_CLICK,
    );
    this.handler.setInputAction((event: { endPosition: Cartesian2 }) => this.move(event.endPosition.x, event.endPosition.y), ScreenSpaceEventType.MOUSE_MOVE);
    return Promise.all(this.layers.map((l) => l.ready)).then(() => undefined);
  }

  private click(x: number, y: number): void {
    if (this.toolPointer('click', x, y)) return;
    this.options.onPick(this.pickAt(x, y));
  }

  /** Offers a pointer event to the active tool, with the point and the feature under it (what it snaps to); true when consumed. */
  private toolPointer(kind: ToolPointerEvent['kind'], x: number, y: number): boolean {
    const tool = this.activeTool();
    if (!tool?.onPointer) return false;
    const picked = this.pickAt(x, y);
    const feature = picked && 'select' in picked ? picked.select : undefined;
    return tool.onPointer({ kind, x, y, position: this.positionAt(x, y), ...(feature ? { feature } : {}) });
  }

  /** Moves reach the active tool at most once a frame (a rubber band), without picking features: too slow per move. */
  private move(x: number, y: number): void {
    if (!this.activeTool()?.onPointer) return;
    this.pendingMove = { x, y };
    if (this.moveFrame !== undefined) return;
    this.moveFrame = requestAnimationFrame(() => {
      this.moveFrame = undefined;
      const at = this.pendingMove;
      this.pendingMove = undefined;
      if (at) this.activeTool()?.onPointer?.({ kind: 'move', x: at.x, y: at.y, position: this.positionAt(at.x, at.y) });
    });
  }

  private activeTool(): ToolInstance | undefined {
    const id = this.options.store.getState().tool;
    return id === null ? undefined : this.tools.find((t) => t.id === id);
  }

  private switchTool(tool: string | null, previous: string | null): void {
    this.tools.find((t) => t.id === previous)?.deactivate();
    this.tools.find((t) => t.id === tool)?.activate();
  }

  /** A few frames after the camera stopped, so held-back tile requests are issued. */
  private settle(): void {
    for (const delay of [50, 150, 400]) this.later(() => this.widget?.scene.requestRender(), delay);
  }

  private later(run: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private recover(generation: number, why: string): void {
    if (generation !== this.generation || this.destroyed) return;
    const now = performance.now();
    if (now - this.lastRebuild < MIN_REBUILD_INTERVAL_MS) return;
    this.lastRebuild = now;
    console.warn(`${why}: rebuilding the scene from the store`);
    // Rebuild outside the event that reported the loss; the old context is unusable either way.
    this.later(() => {
      this.teardown();
      void this.build().then(() => {
        this.recoveries++;
        this.options.events.emit('recovered', { count: this.recoveries, seconds: (performance.now() - now) / 1000 });
      });
    }, 0);
  }

  private teardown(): void {
    this.removeCanvasListener?.();
    this.removeCanvasListener = undefined;
    this.handler?.destroy();
    this.handler = undefined;
    if (this.moveFrame !== undefined) cancelAnimationFrame(this.moveFrame);
    this.moveFrame = undefined;
    for (const owner of [...this.tools, ...this.layers]) {
      try {
        owner.destroy();
      } catch (error) {
        console.warn(`destroying ${owner.id} failed`, error);
      }
    }
    this.layers = [];
    this.tools = [];
    const widget = this.widget;
    this.widget = undefined;
    if (!widget) return;
    const canvas = widget.canvas;
    const sharedIndices = terrainIndexArrays(widget);
    const contextId = (widget.scene as unknown as { context: { id: string } }).context.id;
    try {
      widget.destroy();
    } catch (error) {
      console.warn('destroying the scene failed', error);
    }
    // Cesium leaves its WebGL context alive (CesiumJS #11533): lose it, or contexts pile up.
    const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
    // Cesium's terrain index arrays are shared by every scene and keep each scene's index buffer
    // by context id, destroyed buffers included: each would keep its context (and canvas) alive.
    for (const indices of sharedIndices) delete indices.indexBuffers?.[contextId];
  }

  private applyResolution(): void {
    const widget = this.widget;
    if (!widget) return;
    const mode = this.options.store.getState().mode;
    const wall = mode === 'wall';
    // Planner: Cesium's recommended resolution (CSS pixels, cheap). Wall: physical pixels, capped.
    // Cockpit (a small tile among charts): below CSS pixels, the lightest render budget.
    widget.useBrowserRecommendedResolution = !wall;
    if (wall) {
      const gl = (widget.scene as unknown as { context: { _gl?: WebGLRenderingContext } }).context;
      const glLimit = gl._gl
        ? Math.min(...(gl._gl.getParameter(gl._gl.MAX_VIEWPORT_DIMS) as Int32Array), gl._gl.getParameter(gl._gl.MAX_RENDERBUFFER_SIZE) as number)
        : 4096;
      const canvas = widget.canvas;
      widget.resolutionScale = resolutionScaleFor(canvas.clientWidth, canvas.clientHeight, window.devicePixelRatio, Math.min(WALL_MAX_DRAWING_BUFFER, glLimit));
    } else widget.resolutionScale = mode === 'cockpit' ? COCKPIT_RESOLUTION_SCALE : 1;
    widget.scene.requestRender();
  }

  /** What a layer makes of the engine objects at a window position (drilling through ground vectors and labels). */
  pickAt(x: number, y: number): PickOutcome | undefined {
    const scene = this.widget?.scene;
    if (!scene) return undefined;
    const candidates: unknown[] = scene.drillPick(new Cartesian2(x, y), 4);
    for (const candidate of candidates)
      for (const layer of this.layers) {
        const outcome = layer.pick?.(candidate);
        if (outcome) return outcome;
      }
    return undefined;
  }

  /** The point under a window position (a feature or the ground), degrees and metres. */
  positionAt(x: number, y: number): ToolPointerEvent['position'] {
    const scene = this.widget?.scene;
    if (!scene) return undefined;
    const at = new Cartesian2(x, y);
    const cartesian = (scene.pickPositionSupported ? scene.pickPosition(at) : undefined) ?? scene.camera.pickEllipsoid(at);
    if (!cartesian) return undefined;
    const c = Cartographic.fromCartesian(cartesian);
    return { lon: CesiumMath.toDegrees(c.longitude), lat: CesiumMath.toDegrees(c.latitude), height: c.height };
  }

  /** Window coordinates of a point (degrees, metres), or undefined when off screen. */
  toWindow(lon: number, lat: number, height: number): { x: number; y: number } | undefined {
    const scene = this.widget?.scene;
    if (!scene) return undefined;
    const position = SceneTransforms.worldToWindowCoordinates(scene, Cartesian3.fromDegrees(lon, lat, height));
    return position ? { x: position.x, y: position.y } : undefined;
  }

  layer(id: string): LayerInstance | undefined {
    return this.layers.find((l) => l.id === id);
  }

  flyTo(view: CameraView, seconds = 2): Promise<void> {
    const camera = this.widget?.camera;
    if (!camera) return Promise.resolve();
    if (seconds <= 0) {
      // A flight still under way would carry the camera on to its own end after this jump.
      camera.cancelFlight();
      this.setCameraNow(camera, view);
      this.options.store.getState().setCamera(view);
      this.settle();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      camera.flyTo({
        destination: Cartesian3.fromDegrees(view.lon, view.lat, view.height),
        orientation: { heading: CesiumMath.toRadians(view.heading), pitch: CesiumMath.toRadians(view.pitch), roll: 0 },
        duration: seconds,
        complete: () => {
          this.options.store.getState().setCamera(viewOf(camera));
          resolve();
        },
        cancel: () => resolve(),
      });
    });
  }

  /** Resolves once every shown tileset has loaded what the current view needs (after a rendered frame). */
  waitForTiles(timeoutMs = 60_000): Promise<boolean> {
    const started = performance.now();
    let settledFrames = 0;
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.destroyed) return resolve(false);
        const scene = this.widget?.scene;
        if (!scene) return this.later(check, 100);
        const done = (): void => {
          scene.postRender.removeEventListener(done);
          // Loaded in three frames in a row: one frame can report loaded before it issued its requests.
          settledFrames = this.stats().tilesLoaded ? settledFrames + 1 : 0;
          if (settledFrames >= 3) resolve(true);
          else if (performance.now() - started > timeoutMs) resolve(false);
          else this.later(check, 50);
        };
        scene.postRender.addEventListener(done);
        scene.requestRender();
      };
      check();
    });
  }

  stats(): SceneStats {
    let tiles = 0,
      featuresVisible = 0,
      tileErrors = 0,
      tilesLoaded = this.widget !== undefined;
    for (const layer of this.layers) {
      const s = layer.stats?.();
      if (!s) continue;
      tiles += s.tiles;
      featuresVisible += s.features;
      tileErrors += s.tileErrors;
      tilesLoaded &&= s.tilesLoaded;
    }
    const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    return {
      tilesLoaded,
      tiles,
      featuresVisible,
      tileErrors,
      frameTimeMs: this.frames.medianFrameMs(),
      framesPerSecond: this.frames.framesPerSecond(),
      recoveries: this.recoveries,
      heapBytes: memory?.usedJSHeapSize ?? null,
      firstFrameMs: this.frames.firstFrameMs,
    };
  }

  private setCameraNow(camera: Camera, view: CameraView): void {
    camera.setView({
      destination: Cartesian3.fromDegrees(view.lon, view.lat, view.height),
      orientation: { heading: CesiumMath.toRadians(view.heading), pitch: CesiumMath.toRadians(view.pitch), roll: 0 },
    });
  }

  /** Undoes what start() and build() did, in reverse; safe to call twice. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.generation++;
    for (const stop of this.unsubscribe.splice(0)) stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.teardown();
    this.options.container.replaceChildren();
  }
}

/**
 * The terrain index arrays the globe's loaded tiles use (private Cesium structures: the globe's
 * quadtree, each tile's mesh). Read defensively: a Cesium without them gives an empty list.
 */
function terrainIndexArrays(widget: CesiumWidget): { indexBuffers?: Record<string, unknown> }[] {
  type Tile = { data?: { mesh?: { indices?: { indexBuffers?: Record<string, unknown> } } }; _children?: (Tile | undefined)[] };
  const surface = (widget.scene.globe as unknown as { _surface?: { _levelZeroTiles?: Tile[] } })._surface;
  const found = new Set<{ indexBuffers?: Record<string, unknown> }>();
  const stack = [...(surface?._levelZeroTiles ?? [])];
  while (stack.length) {
    const tile = stack.pop()!;
    const indices = tile.data?.mesh?.indices;
    if (indices) found.add(indices);
    for (const child of tile._children ?? []) if (child) stack.push(child);
  }
  return [...found];
}

/** The cockpit tile's drawing buffer against its CSS size (measured in docs/embedding.md). */
const COCKPIT_RESOLUTION_SCALE = 0.75;

function viewOf(camera: Camera): CameraView {
  const position = camera.positionCartographic;
  const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;
  return {
    lon: round(CesiumMath.toDegrees(position.longitude), 6),
    lat: round(CesiumMath.toDegrees(position.latitude), 6),
    height: round(position.height, 1),
    heading: round(CesiumMath.toDegrees(camera.heading), 1) % 360,
    pitch: round(CesiumMath.toDegrees(camera.pitch), 1),
  };
}
