import type { OccupancySite } from './occupancyModel.js';
import { simulateOccupancy } from './occupancyModel.js';
import { buildParkingProfile, FORECAST_STEP_MS, forecastFromProfile, profileAt } from './forecast.js';

export interface BacktestOptions {
  /** Start of the simulated history (ms). */
  from: number;
  /** Days the profile learns from, then days forecast from. */
  trainingDays: number;
  testDays: number;
  /** The occupancy model's seed. */
  seed: number;
  /** A forecast every this many 5-minute steps of the tested days (default 1: every step). */
  originEvery?: number;
  /** Minutes ahead scored (default 15, 30, 60). */
  horizons?: readonly number[];
}

export interface BacktestMethodError {
  /** Mean absolute error in spaces, and as a share of capacity (0–1), per horizon. */
  spaces: number[];
  share: number[];
}

export interface BacktestResult {
  horizons: number[];
  forecast: BacktestMethodError;
  /** The last value carried forward. */
  persistence: BacktestMethodError;
  /** The weekly profile alone, no correction. */
  profile: BacktestMethodError;
  /** Forecasts scored per horizon. */
  forecasts: number;
}

/**
 * Backtest of the forecast against persistence and the profile alone: each site's occupancy is
 * simulated by the occupancy model every 5 minutes; the profile learns from the training days
 * only; on the tested days each origin is forecast from the history up to it and scored against
 * the simulated value h minutes later. Nothing after an origin is seen by its forecast.
 */
export function backtestParking(sites: readonly OccupancySite[], options: BacktestOptions): BacktestResult {
  const horizons = [...(options.horizons ?? [15, 30, 60])];
  const steps = horizons.map((h) => Math.round((h * 60_000) / FORECAST_STEP_MS));
  const every = options.originEvery ?? 1;
  const training = options.trainingDays * 288;
  const total = training + options.testDays * 288;
  const zeros = (): number[] => horizons.map(() => 0);
  const sum = { forecast: zeros(), persistence: zeros(), profile: zeros() };
  const share = { forecast: zeros(), persistence: zeros(), profile: zeros() };
  let count = 0;
  const time = new Float64Array(total);
  for (let i = 0; i < total; i++) time[i] = options.from + i * FORECAST_STEP_MS;
  for (const site of sites) {
    const occupied = simulateOccupancy(site, options.from, FORECAST_STEP_MS, total, options.seed);
    const profile = buildParkingProfile(time.subarray(0, training), occupied.subarray(0, training), site.capacity);
    for (let origin = training; origin + steps[steps.length - 1]! < total; origin += every) {
      // The forecast reads the last 15 minutes; give it the last few counts, as the store's recent window would.
      const window = Math.max(0, origin - 3);
      const forecast = forecastFromProfile(profile, time.subarray(window, origin + 1), occupied.subarray(window, origin + 1), time[origin]!);
      horizons.forEach((_, j) => {
        const step = steps[j]!;
        const truth = occupied[origin + step]!;
        const errors = {
          forecast: Math.abs(forecast.mean[step - 1]! - truth),
          persistence: Math.abs(occupied[origin]! - truth),
          profile: Math.abs(Math.min(site.capacity, Math.max(0, profileAt(profile, time[origin + step]!))) - truth),
        };
        for (const key of ['forecast', 'persistence', 'profile'] as const) {
          sum[key][j]! += errors[key];
          share[key][j]! += errors[key] / site.capacity;
        }
      });
      count++;
    }
  }
  const result = (key: 'forecast' | 'persistence' | 'profile'): BacktestMethodError => ({
    spaces: sum[key].map((s) => s / Math.max(1, count)),
    share: share[key].map((s) => s / Math.max(1, count)),
  });
  return { horizons, forecast: result('forecast'), persistence: result('persistence'), profile: result('profile'), forecasts: count };
}
