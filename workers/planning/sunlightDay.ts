import type { CitySize, ClimateZone, SunlightDay, SunlightOptions } from '../formats/buildingAnalyses.js';
import { GB50180_EFFECTIVE_WINDOW, GB50180_SUNLIGHT_SOURCE, sunlightRuleFor } from '../standards/gb50180Sunlight.js';
import { solarTermDate } from './solarTerms.js';

export interface PointWithHeight {
  lon: number;
  lat: number;
  height: number;
}

/** A sunlight analysis' day and the standard that applies to it, from the caller's options. */
export interface SunlightDayPlan {
  /** `YYYY-MM-DD`, civil date at the place. */
  date: string;
  day: SunlightDay;
  /** The effective window, hours of true solar time. */
  window: readonly [number, number];
  requiredHours: number | null;
  standard: string;
  stepMinutes: number;
}

const ZONES: readonly ClimateZone[] = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII'];
const SIZES: readonly CitySize[] = ['large', 'medium-small'];
const DAYS: readonly SunlightDay[] = ['dahan', 'dongzhi', 'date'];
export const MAX_STEP_MINUTES = 10;

/**
 * Checks the options (an Error names what is wrong) and plans the day: 大寒日 of the date's year
 * by default, 冬至日, or the date itself; the window of the standard's day (大寒日's on a date of
 * one's own); the GB 50180 minimum when the day is the one the zone's rule counts on.
 */
export function sunlightDayPlan(options: unknown, lon: number): SunlightDayPlan {
  const o = (options ?? {}) as SunlightOptions;
  if (typeof o !== 'object' || Array.isArray(o))
    throw new Error(`the sunlight options are {date, day, climateZone, citySize, stepMinutes}; got ${JSON.stringify(options)?.slice(0, 60)}`);
  const day = o.day ?? 'dahan';
  if (!DAYS.includes(day)) throw new Error(`the sunlight day is ${JSON.stringify(day)}: 'dahan' (大寒日), 'dongzhi' (冬至日) or 'date'`);
  const zone = o.climateZone ?? 'II';
  if (!ZONES.includes(zone)) throw new Error(`the climate zone is ${JSON.stringify(zone)}: one of ${ZONES.join(', ')} (GB 50178)`);
  const citySize = o.citySize ?? 'large';
  if (!SIZES.includes(citySize)) throw new Error(`the city size is ${JSON.stringify(citySize)}: 'large' or 'medium-small'`);
  const stepMinutes = o.stepMinutes ?? 1;
  if (typeof stepMinutes !== 'number' || !(stepMinutes > 0 && stepMinutes <= MAX_STEP_MINUTES))
    throw new Error(`the time step is ${JSON.stringify(stepMinutes)} minutes: more than 0, at most ${MAX_STEP_MINUTES}`);
  // The place's civil time zone by its longitude (China Standard Time, UTC+8, at Tianjin's 117° E).
  const utcOffsetHours = Math.round(lon / 15);
  // A year alone names the year whose solar term is analysed.
  const yearOnly = typeof o.date === 'string' && /^\d{4}$/.test(o.date);
  if (yearOnly && day === 'date') throw new Error(`the date "${String(o.date)}" is a year: give the day itself (YYYY-MM-DD) with day 'date'`);
  const civil = yearOnly ? `${String(o.date)}-01-01` : civilDate(o.date, utcOffsetHours);
  const date = day === 'date' ? civil : solarTermDate(Number(civil.slice(0, 4)), day, utcOffsetHours);
  const rule = sunlightRuleFor(zone, citySize);
  const ruleApplies = day === rule.day;
  return {
    date,
    day,
    window: GB50180_EFFECTIVE_WINDOW[day === 'dongzhi' ? 'dongzhi' : 'dahan'],
    requiredHours: ruleApplies ? rule.minHours : null,
    standard: `${GB50180_SUNLIGHT_SOURCE}: climate zone ${zone}, ${citySize === 'large' ? 'large city' : 'medium or small city'} — ${rule.day === 'dahan' ? '大寒日' : '冬至日'} ≥ ${rule.minHours} h`,
    stepMinutes,
  };
}

/** `YYYY-MM-DD` of a date given as that text, an ISO time, milliseconds or a Date (default now), or an Error. */
function civilDate(value: unknown, utcOffsetHours: number): string {
  if (value === undefined) return new Date(Date.now() + utcOffsetHours * 3_600_000).toISOString().slice(0, 10);
  const shown = JSON.stringify(value) ?? String(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    const check = new Date(Date.UTC(y, m - 1, d));
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d)
      throw new Error(`the date ${shown} is not a date: no such day`);
    return value;
  }
  let time: number;
  if (value instanceof Date) time = value.getTime();
  else if (typeof value === 'number') time = value;
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) time = Date.parse(value);
  else time = NaN;
  if (!Number.isFinite(time)) throw new Error(`the date ${shown} is not a date: give YYYY-MM-DD (2027-01-20), an ISO time or a Date`);
  const text = new Date(time + utcOffsetHours * 3_600_000).toISOString().slice(0, 10);
  const year = Number(text.slice(0, 4));
  if (year < 1900 || year > 2100) throw new Error(`the date ${shown} is in ${year}: the sun's position is computed for 1900…2100`);
  return text;
}
