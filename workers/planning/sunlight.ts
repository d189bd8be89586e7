import type { SunlightResult } from '../formats/buildingAnalyses.js';
import { checkPoint } from './checkPoint.js';
import { buildingsAround, localFrame, type PlanningBuildings, round } from './planningBuildings.js';
import { sunlightDayPlan } from './sunlightDay.js';
import { sunlitSteps } from './sunlitSteps.js';
import { sunPath } from './sunPath.js';

/**
 * How far buildings are looked for: at 大寒 in Tianjin the sun is 11° up at 8:00 true solar
 * time, where a 300 m tower's shadow reaches 1.5 km. Farther buildings shade only in the first
 * and last minutes of the day, outside the window the standard counts.
 */
export const SHADOW_REACH = 1500;

/**
 * Sunlight (日照分析) at a point over a day: sunrise to sunset, the hours of direct sun against
 * the extruded footprints around it (astronomical sunshine), those inside the standard's
 * effective window (true solar time) and whether they meet GB 50180's residential minimum.
 */
export function sunlight(buildings: PlanningBuildings, point: unknown, options?: unknown): SunlightResult {
  const { lon, lat, height } = checkPoint(point, 'the sunlight point');
  const plan = sunlightDayPlan(options, lon);
  const path = sunPath(plan.date, lat, lon, plan.window, plan.stepMinutes);
  const around = buildingsAround(buildings, localFrame(lon, lat), SHADOW_REACH);
  const sunlit = new Uint8Array(path.steps);
  sunlitSteps(around, 0, 0, height, path, sunlit);
  let sunlitHours = 0;
  let effectiveHours = 0;
  const intervals: [string, string][] = [];
  for (let k = 0; k < path.steps; k++) {
    if (!sunlit[k]) continue;
    sunlitHours += path.hours[k]!;
    if (path.inWindow[k]) effectiveHours += path.hours[k]!;
    const start = path.time[k]! - (path.hours[k]! * 3_600_000) / 2;
    const end = path.time[k]! + (path.hours[k]! * 3_600_000) / 2;
    const last = intervals[intervals.length - 1];
    if (last && k > 0 && sunlit[k - 1]) last[1] = iso(end);
    else intervals.push([iso(start), iso(end)]);
  }
  return {
    sunriseToSunsetHours: round((path.sunset - path.sunrise) / 3_600_000, 3),
    sunlitHours: round(sunlitHours, 3),
    effectiveHours: round(effectiveHours, 3),
    meetsStandard: plan.requiredHours === null ? null : effectiveHours >= plan.requiredHours - 1e-9,
    date: plan.date,
    day: plan.day,
    sunrise: iso(path.sunrise),
    sunset: iso(path.sunset),
    window: [iso(path.windowStart), iso(path.windowEnd)],
    requiredHours: plan.requiredHours,
    standard: plan.standard,
    sunlit: intervals,
  };
}

function iso(time: number): string {
  return new Date(Math.round(time / 1000) * 1000).toISOString();
}
