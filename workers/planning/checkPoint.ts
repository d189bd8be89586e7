import type { PointWithHeight } from './sunlightDay.js';

/** `{lon, lat, height}` (degrees, metres) with finite values in range, or an Error naming what is wrong. */
export function checkPoint(point: unknown, what: string): PointWithHeight {
  const p = point as Partial<Record<'lon' | 'lat' | 'height', unknown>> | null;
  if (!p || typeof p !== 'object' || Array.isArray(p))
    throw new Error(`${what} is {lon, lat, height} (degrees, metres); got ${JSON.stringify(point)?.slice(0, 60)}`);
  const { lon, lat, height } = p;
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90)
    throw new Error(`${what}'s lon, lat is ${JSON.stringify(lon)}, ${JSON.stringify(lat)}: longitude −180…180, latitude −90…90 degrees`);
  const h = height ?? 0;
  if (typeof h !== 'number' || !Number.isFinite(h) || h < -100 || h > 1000)
    throw new Error(`${what}'s height is ${JSON.stringify(height)}: metres above the ground, −100…1000`);
  return { lon, lat, height: h };
}
