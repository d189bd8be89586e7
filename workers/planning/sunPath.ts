import { getPosition, getTimes } from 'suncalc';

/**
 * The sun over one day at one place, in steps: each step's middle time, length (hours),
 * azimuth and altitude (radians; azimuth clockwise from north) and whether it lies in the
 * effective window. Step edges fall on sunrise, sunset and the window's ends, so the sums are
 * exact to the step's sampling. Positions from suncalc (apparent altitude, with refraction).
 */
export interface SunPath {
  sunrise: number;
  sunset: number;
  solarNoon: number;
  windowStart: number;
  windowEnd: number;
  steps: number;
  time: Float64Array;
  hours: Float64Array;
  azimuth: Float64Array;
  altitude: Float64Array;
  inWindow: Uint8Array;
  /** Step indices sorted by azimuth, and those azimuths: a building's directions select its steps by binary search. */
  byAzimuth: Uint32Array;
  sortedAzimuth: Float64Array;
}

const RAD = Math.PI / 180;

/**
 * `date`: the civil date `YYYY-MM-DD`; its solar day at `lon` is analysed. `window`: hours of true
 * solar time (12:00 = the sun's transit).
 */
export function sunPath(date: string, lat: number, lon: number, window: readonly [number, number], stepMinutes: number): SunPath {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  // Local solar noon of that date, roughly: getTimes answers for the solar day around it.
  const noonGuess = Date.UTC(year, month - 1, day, 12) - (lon / 15) * 3_600_000;
  const times = getTimes(new Date(noonGuess), lat, lon);
  if (!times.sunrise || !times.sunset)
    throw new Error(`the sun does not ${times.alwaysUp ? 'set' : 'rise'} at latitude ${lat} on ${date}: no sunlight day to count`);
  const sunrise = times.sunrise.getTime();
  const sunset = times.sunset.getTime();
  const solarNoon = times.solarNoon.getTime();
  const windowStart = solarNoon + (window[0] - 12) * 3_600_000;
  const windowEnd = solarNoon + (window[1] - 12) * 3_600_000;
  const edges = new Set<number>([sunrise, sunset]);
  for (let t = sunrise; t < sunset; t += stepMinutes * 60_000) edges.add(t);
  for (const t of [windowStart, windowEnd]) if (t > sunrise && t < sunset) edges.add(t);
  const sorted = [...edges].sort((a, b) => a - b);
  const steps = sorted.length - 1;
  const path: SunPath = {
    sunrise,
    sunset,
    solarNoon,
    windowStart,
    windowEnd,
    steps,
    time: new Float64Array(steps),
    hours: new Float64Array(steps),
    azimuth: new Float64Array(steps),
    altitude: new Float64Array(steps),
    inWindow: new Uint8Array(steps),
    byAzimuth: new Uint32Array(steps),
    sortedAzimuth: new Float64Array(steps),
  };
  for (let k = 0; k < steps; k++) {
    const middle = (sorted[k]! + sorted[k + 1]!) / 2;
    const position = getPosition(new Date(middle), lat, lon);
    path.time[k] = middle;
    path.hours[k] = (sorted[k + 1]! - sorted[k]!) / 3_600_000;
    path.azimuth[k] = (((position.azimuth % 360) + 360) % 360) * RAD;
    path.altitude[k] = position.altitude * RAD;
    path.inWindow[k] = middle > windowStart && middle < windowEnd ? 1 : 0;
  }
  const order = Array.from({ length: steps }, (_, k) => k).sort((a, b) => path.azimuth[a]! - path.azimuth[b]!);
  order.forEach((k, i) => {
    path.byAzimuth[i] = k;
    path.sortedAzimuth[i] = path.azimuth[k]!;
  });
  return path;
}
