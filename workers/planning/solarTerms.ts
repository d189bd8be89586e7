/**
 * The days of the solar terms (节气) the sunlight standard counts on: 大寒 (the sun's apparent
 * ecliptic longitude reaches 300°, around 20 January) and 冬至 (270°, around 22 December).
 * The longitude is Meeus' low-accuracy solar formula (Astronomical Algorithms, ch. 25: 0.01°,
 * a quarter of an hour of the sun's motion), enough to name the day; suncalc, used for the sun's
 * position, gives no ecliptic longitude.
 */
export type SolarTerm = 'dahan' | 'dongzhi';

const TERM_LONGITUDE: Record<SolarTerm, number> = { dahan: 300, dongzhi: 270 };
/** Where each term falls in its year: month (0-based) and a bracket of days around it. */
const TERM_SEARCH: Record<SolarTerm, { month: number; from: number; to: number }> = {
  dahan: { month: 0, from: 15, to: 25 },
  dongzhi: { month: 11, from: 17, to: 27 },
};

/** The sun's apparent ecliptic longitude in degrees (0…360) at a time (ms since 1970, UTC). */
export function sunApparentLongitude(timeMs: number): number {
  const julianDay = timeMs / 86_400_000 + 2_440_587.5;
  const t = (julianDay - 2_451_545) / 36_525;
  const rad = Math.PI / 180;
  const meanLongitude = 280.46646 + 36_000.76983 * t + 0.0003032 * t * t;
  const meanAnomaly = (357.52911 + 35_999.05029 * t - 0.0001537 * t * t) * rad;
  const centre =
    (1.914602 - 0.004817 * t - 0.000014 * t * t) * Math.sin(meanAnomaly) +
    (0.019993 - 0.000101 * t) * Math.sin(2 * meanAnomaly) +
    0.000289 * Math.sin(3 * meanAnomaly);
  const omega = (125.04 - 1934.136 * t) * rad;
  const apparent = meanLongitude + centre - 0.00569 - 0.00478 * Math.sin(omega);
  return ((apparent % 360) + 360) % 360;
}

/** The instant (ms, UTC) of a solar term in a year. */
export function solarTermTime(year: number, term: SolarTerm): number {
  const { month, from, to } = TERM_SEARCH[term];
  const target = TERM_LONGITUDE[term];
  let low = Date.UTC(year, month, from);
  let high = Date.UTC(year, month, to);
  // The longitude grows about 1° a day and stays within 260°…310° in the bracket: no wrap.
  while (high - low > 1000) {
    const middle = (low + high) / 2;
    if (sunApparentLongitude(middle) < target) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** The civil date (`YYYY-MM-DD`, at `utcOffsetHours`: 8 for China Standard Time) of a solar term in a year. */
export function solarTermDate(year: number, term: SolarTerm, utcOffsetHours = 8): string {
  const local = new Date(solarTermTime(year, term) + utcOffsetHours * 3_600_000);
  return local.toISOString().slice(0, 10);
}
