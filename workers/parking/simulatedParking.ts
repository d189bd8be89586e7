import type { ParkingForecastsDocument, ParkingSite } from '../formats/parking.js';
import { buildParkingProfile, FORECAST_STEP_MS, FORECAST_STEPS, forecastFromProfile, type ParkingProfile } from './forecast.js';
import { hash01, levelOccupancy, occupiedAt, siteKey, simulateOccupancy } from './occupancyModel.js';

/** The occupancy model's seed the server's simulator publishes from and its forecast profiles learn from. */
export const PARKING_MODEL_SEED = 15;

/**
 * Free spaces per level of a site at t, as its counters would report them: the model's occupied
 * spaces (occupancyModel.occupiedAt) spread over the levels nearest first (levelOccupancy), then
 * each level's count off by a car or two — gate counters miss a car now and then, berth
 * detectors blink — drawn from `random` (within the level's capacity).
 */
export function simulatedLevelFree(site: ParkingSite, t: number, seed: number, random: () => number): Int32Array {
  const occupied = levelOccupancy(site.levels, occupiedAt(site, t, seed));
  return Int32Array.from(site.levels, (level, i) => {
    const miscount = Math.round((random() - 0.5) * 3); // −1, 0 or +1 mostly
    return Math.max(0, Math.min(level.capacity, level.capacity - occupied[i]! + miscount));
  });
}

/** The sites whose counters are out of order for the run: about `share` of them, the same for a seed. */
export function silentParkingSites(sites: readonly Pick<ParkingSite, 'id'>[], seed: number, share: number): Set<number> {
  const silent = new Set<number>();
  sites.forEach((site, i) => {
    if (hash01(siteKey(site.id, seed), 0x51e7, 0) < share) silent.add(i);
  });
  return silent;
}

/** Days of simulated history a profile learns from: a week, every slot of the week seen once. */
export const PROFILE_DAYS = 7;

/**
 * A site's forecast profile learnt from a simulated week ending at `end` (5-minute counts of the
 * occupancy model): what the forecast starts from while the store holds less than a week of the
 * site (docs/parking.md "Server": backfilling a week through the store costs far more).
 */
export function simulatedProfile(site: ParkingSite, end: number, seed: number): ParkingProfile {
  const count = (PROFILE_DAYS * 86_400_000) / FORECAST_STEP_MS;
  const from = end - count * FORECAST_STEP_MS;
  const time = new Float64Array(count);
  for (let k = 0; k < count; k++) time[k] = from + k * FORECAST_STEP_MS;
  return buildParkingProfile(time, simulateOccupancy(site, from, FORECAST_STEP_MS, count, seed), site.capacity);
}

/**
 * One site's forecast of the next hour from `now` (an entry of the forecasts document): its
 * profile and its recent whole-site counts (occupied spaces, oldest first; none → the profile
 * alone).
 */
export function siteForecast(
  site: ParkingSite,
  profile: ParkingProfile,
  recent: { time: Float64Array; occupied: ArrayLike<number> },
  now: number,
): ParkingForecastsDocument['sites'][number] {
  const list = (values: Float32Array): number[] => Array.from(values, (v) => Math.round(v * 10) / 10);
  const forecast = forecastFromProfile(profile, recent.time, recent.occupied, now);
  if (forecast.mean.length !== FORECAST_STEPS) throw new RangeError('parking forecast: unexpected step count');
  return { siteId: site.id, capacity: site.capacity, mean: list(forecast.mean), lo: list(forecast.lo), hi: list(forecast.hi), sigma: list(forecast.sigma) };
}
