/**
 * Travel speeds by road class (km/h), kept as data: what a fire engine or ambulance keeps on
 * average in urban traffic, not the legal limit. The defaults take the middle of the design
 * speed ranges of CJJ 37-2012 (城市道路工程设计规范 §3.2: 主干路 40–60, 次干路 30–50,
 * 支路 20–40 km/h); a deployment replaces them with its own measured response speeds.
 * `access` is the speed on the way between a point (a station, an incident) and the nearest
 * road: on foot or a driveway.
 */
export interface RoadSpeeds {
  /** km/h by road class (the `class` property of the road lines). */
  byClass: Readonly<Record<string, number>>;
  /** km/h for a class not in the table. */
  fallback: number;
  /** km/h between a point and the road it is snapped to. */
  access: number;
}

export const DEFAULT_ROAD_SPEEDS: RoadSpeeds = {
  byClass: { arterial: 50, secondary: 40, local: 30 },
  fallback: 30,
  access: 5,
};

/** Metres per second for a speed in km/h, refusing speeds a route cannot be timed with. */
export function metresPerSecond(kmh: number, what: string): number {
  if (!Number.isFinite(kmh) || kmh <= 0) throw new RangeError(`road speed for ${what} must be a positive number of km/h, got ${kmh}`);
  return kmh / 3.6;
}
