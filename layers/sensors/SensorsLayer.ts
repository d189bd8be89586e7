import { Cartesian3, Color, NearFarScalar, PointPrimitiveCollection, type PointPrimitive, type Scene } from 'cesium';
import { wrap, type Remote } from 'comlink';
import { SENSOR_STATE_NAMES, SensorState } from '../../workers/live/alarmStateMachine.js';
import { LatencyHistogram, type LatencySummary } from '../../workers/live/LatencyHistogram.js';
import { FRESH_OBSERVATION, STATE_MASK, unpackSensorFrame } from '../../workers/live/SensorFrame.js';
import type { LiveConnectionState, LiveFeed, LiveStateDocument } from './LiveSensorSource.js';
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

/**
 * Live sensors as one PointPrimitiveCollection (no entities): colour by type, warning and
 * alarm by colour and size, offline greyed; alarms pulse. The worker does the per-message work;
 * this pulls one packed frame of changes per rendered frame and touches only changed points.
 */
export class SensorsLayer {
  private readonly worker: Worker;
  private readonly remote: Remote<SensorsWorkerApi>;
  private readonly points = new PointPrimitiveCollection();
  private primitives: PointPrimitive[] = [];
  private metadata: LiveStateDocument | undefined;
  private typeColors: Color[] = [];
  private states = new Uint8Array(0);
  private values = new Float64Array(0);
  private readonly alarming = new Set<number>();
  private pulling = false;
  /** The sensor whose every change goes to `onFollowedReading` (the selected one), by slot. */
  private followed = -1;
  private destroyed = false;
  private readonly onPreRender: () => void;
  private readonly onPostRender: () => void;
  /** phenomenonTimes of live readings applied but not drawn yet. */
  private undrawn: number[] = [];
  private readonly ageAtRender = new LatencyHistogram();
  private summary: SensorsSummary = { state: 'connecting', since: Date.now(), sensors: 0, alarms: 0, messagesPerSecond: 0, ageAtRenderMs: undefined };
  private lastSummary = 0;

  constructor(private readonly context: SensorsLayerContext) {
    this.worker = new Worker(new URL('./sensorsWorker.ts', import.meta.url), { type: 'module', name: 'sensors' });
    this.remote = wrap<SensorsWorkerApi>(this.worker);
    void this.remote.start(context.feed);
    context.scene.primitives.add(this.points);
    this.onPreRender = () => this.pulse();
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
    // Live data must be drawn even when the camera is still (the scene renders on demand).
    this.ticker = setInterval(() => context.requestRender(), 250);
  }

  private readonly ticker: ReturnType<typeof setInterval>;
  private animationFrame = 0;

  get show(): boolean {
    return this.points.show;
  }

  set show(on: boolean) {
    this.points.show = on;
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

  /** Per rendered frame: alarms pulse. */
  private pulse(): void {
    const pulse = 10 + 6 * Math.abs(Math.sin(performance.now() / 300));
    for (const i of this.alarming) {
      const point = this.primitives[i];
      if (point) point.pixelSize = pulse;
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
    }
    const meta = this.metadata;
    const changes = unpackSensorFrame(frame.buffer);
    for (let k = 0; k < changes.count; k++) {
      const i = changes.index[k]!;
      if (i >= this.states.length) continue;
      const previous = this.states[i]!;
      const next = changes.state[k]! & STATE_MASK;
      if (changes.state[k]! & FRESH_OBSERVATION && this.points.show && this.undrawn.length < 65_536) this.undrawn.push(changes.time[k]!);
      this.states[i] = next;
      this.values[i] = changes.value[k]!;
      this.style(i);
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
    if (changes.count) this.context.requestRender();
    this.summary = {
      state: frame.connection.state,
      since: frame.connection.since,
      sensors: meta.count,
      alarms: this.alarming.size,
      messagesPerSecond: frame.messagesPerSecond,
      ageAtRenderMs: this.summary.ageAtRenderMs,
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
    this.points.removeAll();
    this.states = new Uint8Array(meta.count);
    this.values = new Float64Array(meta.count).fill(Number.NaN);
    this.typeColors = meta.types.map((type) => Color.fromCssColorString(type.color));
    this.primitives = meta.ids.map((id, i) =>
      this.points.add({
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
  }

  private style(i: number): void {
    const point = this.primitives[i];
    const meta = this.metadata;
    if (!point || !meta) return;
    const state = this.states[i]!;
    point.color = STATE_COLORS[state] ?? this.typeColors[meta.type[i]!]!;
    point.pixelSize = state === SensorState.alarm ? 12 : state === SensorState.warning ? 9 : 6;
    const raised = state === SensorState.warning || state === SensorState.alarm;
    (point as { scaleByDistance: NearFarScalar | undefined }).scaleByDistance = raised ? undefined : DISTANCE_SCALE;
    point.outlineColor = state === SensorState.alarm ? Color.WHITE : OUTLINE;
  }

  /** A picked primitive's datastream id, if it is one of ours. */
  datastreamOf(picked: unknown): number | undefined {
    const id = (picked as { id?: { layer?: string; datastream?: number } } | undefined)?.id;
    return id?.layer === 'sensors' ? id.datastream : undefined;
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
    this.context.scene.primitives.remove(this.points);
    this.worker.terminate();
  }
}
