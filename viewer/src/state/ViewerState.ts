import type { SensorStateName } from '../../../workers/live/alarmStateMachine.js';
import type { LatencySummary } from '../../../workers/live/LatencyHistogram.js';
import type { SensorAlarm } from '../../../layers/sensors/SensorsLayer.js';

/**
 * Everything the viewer shows, as plain serialisable data: the store holds this, renderer
 * adapters turn it into engine objects, the UI renders it, the URL carries part of it.
 */
export interface CameraView {
  /** Degrees, metres above the ellipsoid, heading and pitch in degrees. */
  lon: number;
  lat: number;
  height: number;
  heading: number;
  pitch: number;
}

export interface LayerState {
  visible: boolean;
  /** 0..1 */
  opacity: number;
}

/** A feature of a tileset, by the tileset's layer id and the feature's `id` property. */
export interface FeatureRef {
  tileset: string;
  id: string;
}

export type StyleAttribute = 'height' | 'use' | 'year' | 'cimLevel';

/** How buildings are coloured and which are shown. */
export interface StyleRule {
  colorBy: StyleAttribute;
  /** Shown only when the numeric attribute passes, e.g. height > 50. */
  filter?: { attribute: 'height' | 'year' | 'floors'; op: '>' | '>=' | '<' | '<='; value: number };
}

export type ViewerMode = 'planner' | 'wall';
export type Language = 'zh-CN' | 'en';

/** An alarm in the alarm list: the sensors layer's alarm, and whether an operator acknowledged it. */
export type AlarmEntry = SensorAlarm & { acknowledged: boolean };

/** The live feed as the UI shows it (updated about once a second, not per message). */
export interface LiveState {
  connection: 'off' | 'connecting' | 'live' | 'reconnecting' | 'stale';
  /** Since when the connection is in that state (ms since the epoch). */
  since: number;
  sensors: number;
  messagesPerSecond: number;
  /** Age of live readings when first drawn (phenomenonTime → frame), p50/p95/p99 over the last 30–60 s. */
  ageAtRenderMs: LatencySummary | null;
  /** What the level of detail draws: sensors as points, cluster markers. */
  drawn: { points: number; clusters: number };
  alarms: AlarmEntry[];
  /** The newest reading of the selected sensor (the info panel and its chart follow it live). */
  selectedReading: SensorReading | null;
}

export interface SensorReading {
  datastream: number;
  /** phenomenonTime, ms. */
  time: number;
  value: number;
  state: SensorStateName;
}

export interface ViewerState {
  camera: CameraView;
  layers: Record<string, LayerState>;
  selection: FeatureRef | null;
  style: StyleRule;
  mode: ViewerMode;
  language: Language;
  underground: boolean;
  /** Wall mode's automatic tour: index of the current bookmark, or -1 when stopped. */
  tour: { running: boolean; index: number };
  /** Scene time, ISO 8601 (shadows and replay use it later); null = follow the wall clock. */
  clock: string | null;
  live: LiveState;
}
