import type { Thresholds } from './alarmStateMachine.js';

/**
 * The sensor types of the Nankai district, as data: what each observes, its unit (UCUM code as
 * SensorThings wants), its alarm thresholds, its normal daily range and how often it reports.
 * The server makes Datastreams from it, the simulator draws readings from it, the layer draws
 * icons and colours from it.
 */
export interface SensorType {
  id: string;
  nameZh: string;
  nameEn: string;
  observedProperty: string;
  unit: { name: string; symbol: string; definition: string };
  thresholds: Thresholds;
  /** Normal readings: base level and daily amplitude (peak at `peakHour`), noise (1 σ). */
  normal: { base: number; amplitude: number; peakHour: number; noise: number; min: number; max: number };
  /** Seconds between reports of one sensor. */
  periodSeconds: number;
  /** Map colour (CSS). */
  color: string;
}

const UCUM = 'http://unitsofmeasure.org/ucum.html#para-30';

export const SENSOR_TYPES: readonly SensorType[] = [
  {
    id: 'manhole_cover',
    nameZh: '智能井盖（倾角）',
    nameEn: 'Smart manhole cover (tilt)',
    observedProperty: 'cover tilt',
    unit: { name: 'degree', symbol: '°', definition: UCUM },
    thresholds: { direction: 'above', warning: 5, alarm: 15, hysteresis: 1, minDurationSeconds: 5 },
    normal: { base: 0.5, amplitude: 0.2, peakHour: 18, noise: 0.3, min: 0, max: 90 },
    periodSeconds: 60,
    color: '#9ad1ff',
  },
  {
    id: 'well_water_level',
    nameZh: '井内水位',
    nameEn: 'Water level in well',
    observedProperty: 'water level below cover',
    unit: { name: 'metre', symbol: 'm', definition: UCUM },
    thresholds: { direction: 'above', warning: 1.5, alarm: 2.2, hysteresis: 0.1, minDurationSeconds: 30 },
    normal: { base: 0.6, amplitude: 0.2, peakHour: 8, noise: 0.05, min: 0, max: 4 },
    periodSeconds: 30,
    color: '#4cc9f0',
  },
  {
    id: 'hydrant_pressure',
    nameZh: '消防栓水压',
    nameEn: 'Hydrant pressure',
    observedProperty: 'water pressure',
    unit: { name: 'megapascal', symbol: 'MPa', definition: UCUM },
    thresholds: { direction: 'below', warning: 0.14, alarm: 0.1, hysteresis: 0.01, minDurationSeconds: 20 },
    normal: { base: 0.3, amplitude: -0.04, peakHour: 19, noise: 0.005, min: 0, max: 1 },
    periodSeconds: 30,
    color: '#ff6b6b',
  },
  {
    id: 'network_pressure',
    nameZh: '管网压力',
    nameEn: 'Network pressure',
    observedProperty: 'water pressure',
    unit: { name: 'megapascal', symbol: 'MPa', definition: UCUM },
    thresholds: { direction: 'below', warning: 0.2, alarm: 0.15, hysteresis: 0.01, minDurationSeconds: 20 },
    normal: { base: 0.32, amplitude: -0.05, peakHour: 19, noise: 0.004, min: 0, max: 1 },
    periodSeconds: 10,
    color: '#00e5ff',
  },
  {
    id: 'network_flow',
    nameZh: '管网流量',
    nameEn: 'Network flow',
    observedProperty: 'flow rate',
    unit: { name: 'cubic metre per hour', symbol: 'm3/h', definition: UCUM },
    thresholds: { direction: 'above', warning: 900, alarm: 1200, hysteresis: 30, minDurationSeconds: 60 },
    normal: { base: 400, amplitude: 250, peakHour: 8, noise: 15, min: 0, max: 3000 },
    periodSeconds: 10,
    color: '#00b4d8',
  },
  {
    id: 'waterlogging',
    nameZh: '路面积水深度',
    nameEn: 'Road waterlogging depth',
    observedProperty: 'water depth on road',
    unit: { name: 'centimetre', symbol: 'cm', definition: UCUM },
    thresholds: { direction: 'above', warning: 15, alarm: 27, hysteresis: 2, minDurationSeconds: 60 },
    normal: { base: 0, amplitude: 0, peakHour: 0, noise: 0.3, min: 0, max: 100 },
    periodSeconds: 60,
    color: '#3a86ff',
  },
  {
    id: 'gas_in_well',
    nameZh: '井内燃气浓度',
    nameEn: 'Gas in well',
    observedProperty: 'methane concentration',
    unit: { name: 'percent lower explosive limit', symbol: '%LEL', definition: UCUM },
    thresholds: { direction: 'above', warning: 10, alarm: 25, hysteresis: 2, minDurationSeconds: 10 },
    normal: { base: 0.5, amplitude: 0.3, peakHour: 14, noise: 0.3, min: 0, max: 100 },
    periodSeconds: 30,
    color: '#ff00ff',
  },
  {
    id: 'air_quality',
    nameZh: '空气质量（PM2.5）',
    nameEn: 'Air quality (PM2.5)',
    observedProperty: 'PM2.5 concentration',
    unit: { name: 'microgram per cubic metre', symbol: 'µg/m3', definition: UCUM },
    thresholds: { direction: 'above', warning: 75, alarm: 150, hysteresis: 5, minDurationSeconds: 300 },
    normal: { base: 45, amplitude: 20, peakHour: 8, noise: 4, min: 0, max: 999 },
    periodSeconds: 60,
    color: '#ffd166',
  },
  {
    id: 'river_quality',
    nameZh: '河道水质（溶解氧）',
    nameEn: 'River water quality (dissolved oxygen)',
    observedProperty: 'dissolved oxygen',
    unit: { name: 'milligram per litre', symbol: 'mg/L', definition: UCUM },
    thresholds: { direction: 'below', warning: 3, alarm: 2, hysteresis: 0.2, minDurationSeconds: 600 },
    normal: { base: 6.5, amplitude: 1.2, peakHour: 15, noise: 0.1, min: 0, max: 20 },
    periodSeconds: 300,
    color: '#06d6a0',
  },
  {
    id: 'river_level',
    nameZh: '河道水位',
    nameEn: 'River level',
    observedProperty: 'water level',
    unit: { name: 'metre', symbol: 'm', definition: UCUM },
    thresholds: { direction: 'above', warning: 3.2, alarm: 3.8, hysteresis: 0.05, minDurationSeconds: 120 },
    normal: { base: 2.4, amplitude: 0.1, peakHour: 6, noise: 0.01, min: 0, max: 6 },
    periodSeconds: 60,
    color: '#118ab2',
  },
];

export function sensorType(id: string): SensorType | undefined {
  return SENSOR_TYPES.find((t) => t.id === id);
}

/**
 * How long a sensor may stay silent before the map greys it out: three report periods, at
 * least a minute, unless the deployment sets one time for all (CIM_STALE_AFTER_SECONDS).
 */
export function staleAfterSeconds(type: SensorType, deploymentOverride?: number): number {
  return deploymentOverride ?? Math.max(60, 3 * type.periodSeconds);
}

/** SensorThings MQTT topic of a datastream's observations. */
export function observationsTopic(datastreamId: number | string): string {
  return `v1.1/Datastreams(${datastreamId})/Observations`;
}

const TOPIC_PATTERN = /^v1\.1\/Datastreams\((\d+)\)\/Observations$/;

/** The datastream id in an observations topic, or undefined for any other topic. */
export function datastreamOfTopic(topic: string): number | undefined {
  const match = TOPIC_PATTERN.exec(topic);
  return match ? Number(match[1]) : undefined;
}
