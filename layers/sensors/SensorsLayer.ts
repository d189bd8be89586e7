import {
  BlendOption,
  Cartesian3,
  Color,
  HorizontalOrigin,
  type Label,
  LabelCollection,
  LabelStyle,
  NearFarScalar,
  PointPrimitiveCollection,
  PrimitiveCollection,
  type PointPrimitive,
  type Scene,
  VerticalOrigin,
} from 'cesium';
import { wrap, type Remote } from 'comlink';
import { SENSOR_STATE_NAMES, SensorState } from '../../workers/live/alarmStateMachine.js';
import { LatencyHistogram, type LatencySummary } from '../../workers/live/LatencyHistogram.js';
import { FRESH_OBSERVATION, STATE_MASK, unpackSensorFrame } from '../../workers/live/SensorFrame.js';
import type { LiveConnectionState, LiveFeed, LiveStateDocument } from './LiveSensorSource.js';
import { buildSensorGrid, chooseDetailedCells, type SensorCell, type SensorGrid } from './sensorGrid.js';
import type { SensorsWorkerApi } from './sensorsWorker.js';

/** An alarm as the alarm list shows it (plain data). */
export interface SensorAlarm {
  datastream: number;
  name: string;
  typeZh: string;
  typeEn: string;
  value: number;
  unit: string;
  /** phenomenonTime of the reading that raised it, ms. */
  time: number;
  lon: number;
  lat: number;
}

export interface SensorsSummary {
  state: LiveConnectionState;
  since: number;
  sensors: number;
  alarms: number;
  messagesPerSecond: number;
  /** Age of live readings when the frame that shows them is drawn (phenomenonTime → drawn), last 30–60 s. */
  ageAtRenderMs: LatencySummary | undefined;
  /** What the level of detail draws now: sensors as points, and cluster markers. */
  drawn: { points: number; clusters: number };
}

export interface SensorsLayerContext {
  scene: Scene;
  requestRender(): void;
  feed: LiveFeed;
  onAlarm(alarm: SensorAlarm): void;
  onAlarmCleared(datastream: number): void;
  onSummary(summary: SensorsSummary): void;
  /** Each change of the followed sensor (see `follow`). */
  onFollowedReading(datastream: number, time: number, value: number, state: number): void;
}

/** Colours by state (normal uses the type's colour), parsed once: style() runs for every changed sensor. */
const STATE_COLORS = [undefined, Color.fromCssColorString('#ffb000'), Color.fromCssColorString('#ff1744'), Color.fromCssColorString('#6b7280')];
const OUTLINE = Color.fromCssColorString('#0b1220');
/** Small far away so 20k sensors read as a density at district zoom; warnings and alarms keep their size. */
const DISTANCE_SCALE = new NearFarScalar(300, 1.6, 8000, 0.45);
const SENSOR_HEIGHT = 3;
/** Cells nearer the camera than this show their sensors one by one; farther ones a cluster marker… */
const DETAIL_WITHIN_METRES = 2500;
/** …and groups of cells farther than this one marker for the group. */
const GROUP_BEYOND_METRES = 7000;
const CLUSTER_COLOR = Color.fromCssColorString('#2aa7d4').withAlpha(0.9);
const CLUSTER_OFFLINE_COLOR = Color.fromCssColorString('#6b7280').withAlpha(0.9);
/** Every point colour is opaque: one render pass instead of Cesium's default opaque + translucent two. */
const opaquePoints = (): PointPrimitiveCollection => new PointPrimitiveCollection({ blendOption: BlendOption.OPAQUE });

/**
 * Live sensors as point primitives (no entities): colour by type, warning and alarm by colour
 * and size, offline greyed; alarms pulse. The district is cut into ~500 m cells (sensorGrid),
 * each its own collection so the renderer culls cells out of view; cells near the camera show
 * their sensors, far ones one cluster marker with a count — while warnings and alarms always
 * show individually on top. The worker does the per-message work; this pulls one packed frame
 * of changes per animation frame and touches only changed points.
 */
export class SensorsLayer {
  private readonly worker: Worker;
  private readonly remote: Remote<SensorsWorkerApi>;
  private readonly root = new PrimitiveCollection();
  /** Per cell: its sensors, drawn when the cell is near. */
  private cells: PointPrimitiveCollection[] = [];
  // Translucent like their count labels: an opaque disc drawn in front of everything (no depth
  // test) would write the depth that hides its own label. A few hundred markers at most.
  private readonly clusters = new PointPrimitiveCollection({ blendOption: BlendOption.TRANSLUCENT });
  private readonly clusterLabels = new LabelCollection();
  private clusterMarkers: { point: PointPrimitive; label: Label }[] = [];
  private groupMarkers: { point: PointPrimitive; label: Label }[] = [];
  /** Warnings and alarms, drawn over clustered cells. */
  private readonly raisedPoints = opaquePoints();
  private readonly raised = new Map<number, PointPrimitive>();
  private grid: SensorGrid = { cellOf: new Uint32Array(0), cells: [], groupOf: new Uint32Array(0), groups: [] };
  private cellCentres = new Float64Array(0);
  private groupCentres = new Float64Array(0);
  /** Per cell: near enough to show its sensors. Per group: near enough to show its cells. */
  private detailed = new Uint8Array(0);
  private groupNear = new Uint8Array(0);
  /** Set by `build`: the next frame applies the levels even if no distance crossed a limit. */
  private levelsStale = false;
  private offlineInGroup = new Uint32Array(0);
  private offlineInCell = new Uint32Array(0);
  private primitives: PointPrimitive[] = [];
  private metadata: LiveStateDocument | undefined;
  private typeColors: Color[] = [];
  private states = new Uint8Array(0);
  private values = new Float64Array(0);
  private readonly alarming = new Set<number>();
  private pulling = false;
  /** The sensor whose every change goes to `onFollowedReading` (the selected one), by slot. */
  private followed = -1;
  private followedDatastream: number | undefined;
  private destroyed = false;
  private readonly onPreRender: () => void;
  private readonly onPostRender: () => void;
  /** phenomenonTimes of live readings applied but not drawn yet. */
  private undrawn: number[] = [];
  private readonly ageAtRender = new LatencyHistogram();
  private summary: SensorsSummary = {
    state: 'connecting',
    since: Date.now(),
    sensors: 0,
    alarms: 0,
    messagesPerSecond: 0,
    ageAtRenderMs: undefined,
    drawn: { points: 0, clusters: 0 },
  };
  private lastSummary = 0;

  constructor(private readonly context: SensorsLayerContext) {
    this.worker = new Worker(new URL('./sensorsWorker.ts', import.meta.url), { type: 'module', name: 'sensors' });
    this.remote = wrap<SensorsWorkerApi>(this.worker);
    void this.remote.start(context.feed);
    this.root.add(this.clusters);
    this.root.add(this.clusterLabels);
    this.root.add(this.raisedPoints);
    context.scene.primitives.add(this.root);
    this.onPreRender = () => this.beforeRender();
    context.scene.preRender.addEventListener(this.onPreRender);
    // Changes are pulled once per animation frame, not per rendered frame: the scene renders on
    // demand, and what arrives should be on screen in the next frame, not after the next render.
    const pull = (): void => {
      if (this.destroyed) return;
      this.pull();
      this.animationFrame = requestAnimationFrame(pull);
    };
    this.animationFrame = requestAnimationFrame(pull);
    this.onPostRender = () => this.drawn();
    context.scene.postRender.addEventListener(this.onPostRender);
    // Pulsing alarms need frames while the camera is still (the scene renders on demand).
    this.ticker = setInterval(() => this.alarming.size && context.requestRender(), 250);
  }

  private readonly ticker: ReturnType<typeof setInterval>;
  private animationFrame = 0;

  get show(): boolean {
    return this.root.show;
  }

  set show(on: boolean) {
    this.root.show = on;
    this.context.requestRender();
  }

  /** The worker's changes since the last pull (one request in flight: backpressure). */
  private pull(): void {
    if (this.pulling) return;
    this.pulling = true;
    void this.remote
      .takeFrame()
      .then((frame) => this.apply(frame))
      .finally(() => (this.pulling = false));
  }

  /** Per rendered frame: cells near the camera detailed, far ones clustered; alarms pulse. */
  private beforeRender(): void {
    const camera = this.context.scene.camera.positionWC;
    const groupsChanged = chooseDetailedCells(this.groupCentres, camera, GROUP_BEYOND_METRES, this.groupNear);
    const cellsChanged = chooseDetailedCells(this.cellCentres, camera, DETAIL_WITHIN_METRES, this.detailed);
    if (groupsChanged || cellsChanged || this.levelsStale) {
      this.levelsStale = false;
      this.groupNear.forEach((near, g) => {
        this.groupMarkers[g]!.point.show = near === 0;
        this.groupMarkers[g]!.label.show = near === 0;
      });
      this.detailed.forEach((_, c) => {
        const level = this.levelOf(c);
        this.cells[c]!.show = level === 'sensors';
        this.clusterMarkers[c]!.point.show = level === 'cell';
        this.clusterMarkers[c]!.label.show = level === 'cell';
      });
      for (const [i, point] of this.raised) point.show = this.levelOf(this.grid.cellOf[i]!) !== 'sensors';
    }
    const pulse = 10 + 6 * Math.abs(Math.sin(performance.now() / 300));
    for (const i of this.alarming) {
      const point = this.primitives[i];
      if (point) point.pixelSize = pulse;
      const copy = this.raised.get(i);
      if (copy) copy.pixelSize = pulse;
    }
  }

  /** After a frame is drawn: what it showed for the first time is now on screen. */
  private drawn(): void {
    if (this.undrawn.length === 0) return;
    const now = Date.now();
    for (const time of this.undrawn) this.ageAtRender.add(now - time, now);
    this.undrawn = [];
  }

  private async apply(frame: Awaited<ReturnType<Remote<SensorsWorkerApi>['takeFrame']>>): Promise<void> {
    if (this.destroyed) return;
    if (!this.metadata) {
      this.metadata = await this.remote.metadata();
      if (!this.metadata) return;
      this.build(this.metadata);
      this.follow(this.followedDatastream); // selected before the catalogue arrived
    }
    const meta = this.metadata;
    const changes = unpackSensorFrame(frame.buffer);
    for (let k = 0; k < changes.count; k++) {
      const i = changes.index[k]!;
      if (i >= this.states.length) continue;
      const previous = this.states[i]!;
      const next = changes.state[k]! & STATE_MASK;
      if (changes.state[k]! & FRESH_OBSERVATION && this.root.show && this.undrawn.length < 65_536) this.undrawn.push(changes.time[k]!);
      this.states[i] = next;
      if ((previous === SensorState.offline) !== (next === SensorState.offline)) this.countOffline(i, next === SensorState.offline ? 1 : -1);
      this.values[i] = changes.value[k]!;
      // Only the state is drawn: a new value in the same state touches no vertex buffer.
      if (next !== previous) this.style(i);
      if (i === this.followed) this.context.onFollowedReading(meta.ids[i]!, changes.time[k]!, changes.value[k]!, next);
      if (next === SensorState.alarm && previous !== SensorState.alarm) {
        this.alarming.add(i);
        const type = meta.types[meta.type[i]!]!;
        this.context.onAlarm({
          datastream: meta.ids[i]!,
          name: meta.names[i]!,
          typeZh: type.nameZh,
          typeEn: type.nameEn,
          value: changes.value[k]!,
          unit: type.unit,
          time: changes.time[k]!,
          lon: meta.lon[i]!,
          lat: meta.lat[i]!,
        });
      } else if (previous === SensorState.alarm && next !== SensorState.alarm) {
        this.alarming.delete(i);
        this.context.onAlarmCleared(meta.ids[i]!);
      }
    }
    // New readings are drawn at once (and their age at render measured); a hidden layer asks for nothing.
    if (changes.count && this.root.show) this.context.requestRender();
    this.summary = {
      state: frame.connection.state,
      since: frame.connection.since,
      sensors: meta.count,
      alarms: this.alarming.size,
      messagesPerSecond: frame.messagesPerSecond,
      ageAtRenderMs: this.summary.ageAtRenderMs,
      drawn: this.drawnCounts(),
    };
    const now = performance.now();
    // The summary (connection, rate) goes out once a second; alarms go out as they happen.
    if (now - this.lastSummary > 1000) {
      this.lastSummary = now;
      this.summary.ageAtRenderMs = this.ageAtRender.summary(Date.now());
      this.context.onSummary(this.summary);
    }
  }

  private build(meta: LiveStateDocument): void {
    for (const cell of this.cells) this.root.remove(cell);
    this.clusters.removeAll();
    this.clusterLabels.removeAll();
    this.raisedPoints.removeAll();
    this.raised.clear();
    this.states = new Uint8Array(meta.count);
    this.values = new Float64Array(meta.count).fill(Number.NaN);
    this.typeColors = meta.types.map((type) => Color.fromCssColorString(type.color));
    this.grid = buildSensorGrid(meta.lon, meta.lat, meta.count);
    const cellCount = this.grid.cells.length;
    this.cells = this.grid.cells.map(() => this.root.add(opaquePoints()) as PointPrimitiveCollection);
    this.cellCentres = new Float64Array(cellCount * 3);
    this.detailed = new Uint8Array(cellCount);
    this.offlineInCell = new Uint32Array(cellCount);
    this.primitives = meta.ids.map((id, i) =>
      this.cells[this.grid.cellOf[i]!]!.add({
        id: { layer: 'sensors', datastream: id },
        position: Cartesian3.fromDegrees(meta.lon[i]!, meta.lat[i]!, SENSOR_HEIGHT),
        pixelSize: 6,
        color: this.typeColors[meta.type[i]!],
        outlineColor: OUTLINE,
        outlineWidth: 1,
        scaleByDistance: DISTANCE_SCALE,
        disableDepthTestDistance: 2000,
      }),
    );
    this.cells.forEach((cell) => (cell.show = false));
    this.levelsStale = true;
    this.clusterMarkers = this.grid.cells.map((cell, c) => this.addClusterMarker(cell, { layer: 'sensors-cluster', cell: c }, this.cellCentres, c, 10));
    this.groupCentres = new Float64Array(this.grid.groups.length * 3);
    this.groupNear = new Uint8Array(this.grid.groups.length);
    this.offlineInGroup = new Uint32Array(this.grid.groups.length);
    this.groupMarkers = this.grid.groups.map((group, g) => this.addClusterMarker(group, { layer: 'sensors-cluster', group: g }, this.groupCentres, g, 14));
  }

  /** A cluster marker: a disc sized by the count, with the count on it (a number only: nothing from the data). */
  private addClusterMarker(cluster: SensorCell, id: object, centres: Float64Array, slot: number, baseSize: number): { point: PointPrimitive; label: Label } {
    const position = Cartesian3.fromDegrees(cluster.lon, cluster.lat, SENSOR_HEIGHT + 30);
    centres.set([position.x, position.y, position.z], slot * 3);
    return {
      point: this.clusters.add({
        id,
        position,
        pixelSize: Math.min(baseSize + 22, baseSize + 2.5 * Math.log2(cluster.members.length)),
        color: CLUSTER_COLOR,
        outlineColor: OUTLINE,
        outlineWidth: 1.5,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
        show: false,
      }),
      label: this.clusterLabels.add({
        id,
        position,
        text: String(cluster.members.length),
        font: '600 12px sans-serif',
        fillColor: Color.WHITE,
        outlineColor: OUTLINE,
        outlineWidth: 3,
        style: LabelStyle.FILL_AND_OUTLINE,
        horizontalOrigin: HorizontalOrigin.CENTER,
        verticalOrigin: VerticalOrigin.CENTER,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
        show: false,
      }),
    };
  }

  private drawnCounts(): { points: number; clusters: number } {
    let points = 0;
    let clusters = 0;
    this.grid.cells.forEach((cell, c) => {
      const level = this.levelOf(c);
      if (level === 'sensors') points += cell.members.length;
      else if (level === 'cell') clusters++;
    });
    this.groupNear.forEach((near) => (clusters += near ? 0 : 1));
    return { points, clusters };
  }

  /** How a cell is drawn now: its sensors, its cluster marker, or (as part of) its group's marker. */
  private levelOf(c: number): 'sensors' | 'cell' | 'group' {
    if (!this.groupNear[this.grid.groupOf[c]!]) return 'group';
    return this.detailed[c] ? 'sensors' : 'cell';
  }

  /** Offline sensors per cell: a cluster whose sensors are mostly offline is greyed. */
  private countOffline(i: number, delta: 1 | -1): void {
    const c = this.grid.cellOf[i]!;
    const g = this.grid.groupOf[c]!;
    this.offlineInCell[c]! += delta;
    this.offlineInGroup[g]! += delta;
    const cellMarker = this.clusterMarkers[c];
    if (cellMarker) cellMarker.point.color = this.offlineInCell[c]! * 2 > this.grid.cells[c]!.members.length ? CLUSTER_OFFLINE_COLOR : CLUSTER_COLOR;
    const groupMarker = this.groupMarkers[g];
    if (groupMarker) groupMarker.point.color = this.offlineInGroup[g]! * 2 > this.grid.groups[g]!.members.length ? CLUSTER_OFFLINE_COLOR : CLUSTER_COLOR;
  }

  private style(i: number): void {
    const point = this.primitives[i];
    const meta = this.metadata;
    if (!point || !meta) return;
    const state = this.states[i]!;
    const color = STATE_COLORS[state] ?? this.typeColors[meta.type[i]!]!;
    const size = state === SensorState.alarm ? 12 : state === SensorState.warning ? 9 : 6;
    const outline = state === SensorState.alarm ? Color.WHITE : OUTLINE;
    point.color = color;
    point.pixelSize = size;
    const isRaised = state === SensorState.warning || state === SensorState.alarm;
    (point as { scaleByDistance: NearFarScalar | undefined }).scaleByDistance = isRaised ? undefined : DISTANCE_SCALE;
    point.outlineColor = outline;
    // Warnings and alarms also stand over a clustered cell, as a copy in their own collection.
    let copy = this.raised.get(i);
    if (isRaised && !copy) {
      copy = this.raisedPoints.add({ id: point.id, position: point.position, outlineWidth: 1, disableDepthTestDistance: Number.POSITIVE_INFINITY });
      this.raised.set(i, copy);
    } else if (!isRaised && copy) {
      this.raisedPoints.remove(copy);
      this.raised.delete(i);
      copy = undefined;
    }
    if (copy) {
      copy.color = color;
      copy.pixelSize = size;
      copy.outlineColor = outline;
      copy.show = this.levelOf(this.grid.cellOf[i]!) !== 'sensors';
    }
  }

  /** A picked primitive's datastream id, if it is one of ours. */
  datastreamOf(picked: unknown): number | undefined {
    const id = (picked as { id?: { layer?: string; datastream?: number } } | undefined)?.id;
    return id?.layer === 'sensors' ? id.datastream : undefined;
  }

  /** Where a picked cluster marker stands, if it is one of ours. */
  clusterOf(picked: unknown): { lon: number; lat: number; count: number; /** A camera range that shows its contents. */ range: number } | undefined {
    const id = (picked as { id?: { layer?: string; cell?: number; group?: number } } | undefined)?.id;
    if (id?.layer !== 'sensors-cluster') return undefined;
    const cell = id.cell !== undefined ? this.grid.cells[id.cell] : id.group !== undefined ? this.grid.groups[id.group] : undefined;
    return cell ? { lon: cell.lon, lat: cell.lat, count: cell.members.length, range: id.group !== undefined ? 4000 : 1200 } : undefined;
  }

  /** What the info panel shows for a sensor. */
  describe(datastream: number): Record<string, string | number | null> | undefined {
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

  /** Follows one sensor's changes (the selected one), or none. */
  follow(datastream: number | undefined): void {
    this.followedDatastream = datastream;
    this.followed = datastream === undefined ? -1 : (this.metadata?.ids.indexOf(datastream) ?? -1);
  }

  stateOf(datastream: number): number | undefined {
    const i = this.metadata?.ids.indexOf(datastream) ?? -1;
    return i < 0 ? undefined : this.states[i];
  }

  getSummary(): SensorsSummary {
    return this.summary;
  }

  destroy(): void {
    this.destroyed = true;
    clearInterval(this.ticker);
    cancelAnimationFrame(this.animationFrame);
    this.context.scene.preRender.removeEventListener(this.onPreRender);
    this.context.scene.postRender.removeEventListener(this.onPostRender);
    this.context.scene.primitives.remove(this.root);
    this.worker.terminate();
  }
}
