import {
  Cartesian2,
  Cartesian3,
  Cesium3DTileFeature,
  CesiumWidget,
  Color,
  Math as CesiumMath,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  SceneTransforms,
  type Camera,
} from 'cesium';
import type { FeatureProperties, ViewerEvents } from '../api/ViewerEvents.js';
import type { ViewerConfig } from '../config/ViewerConfig.js';
import { watch, type ViewerStore } from '../state/createViewerStore.js';
import { LAYER_CATALOG } from '../state/layerCatalog.js';
import type { CameraView, FeatureRef } from '../state/ViewerState.js';
import { viewLookingAt } from '../state/viewLookingAt.js';
import { ADAPTER_FACTORIES } from './adapterFactories.js';
import type { AdapterContext, LayerAdapter } from './LayerAdapter.js';
import { resolutionScaleFor } from './resolutionScaleFor.js';
import { featureProperties, TilesetAdapter } from './TilesetAdapter.js';
import { SensorsAdapter } from './SensorsAdapter.js';
import { UndergroundAdapter } from './UndergroundAdapter.js';

/** Largest drawing buffer side we ask for on a wall (WebGL may allow more; filling it would not keep up). */
const WALL_MAX_DRAWING_BUFFER = 8192;
/** Two context losses closer than this are handled once (a lost context often fires twice). */
const MIN_REBUILD_INTERVAL_MS = 2000;

export interface ViewerStats {
  tilesLoaded: boolean;
  tiles: number;
  featuresVisible: number;
  tileErrors: number;
  /** Median CPU time of the last 120 rendered frames (ms). */
  frameTimeMs: number;
  /** Frames rendered in the last second (the scene renders on demand: 0 when nothing moves). */
  framesPerSecond: number;
  recoveries: number;
  heapBytes: number | null;
  /** When the first frame was drawn, ms since navigation start (performance.now()). */
  firstFrameMs: number | null;
}

/**
 * Owns the Cesium widget and the renderer adapters, follows the store, and survives WebGL
 * context loss by rebuilding everything from the store (the state is not in the engine).
 */
export class SceneHost {
  private widget: CesiumWidget | undefined;
  private adapters: LayerAdapter[] = [];
  private underground: UndergroundAdapter | undefined;
  private handler: ScreenSpaceEventHandler | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly frameTimes = new Float64Array(120);
  private frameCount = 0;
  private readonly frameStamps: number[] = [];
  private recoveries = 0;
  private lastRebuild = 0;
  private generation = 0;
  private firstFrameMs: number | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly store: ViewerStore,
    private readonly config: ViewerConfig,
    private readonly events: ViewerEvents,
  ) {}

  /** Builds the scene; resolves when every layer's data is in (not every tile). */
  start(): Promise<void> {
    this.unsubscribe.push(
      watch(
        this.store,
        (s) => s.mode,
        () => this.applyResolution(),
      ),
      watch(
        this.store,
        (s) => s.selection,
        (selection) => void this.describeSelection(selection),
      ),
    );
    const onResize = (): void => this.applyResolution();
    window.addEventListener('resize', onResize);
    this.unsubscribe.push(() => window.removeEventListener('resize', onResize));
    return this.build();
  }

  private build(): Promise<void> {
    const generation = ++this.generation;
    const holder = document.createElement('div');
    holder.className = 'scene';
    this.container.replaceChildren(holder);
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

    const canvas = scene.canvas;
    canvas.addEventListener('webglcontextlost', (event) => {
      event.preventDefault();
      this.recover(generation, 'WebGL context lost');
    });
    scene.renderError.addEventListener((_scene: unknown, error: unknown) => {
      console.error('render error', error);
      this.recover(generation, 'render error');
    });
    let frameStart = 0;
    scene.preRender.addEventListener(() => (frameStart = performance.now()));
    scene.postRender.addEventListener(() => {
      const now = performance.now();
      this.firstFrameMs ??= now;
      this.frameTimes[this.frameCount++ % this.frameTimes.length] = now - frameStart;
      this.frameStamps.push(now);
      while (this.frameStamps.length && this.frameStamps[0]! < now - 1000) this.frameStamps.shift();
    });

    const firstFrame = new Promise<void>((resolve) => {
      const once = (): void => {
        scene.postRender.removeEventListener(once);
        resolve();
      };
      scene.postRender.addEventListener(once);
    });
    const context: AdapterContext = {
      scene,
      store: this.store,
      config: this.config,
      events: this.events,
      requestRender: () => scene.requestRender(),
      firstFrame,
    };
    this.adapters = [];
    for (const definition of LAYER_CATALOG) {
      const adapter = ADAPTER_FACTORIES[definition.kind]?.(definition, context);
      if (adapter) this.adapters.push(adapter);
    }
    this.underground = new UndergroundAdapter(context);
    this.setCameraNow(widget.camera, this.store.getState().camera);
    widget.camera.moveEnd.addEventListener(() => {
      this.store.getState().setCamera(viewOf(widget.camera));
      // Tile requests are held back while the camera moves; with on-demand rendering nothing
      // would ask for the frame that issues them once it stops.
      this.settle(scene);
    });

    this.handler = new ScreenSpaceEventHandler(canvas);
    this.handler.setInputAction((event: { position: Cartesian2 }) => {
      // A cluster of sensors: come closer, where its sensors show one by one.
      const cluster = this.sensorsAdapter()?.layer.clusterOf(scene.pick(event.position));
      if (cluster) return void this.flyTo(viewLookingAt(cluster.lon, cluster.lat, 0, cluster.range, -50), 1.5);
      const picked = this.pickAt(event.position.x, event.position.y);
      this.store.getState().select(picked?.feature ?? null);
    }, ScreenSpaceEventType.LEFT_CLICK);
    return Promise.all(this.adapters.map((a) => a.ready)).then(() => undefined);
  }

  /** A few frames after the camera stopped, so held-back tile requests are issued. */
  private settle(scene: { requestRender(): void }): void {
    for (const delay of [50, 150, 400]) setTimeout(() => scene.requestRender(), delay);
  }

  private recover(generation: number, why: string): void {
    if (generation !== this.generation) return;
    const now = performance.now();
    if (now - this.lastRebuild < MIN_REBUILD_INTERVAL_MS) return;
    this.lastRebuild = now;
    console.warn(`${why}: rebuilding the scene from the store`);
    const started = now;
    // Rebuild outside the event that reported the loss; the old context is unusable either way.
    setTimeout(() => {
      this.teardown();
      void this.build().then(() => {
        this.recoveries++;
        this.events.emit('recovered', { count: this.recoveries, seconds: (performance.now() - started) / 1000 });
        void this.describeSelection(this.store.getState().selection);
      });
    }, 0);
  }

  private teardown(): void {
    this.handler?.destroy();
    this.handler = undefined;
    for (const adapter of this.adapters) {
      try {
        adapter.destroy();
      } catch (error) {
        console.warn(`destroying layer ${adapter.id} failed`, error);
      }
    }
    this.adapters = [];
    try {
      this.underground?.destroy();
      this.widget?.destroy();
    } catch (error) {
      console.warn('destroying the lost scene failed', error);
    }
    this.underground = undefined;
    this.widget = undefined;
  }

  private applyResolution(): void {
    const widget = this.widget;
    if (!widget) return;
    const wall = this.store.getState().mode === 'wall';
    // Planner: Cesium's recommended resolution (CSS pixels, cheap). Wall: physical pixels, capped.
    widget.useBrowserRecommendedResolution = !wall;
    if (wall) {
      const gl = (widget.scene as unknown as { context: { _gl?: WebGLRenderingContext } }).context;
      const glLimit = gl._gl
        ? Math.min(...(gl._gl.getParameter(gl._gl.MAX_VIEWPORT_DIMS) as Int32Array), gl._gl.getParameter(gl._gl.MAX_RENDERBUFFER_SIZE) as number)
        : 4096;
      const canvas = widget.canvas;
      widget.resolutionScale = resolutionScaleFor(canvas.clientWidth, canvas.clientHeight, window.devicePixelRatio, Math.min(WALL_MAX_DRAWING_BUFFER, glLimit));
    } else widget.resolutionScale = 1;
    widget.scene.requestRender();
  }

  /** The feature drawn at a window position, if it belongs to one of our tilesets. */
  pickAt(x: number, y: number): { feature: FeatureRef; properties: FeatureProperties } | undefined {
    const scene = this.widget?.scene;
    if (!scene) return undefined;
    // Drill through the ground vectors (roads over a pipe in underground mode, labels) to the first feature or sensor.
    const candidates: unknown[] = scene.drillPick(new Cartesian2(x, y), 4);
    const sensors = this.sensorsAdapter();
    for (const candidate of candidates) {
      const datastream = sensors?.layer.datastreamOf(candidate);
      if (datastream !== undefined) return { feature: { tileset: 'sensors', id: String(datastream) }, properties: sensors!.layer.describe(datastream) ?? {} };
    }
    const picked = candidates.find((candidate) => candidate instanceof Cesium3DTileFeature);
    if (!(picked instanceof Cesium3DTileFeature)) return undefined;
    const adapter = this.tilesetAdapters().find((a) => a.owns(picked));
    const properties = featureProperties(picked);
    if (!adapter || typeof properties['id'] !== 'string') return undefined;
    return { feature: { tileset: adapter.tilesetName, id: properties['id'] }, properties };
  }

  /** Window coordinates of a point (degrees, metres), or undefined when off screen. */
  toWindow(lon: number, lat: number, height: number): { x: number; y: number } | undefined {
    const scene = this.widget?.scene;
    if (!scene) return undefined;
    const position = SceneTransforms.worldToWindowCoordinates(scene, Cartesian3.fromDegrees(lon, lat, height));
    return position ? { x: position.x, y: position.y } : undefined;
  }

  flyTo(view: CameraView, seconds = 2): Promise<void> {
    const camera = this.widget?.camera;
    if (!camera) return Promise.resolve();
    if (seconds <= 0) {
      this.setCameraNow(camera, view);
      this.store.getState().setCamera(view);
      if (this.widget) this.settle(this.widget.scene);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      camera.flyTo({
        destination: Cartesian3.fromDegrees(view.lon, view.lat, view.height),
        orientation: { heading: CesiumMath.toRadians(view.heading), pitch: CesiumMath.toRadians(view.pitch), roll: 0 },
        duration: seconds,
        complete: () => {
          this.store.getState().setCamera(viewOf(camera));
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
        const scene = this.widget?.scene;
        if (!scene) return void setTimeout(check, 100);
        const done = (): void => {
          scene.postRender.removeEventListener(done);
          // Loaded in three frames in a row: one frame can report loaded before it issued its requests.
          settledFrames = this.stats().tilesLoaded ? settledFrames + 1 : 0;
          if (settledFrames >= 3) resolve(true);
          else if (performance.now() - started > timeoutMs) resolve(false);
          else setTimeout(check, 50);
        };
        scene.postRender.addEventListener(done);
        scene.requestRender();
      };
      check();
    });
  }

  /** Finds the selected feature among loaded tiles and announces it with its properties. */
  private async describeSelection(selection: FeatureRef | null): Promise<void> {
    if (!selection) {
      this.events.emit('select', { feature: null, properties: null, sourceNames: {} });
      return;
    }
    if (selection.tileset === 'sensors') {
      const properties = this.sensorsAdapter()?.layer.describe(Number(selection.id)) ?? null;
      this.events.emit('select', { feature: selection, properties, sourceNames: {} });
      return;
    }
    const adapter = this.tilesetAdapters().find((a) => a.tilesetName === selection.tileset);
    const feature = adapter?.findFeature(selection.id);
    const properties = feature ? featureProperties(feature) : null;
    const sourceNames = adapter ? await adapter.propertyNames() : {};
    if (this.store.getState().selection !== selection) return; // superseded meanwhile
    this.events.emit('select', { feature: selection, properties, sourceNames });
  }

  /** Re-announces the selection (after its tile loaded). */
  refreshSelection(): Promise<void> {
    return this.describeSelection(this.store.getState().selection);
  }

  stats(): ViewerStats {
    let tiles = 0,
      featuresVisible = 0,
      tileErrors = 0,
      tilesLoaded = this.widget !== undefined;
    for (const adapter of this.adapters) {
      const s = adapter.stats?.();
      if (!s) continue;
      tiles += s.tiles;
      featuresVisible += s.features;
      tileErrors += s.tileErrors;
      tilesLoaded &&= s.tilesLoaded;
    }
    const recorded = Math.min(this.frameCount, this.frameTimes.length);
    const sorted = Array.from(this.frameTimes.subarray(0, recorded)).sort((a, b) => a - b);
    const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    return {
      tilesLoaded,
      tiles,
      featuresVisible,
      tileErrors,
      frameTimeMs: recorded ? Math.round(sorted[Math.floor(recorded / 2)]! * 100) / 100 : 0,
      framesPerSecond: this.frameStamps.length,
      recoveries: this.recoveries,
      heapBytes: memory?.usedJSHeapSize ?? null,
      firstFrameMs: this.firstFrameMs,
    };
  }

  private sensorsAdapter(): SensorsAdapter | undefined {
    return this.adapters.find((a): a is SensorsAdapter => a instanceof SensorsAdapter);
  }

  private tilesetAdapters(): TilesetAdapter[] {
    return this.adapters.filter((a): a is TilesetAdapter => a instanceof TilesetAdapter);
  }

  private setCameraNow(camera: Camera, view: CameraView): void {
    camera.setView({
      destination: Cartesian3.fromDegrees(view.lon, view.lat, view.height),
      orientation: { heading: CesiumMath.toRadians(view.heading), pitch: CesiumMath.toRadians(view.pitch), roll: 0 },
    });
  }

  destroy(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
    this.teardown();
  }
}

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
