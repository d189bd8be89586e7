import { readTokenOf } from '../../viewer/src/platform/SignInStore.js';
import { PrimitiveCollection } from 'cesium';
import type { LiveFeedConfig, SensorsLayerDefinition } from '../../workers/formats/viewerConfig.js';
import type { LiveStateDocument } from '../../workers/formats/liveState.js';
import { SENSOR_STATE_NAMES, SensorState } from '../../workers/live/alarmStateMachine.js';
import { LatencyHistogram } from '../../workers/live/LatencyHistogram.js';
import { FRESH_OBSERVATION, STATE_MASK, unpackSensorFrame } from '../../workers/live/SensorFrame.js';
import type { SensorFrameMessage } from '../../workers/protocol/WorkerRequests.js';
import type { FeatureDescription, LayerContext, LayerInstance, PickOutcome } from '../../viewer/src/platform/LayerPlugin.js';
import { viewLookingAt } from '../../viewer/src/platform/viewLookingAt.js';
import { watch } from '../../viewer/src/platform/ViewerStore.js';
import { holdSeek } from '../../viewer/src/platform/seekFirst.js';
import { labelPixelSize } from '../labels/labelPixelSize.js';
import { type CellLevel, SensorClusters } from './SensorClusters.js';
import { SensorPoints } from './SensorPoints.js';
import { buildSensorGrid, type SensorGrid } from './sensorGrid.js';
import type { SensorAlarm, SensorsState } from './sensorsState.js';

/** A seek's steps on the page's performance timeline (bench:replay reads them; a few per seek, never per frame). */
function markSeek(step: string): void {
  performance.mark(`seek: ${step}`);
}

/**
 * Live sensors: the worker does the per-message work (MQTT, ordering, thresholds, staleness);
 * this pulls one packed frame of changes per animation frame, touches only changed points
 * (SensorPoints), keeps the level of detail (SensorClusters), raises and clears alarms in the
 * plugin's state, and measures how old readings are when first drawn.
 */
export class SensorsLayer implements LayerInstance {
  readonly id: string;
  readonly ready = Promise.resolve();
  private readonly root = new PrimitiveCollection();
  private readonly points = new SensorPoints();
  private readonly clusters = new SensorClusters();
  private grid: SensorGrid = { cellOf: new Uint32Array(0), cells: [], groupOf: new Uint32Array(0), groups: [] };
  private metadata: LiveStateDocument | undefined;
  private states = new Uint8Array(0);
  private values = new Float64Array(0);
  private readonly alarming = new Set<number>();
  private pulling = false;
  /** The sensor whose every change goes to the state's selected reading (the selected one), by slot. */
  private followed = -1;
  private followedDatastream: number | undefined;
  /** Set by `build`: the next frame applies the levels even if no distance crossed a limit. */
  private levelsStale = false;
  private destroyed = false;
  /** phenomenonTimes of live readings applied but not drawn yet. */
  private undrawn: number[] = [];
  private readonly ageAtRender = new LatencyHistogram();
  private lastSummary = 0;
  /** The worker's generation last applied (see SensorFrameMessage). */
  private generation = 0;
  /** The worker's catalogue the metadata is of (see SensorFrameMessage). */
  private catalogue = -1;
  /** A frame that replaced every sensor (a seek) is applied and not drawn yet. */
  private restartUndrawn = false;
  /** Clock changes followed so far: only the latest one's answer ends the seek's hold. */
  private clockChanges = 0;
  /** Ends this layer's hold on the other plugins' seek work (while a seek's state is on its way or not drawn yet). */
  private releaseSeek: (() => void) | undefined;
  /** Changes applied while a seek was held, not rendered yet (the seek's own frame may have drawn them already). */
  private renderAfterSeek = false;
  private animationFrame = 0;
  private readonly ticker: ReturnType<typeof setInterval>;
  private readonly stops: (() => void)[] = [];
  /**
   * The cockpit tile shows only the sensors in warning or alarm: a leader looks for what is
   * wrong, not at 20,000 dots in a 480×270 tile. Every cell is then drawn as under a group
   * marker (only its raised warnings and alarms stand) and no cluster marker is shown.
   */
  private alarmsOnly = false;
  private readonly levelOf = (c: number): CellLevel => (this.alarmsOnly ? 'group' : this.clusters.levelOf(c));

  constructor(
    definition: SensorsLayerDefinition,
    private readonly context: LayerContext,
    private readonly state: SensorsState,
    feed: LiveFeedConfig,
  ) {
    this.id = definition.id;
    const { scene, store, workers } = context;
    this.root.add(this.points.root);
    this.root.add(this.clusters.points);
    this.root.add(this.clusters.labels);
    scene.primitives.add(this.root);
    // The sign-in's token goes to the worker (never into the store): the server sends its role's sensors; a new sign-in reconnects.
    // A sign-in that changes the data role also remounts the page's viewer: a start then in flight is refused by the
    // stopped worker, which is the end of this layer, not an error.
    const start = (token: string | undefined): void =>
      void workers.request('sensors.start', { ...feed, ...(token ? { token } : {}) }).catch((error: unknown) => {
        if (!this.destroyed) console.error('sensors: the worker did not start', error);
      });
    start(readTokenOf(state.signIn.getState()));
    this.stops.push(watch(state.signIn, readTokenOf, start));
    // The worker follows the viewer's clock (live feed, or the history at a replay's time).
    const followClock = (): void => {
      const clock = store.getState().clock;
      const mine = ++this.clockChanges;
      // Other plugins' seek work waits for this seek's frame (viewer/src/platform/seekFirst.ts); hidden, nothing is shown first.
      if (clock.mode === 'replay' && this.root.show) this.releaseSeek ??= holdSeek(store);
      else this.seekShown();
      markSeek('clock to worker');
      void workers
        .request('sensors.clock', clock)
        .then(async (frame) => {
          markSeek('clock answered');
          // Answered when a seek's state is in the worker, with its frame: applied in this task, drawn in the next frame.
          if (frame) await this.apply(frame);
          // A seek's frame is applied: released when it is drawn (`drawn`); a pause, a new speed or a superseded clock shows nothing new.
          if (mine === this.clockChanges && !(this.restartUndrawn && this.root.show)) this.seekShown();
        })
        .catch(() => mine === this.clockChanges && this.seekShown());
    };
    if (store.getState().clock.mode === 'replay') followClock(); // opened on a replay link
    const onPreRender = (): void => this.beforeRender();
    const onPostRender = (): void => this.drawn();
    scene.preRender.addEventListener(onPreRender);
    scene.postRender.addEventListener(onPostRender);
    // Changes are pulled once per animation frame, not per rendered frame: the scene renders on
    // demand, and what arrives should be on screen in the next frame, not after the next render.
    const pull = (): void => {
      if (this.destroyed) return;
      this.pull();
      this.animationFrame = requestAnimationFrame(pull);
    };
    this.animationFrame = requestAnimationFrame(pull);
    // Pulsing alarms need frames while the camera is still (the scene renders on demand); not while a
    // seek's state is on its way: a frame of the old state then would only delay the new one.
    this.ticker = setInterval(() => this.alarming.size && !this.releaseSeek && context.requestRender(), 250);
    const applyVisibility = (): void => {
      this.root.show = store.getState().layers[this.id]?.visible ?? definition.visible;
      context.requestRender();
    };
    applyVisibility();
    this.applyAlarmsOnly();
    this.follow();
    this.stops.push(
      () => scene.preRender.removeEventListener(onPreRender),
      () => scene.postRender.removeEventListener(onPostRender),
      watch(store, (s) => s.layers[this.id], applyVisibility),
      watch(store, (s) => s.clock, followClock),
      watch(
        store,
        (s) => s.selection,
        () => this.follow(),
      ),
      watch(
        store,
        (s) => s.mode,
        () => {
          this.applyAlarmsOnly();
          this.applyScale();
        },
      ),
      // Map labels keep clear of the cluster markers shown.
      context.obstacles.add(() => (this.root.show && !this.alarmsOnly ? this.clusters.screenBoxes(scene) : [])),
    );
  }

  /** The worker's changes since the last pull (one request in flight: backpressure). */
  private pull(): void {
    if (this.pulling) return;
    this.pulling = true;
    void this.context.workers
      .request('sensors.takeFrame', undefined)
      .then((frame) => this.apply(frame))
      .catch(() => undefined) // the viewer is being destroyed
      .finally(() => (this.pulling = false));
  }

  /** Per rendered frame: levels of detail for the camera; alarms pulse. */
  private beforeRender(): void {
    // A frame drawn while a seek's state is on its way shows the old state and delays the new one (bench:replay counts them).
    if (this.releaseSeek && !this.restartUndrawn) markSeek('frame of the old state');
    const changed = this.clusters.update(this.context.scene.camera.positionWC);
    if (changed || this.levelsStale) {
      this.levelsStale = false;
      this.clusters.showMarkers();
      this.points.showLevels(this.levelOf, this.grid.cellOf);
      this.context.obstacles.changed();
    }
    this.points.pulse(this.alarming, performance.now());
  }

  /** After a frame is drawn: what it showed for the first time is now on screen. */
  private drawn(): void {
    if (this.restartUndrawn) {
      this.restartUndrawn = false;
      markSeek('frame drawn');
      // Released once that frame is surely presented: the animation frame after the next (Chrome may begin the next
      // frame while the GPU process still draws this one, under software GL for 100 ms or more), and after that
      // frame's callbacks (a task, not a microtask), so the other plugins' loads — the server's queries, their
      // restyling — neither compete with the drawing for the CPU nor delay the frame that shows it.
      const changes = this.clockChanges;
      requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => changes === this.clockChanges && this.seekShown(), 0)));
    }
    if (this.undrawn.length === 0) return;
    const now = Date.now();
    for (const time of this.undrawn) this.ageAtRender.add(now - time, now);
    this.undrawn = [];
  }

  private async apply(frame: SensorFrameMessage): Promise<void> {
    if (this.destroyed) return;
    if (!this.metadata || frame.catalogue !== this.catalogue) {
      // First, or other sensors (another sign-in's role): the alarms listed of the old ones go.
      const metadata = await this.context.workers.request('sensors.metadata', undefined);
      if (!metadata || this.destroyed) return;
      if (this.metadata && this.alarming.size > 0) {
        const old = this.metadata;
        this.state.live.getState().changeAlarms(
          [],
          [...this.alarming].map((i) => old.ids[i]!),
        );
        this.alarming.clear();
      }
      this.catalogue = frame.catalogue;
      this.metadata = metadata;
      this.build(metadata);
    }
    const meta = this.metadata;
    const live = this.state.live.getState();
    const changes = unpackSensorFrame(frame.buffer);
    // Every sensor replaced (a seek, back to live): an alarm that holds is raised again with its reading then.
    const restarted = frame.generation !== this.generation;
    this.generation = frame.generation;
    if (restarted) markSeek('frame pulled');
    const raised: SensorAlarm[] = [];
    const cleared: number[] = [];
    for (let k = 0; k < changes.count; k++) {
      const i = changes.index[k]!;
      if (i >= this.states.length) continue;
      const previous = this.states[i]!;
      const next = changes.state[k]! & STATE_MASK;
      if (changes.state[k]! & FRESH_OBSERVATION && this.root.show && this.undrawn.length < 65_536) this.undrawn.push(changes.time[k]!);
      this.states[i] = next;
      if ((previous === SensorState.offline) !== (next === SensorState.offline)) this.clusters.countOffline(i, next === SensorState.offline ? 1 : -1);
      this.values[i] = changes.value[k]!;
      // Only the state is drawn: a new value in the same state touches no vertex buffer.
      if (next !== previous) this.points.style(i, this.levelOf, this.grid.cellOf);
      if (i === this.followed)
        live.setSelectedReading({ datastream: meta.ids[i]!, time: changes.time[k]!, value: changes.value[k]!, state: SENSOR_STATE_NAMES[next] ?? 'normal' });
      if (next === SensorState.alarm && (previous !== SensorState.alarm || restarted)) {
        this.alarming.add(i);
        const type = meta.types[meta.type[i]!]!;
        const alarm = {
          datastream: meta.ids[i]!,
          name: meta.names[i]!,
          typeZh: type.nameZh,
          typeEn: type.nameEn,
          value: changes.value[k]!,
          unit: type.unit,
          time: changes.time[k]!,
          lon: meta.lon[i]!,
          lat: meta.lat[i]!,
        };
        raised.push(alarm);
        // A replayed alarm is history, not news: nothing that acts on alarms hears it.
        if (!frame.replay && previous !== SensorState.alarm)
          this.context.events.emit('alarm', { ...alarm, type: alarm.typeEn, time: new Date(alarm.time).toISOString() });
      } else if (previous === SensorState.alarm && next !== SensorState.alarm) {
        this.alarming.delete(i);
        cleared.push(meta.ids[i]!);
      }
    }
    if (restarted) markSeek('points styled');
    if (raised.length || cleared.length) live.changeAlarms(raised, cleared);
    if (restarted) {
      markSeek('frame applied');
      this.restartUndrawn = true;
    }
    // New readings are drawn at once (and their age at render measured); a hidden layer asks for nothing. While a
    // seek's state is on its way, changes of the old state (the live feed's last messages) wait for the seek's frame:
    // a frame of them would only delay it (under software GL 100 ms and more each).
    if (changes.count && this.root.show) {
      if (restarted || !this.releaseSeek) this.context.requestRender();
      else this.renderAfterSeek = true;
    }
    const now = performance.now();
    // The replay's time goes out when it moves by a replayed second, or starts or stops loading.
    const replay = frame.replay ?? null;
    const shown = live.replay;
    if (
      (replay === null) !== (shown === null) ||
      (replay && shown && (replay.loading !== shown.loading || Math.floor(replay.time / 1000) !== Math.floor(shown.time / 1000)))
    )
      live.setReplay(replay);
    // The summary (connection, rate) goes out once a second; alarms go out as they happen.
    if (now - this.lastSummary > 1000) {
      this.lastSummary = now;
      const ageAtRenderMs = this.ageAtRender.summary(Date.now());
      live.setSummary({
        connection: frame.connection.state,
        since: frame.connection.since,
        sensors: meta.count,
        messagesPerSecond: frame.messagesPerSecond,
        ageAtRenderMs: ageAtRenderMs ?? null,
        drawn: this.alarmsOnly ? { points: this.points.raisedCount(), clusters: 0 } : this.clusters.drawnCounts(),
      });
    }
  }

  private build(meta: LiveStateDocument): void {
    this.state.catalogue = meta;
    this.states = new Uint8Array(meta.count);
    this.values = new Float64Array(meta.count).fill(Number.NaN);
    this.grid = buildSensorGrid(meta.lon, meta.lat, meta.count);
    this.points.build(meta, this.grid, this.states);
    this.clusters.build(this.grid);
    this.applyScale();
    this.levelsStale = true;
    this.follow(); // selected before the catalogue arrived
  }

  private applyAlarmsOnly(): void {
    this.alarmsOnly = this.context.store.getState().mode === 'cockpit';
    this.clusters.points.show = this.clusters.labels.show = !this.alarmsOnly;
    this.levelsStale = true;
    this.context.requestRender();
  }

  /** Wall symbols grow with the screen, as the map labels do. */
  private applyScale(): void {
    const canvas = this.context.scene.canvas;
    const scale = labelPixelSize(this.context.store.getState().mode, canvas.clientWidth, canvas.clientHeight) / 14;
    this.points.setScale(scale, this.levelOf, this.grid.cellOf);
    this.clusters.setScale(scale);
    this.context.requestRender();
  }

  /** Follows the selected sensor's changes (the info panel and its chart show them live). */
  private follow(): void {
    const selection = this.context.store.getState().selection;
    const datastream = selection?.tileset === this.id ? Number(selection.id) : undefined;
    this.followedDatastream = datastream;
    this.followed = datastream === undefined ? -1 : (this.metadata?.ids.indexOf(datastream) ?? -1);
    const live = this.state.live.getState();
    if (live.selectedReading?.datastream !== datastream) live.setSelectedReading(null);
  }

  pick(picked: unknown): PickOutcome | undefined {
    const cluster = this.clusters.clusterOf(picked);
    if (cluster) return { flyTo: viewLookingAt(cluster.lon, cluster.lat, 0, cluster.range, -50) };
    const id = (picked as { id?: { layer?: string; datastream?: number } } | undefined)?.id;
    if (id?.layer !== 'sensors' || id.datastream === undefined) return undefined;
    return { select: { tileset: this.id, id: String(id.datastream) }, properties: this.propertiesOf(id.datastream) ?? {} };
  }

  describe(featureId: string): Promise<FeatureDescription | null> {
    const properties = this.propertiesOf(Number(featureId));
    return Promise.resolve(properties ? { properties, nameField: 'name' } : null);
  }

  private propertiesOf(datastream: number): FeatureDescription['properties'] | undefined {
    const meta = this.metadata;
    const i = meta?.ids.indexOf(datastream) ?? -1;
    if (!meta || i < 0) return undefined;
    const type = meta.types[meta.type[i]!]!;
    const value = this.values[i]!;
    return {
      id: String(datastream),
      name: meta.names[i]!,
      sensorType: type.id,
      value: Number.isFinite(value) ? value : null,
      unit: type.unit,
      state: SENSOR_STATE_NAMES[this.states[i]!]!,
      warning: type.thresholds.warning,
      alarm: type.thresholds.alarm,
      lon: meta.lon[i]!,
      lat: meta.lat[i]!,
    };
  }

  /** The seek is on screen (or shows nothing new): the other plugins' seek work goes ahead. */
  private seekShown(): void {
    this.releaseSeek?.();
    this.releaseSeek = undefined;
    if (this.renderAfterSeek && !this.destroyed) this.context.requestRender();
    this.renderAfterSeek = false;
  }

  destroy(): void {
    this.destroyed = true;
    this.seekShown();
    clearInterval(this.ticker);
    cancelAnimationFrame(this.animationFrame);
    for (const stop of this.stops.splice(0)) stop();
    this.context.scene.primitives.remove(this.root);
    // The worker (and its MQTT connection) stops with the scene; a rebuilt scene starts a new one.
    this.context.workers.stop('sensors');
  }
}
