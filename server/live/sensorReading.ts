import type { SensorType } from '../../workers/live/sensorTypes.js';

/** A sensor's normal reading at a time: daily cycle plus noise, within the type's range. Pure. */
export function normalReading(type: SensorType, timeMs: number, noise: number): number {
  const hour = (timeMs / 3_600_000 + 8) % 24; // China Standard Time
  const { base, amplitude, peakHour, noise: sigma, min, max } = type.normal;
  const value = base + amplitude * Math.cos(((hour - peakHour) / 24) * 2 * Math.PI) + noise * sigma;
  return Math.min(max, Math.max(min, Math.round(value * 1000) / 1000));
}

/** A standard normal sample from two uniform ones (Box–Muller). */
export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
