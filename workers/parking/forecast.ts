import { LOCAL_UTC_OFFSET_MINUTES, type ParkingForecast } from '../formats/parking.js';

/**
 * Per-site occupancy forecast: the next hour in 5-minute steps with a band, learnt from the
 * site's own history only.
 *
 *   mean(t + h) = profile(t + h) + β(h) × deviation now
 *
 * - **profile**: the mean occupied spaces per 15-minute slot of the week, shrunk towards the
 *   slot's day class (Monday–Friday, Saturday, Sunday) while a slot has few samples, linear
 *   between slot centres;
 * - **deviation now**: how far the last 15 minutes ran above or below the profile (mean of the
 *   last three 5-minute residuals: one count's jitter does not swing the forecast);
 * - **β(h)**: the regression of the residual h later on that deviation, fitted per lag over the
 *   last 5 days (FIT_DAYS) of the site's own residuals (0 ≤ β ≤ 1): how long this site's
 *   deviations last, rather than an assumed decay;
 * - **band**: ± 1.2816 σ(h) (10th–90th percentile of a normal error), σ(h) the residual spread
 *   left after the correction at that lag, clamped to [0, capacity].
 *
 * Input is the history as columns — times (ms) and occupied spaces, time-ordered — as the
 * history store returns a datastream; irregular sampling is read as a step function (a count
 * holds until the next).
 */
export const FORECAST_STEP_MS = 5 * 60_000;
export const FORECAST_STEPS = 12;
const SLOT_MINUTES = 15;
const WEEK_SLOTS = (7 * 24 * 60) / SLOT_MINUTES;
const DAY_SLOTS = (24 * 60) / SLOT_MINUTES;
/** Lags (5-minute steps) with a fitted β: the hour ahead and half an hour of staleness. */
const MAX_LAG = 18;
/** Residual days fitted for β and σ. */
const FIT_DAYS = 5;
/** A slot's own mean counts like this many samples of its day class's mean (shrinkage). */
const SHRINK_SAMPLES = 6;
const Z90 = 1.2816;

export interface ParkingProfile {
  capacity: number;
  /** Occupied spaces per 15-minute slot of the local week (Monday 00:00 first). */
  slots: Float32Array;
  /** β at lag k (5-minute steps), k = 0 … MAX_LAG. */
  beta: Float32Array;
  /** Residual spread after the correction at lag k (spaces). */
  sigma: Float32Array;
  /** Residual spread of the profile alone (past MAX_LAG). */
  profileSigma: number;
}

/** Local minutes since Monday 00:00 (UTC+8) at t; the epoch (1970-01-01) was a Thursday. */
const WEEK_OFFSET_MINUTES = LOCAL_UTC_OFFSET_MINUTES + 3 * 1440;
function weekMinute(t: number): number {
  const minutes = t / 60_000 + WEEK_OFFSET_MINUTES;
  // floor rather than %: a floating-point % is a library call, and this runs per observation.
  return minutes - Math.floor(minutes / 10080) * 10080;
}

/**
 * A site with no history to learn from: persistence with an honest band. The profile is flat at
 * half the capacity and every lag carries the deviation in full (β = 1), so the forecast is the
 * last count; σ is a quarter of the capacity (the band spans most of the site).
 */
export function persistenceProfile(capacity: number): ParkingProfile {
  if (!(capacity > 0)) throw new RangeError(`parking forecast: capacity must be positive, got ${capacity}`);
  return {
    capacity,
    slots: new Float32Array(WEEK_SLOTS).fill(capacity / 2),
    beta: new Float32Array(MAX_LAG + 1).fill(1),
    sigma: new Float32Array(MAX_LAG + 1).fill(capacity / 4),
    profileSigma: capacity / 4,
  };
}

/** The profile's occupied spaces at t: linear between slot centres, round the week. */
export function profileAt(profile: ParkingProfile, t: number): number {
  const position = weekMinute(t) / SLOT_MINUTES - 0.5;
  const below = position < 0 ? -1 : position | 0;
  const f = position - below;
  const a = profile.slots[below < 0 ? WEEK_SLOTS - 1 : below]!;
  const b = profile.slots[below + 1 >= WEEK_SLOTS ? 0 : below + 1]!;
  return a + (b - a) * f;
}

function checkHistory(time: Float64Array, occupied: ArrayLike<number>, capacity: number): void {
  if (time.length !== occupied.length) throw new RangeError(`parking forecast: ${time.length} times but ${occupied.length} values`);
  if (!(capacity > 0)) throw new RangeError(`parking forecast: capacity must be positive, got ${capacity}`);
}

/** The weekly profile, β and σ of a site from its history (at least one observation). */
export function buildParkingProfile(time: Float64Array, occupied: ArrayLike<number>, capacity: number): ParkingProfile {
  checkHistory(time, occupied, capacity);
  const n = time.length;
  if (n === 0) throw new RangeError('parking forecast: no history');
  const sum = new Float64Array(WEEK_SLOTS);
  const count = new Uint32Array(WEEK_SLOTS);
  // The slot is worked out again only when a time leaves the current one (every third count at
  // 5-minute steps): the division chain per count was most of the cost of a profile.
  let slot = 0;
  let slotStart = Infinity;
  let slotEnd = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = time[i]!;
    if (t >= slotEnd || t < slotStart) {
      const minute = weekMinute(t);
      slot = (minute / SLOT_MINUTES) | 0;
      slotStart = t - (minute - slot * SLOT_MINUTES) * 60_000;
      slotEnd = slotStart + SLOT_MINUTES * 60_000;
    }
    sum[slot]! += occupied[i]!;
    count[slot]!++;
  }
  // Day classes: Monday–Friday, Saturday, Sunday.
  const classSum = new Float64Array(3 * DAY_SLOTS);
  const classCount = new Uint32Array(3 * DAY_SLOTS);
  let total = 0;
  for (let slot = 0; slot < WEEK_SLOTS; slot++) {
    const day = Math.floor(slot / DAY_SLOTS);
    const c = (day < 5 ? 0 : day - 4) * DAY_SLOTS + (slot % DAY_SLOTS);
    classSum[c]! += sum[slot]!;
    classCount[c]! += count[slot]!;
    total += sum[slot]!;
  }
  const overall = total / n;
  const slots = new Float32Array(WEEK_SLOTS);
  for (let slot = 0; slot < WEEK_SLOTS; slot++) {
    const day = Math.floor(slot / DAY_SLOTS);
    const c = (day < 5 ? 0 : day - 4) * DAY_SLOTS + (slot % DAY_SLOTS);
    const classMean = classCount[c]! > 0 ? classSum[c]! / classCount[c]! : overall;
    slots[slot] = (sum[slot]! + SHRINK_SAMPLES * classMean) / (count[slot]! + SHRINK_SAMPLES);
  }
  const profile: ParkingProfile = { capacity, slots, beta: new Float32Array(MAX_LAG + 1), sigma: new Float32Array(MAX_LAG + 1), profileSigma: 0 };

  // Residuals on a 5-minute grid over the last FIT_DAYS (a step function of the history).
  const end = time[n - 1]!;
  const gridCount = Math.max(1, Math.min(FIT_DAYS * 288, Math.floor((end - time[0]!) / FORECAST_STEP_MS) + 1));
  const residual = new Float64Array(gridCount);
  let i = n - 1;
  for (let g = gridCount - 1; g >= 0; g--) {
    const t = end - (gridCount - 1 - g) * FORECAST_STEP_MS;
    while (i > 0 && time[i]! > t) i--;
    residual[g] = occupied[i]! - profileAt(profile, t);
  }
  // The predictor: the mean residual of the last 15 minutes.
  const deviation = new Float64Array(gridCount);
  for (let g = 0; g < gridCount; g++) deviation[g] = (residual[g]! + residual[Math.max(0, g - 1)]! + residual[Math.max(0, g - 2)]!) / 3;
  let squares = 0;
  for (let g = 0; g < gridCount; g++) squares += residual[g]! * residual[g]!;
  profile.profileSigma = Math.sqrt(squares / gridCount);
  for (let lag = 0; lag <= MAX_LAG; lag++) {
    // One pass per lag: the fit and its leftover spread, Σ(y − βx)² = Σy² − 2βΣxy + β²Σxx.
    let xy = 0;
    let xx = 0;
    let yy = 0;
    const last = gridCount - lag;
    for (let g = 2; g < last; g++) {
      const x = deviation[g]!;
      const y = residual[g + lag]!;
      xy += x * y;
      xx += x * x;
      yy += y * y;
    }
    const m = Math.max(0, last - 2);
    const beta = xx > 0 ? Math.min(1, Math.max(0, xy / xx)) : 0;
    profile.beta[lag] = beta;
    profile.sigma[lag] = m > 0 ? Math.sqrt(Math.max(0, yy - 2 * beta * xy + beta * beta * xx) / m) : profile.profileSigma;
  }
  return profile;
}

/**
 * The forecast from `now`: FORECAST_STEPS steps of FORECAST_STEP_MS, from the profile and the
 * deviation of the history's last 15 minutes (the history may end before `now`: a stale count
 * weighs less the older it is, and none at all past the fitted lags).
 */
export function forecastFromProfile(profile: ParkingProfile, time: Float64Array, occupied: ArrayLike<number>, now: number): ParkingForecast {
  checkHistory(time, occupied, profile.capacity);
  const { capacity } = profile;
  const mean = new Float32Array(FORECAST_STEPS);
  const lo = new Float32Array(FORECAST_STEPS);
  const hi = new Float32Array(FORECAST_STEPS);
  const sigma = new Float32Array(FORECAST_STEPS);
  const n = time.length;
  let deviation = 0;
  let lastTime = -Infinity;
  if (n > 0) {
    lastTime = time[n - 1]!;
    let i = n - 1;
    for (let back = 0; back < 3; back++) {
      const t = lastTime - back * FORECAST_STEP_MS;
      while (i > 0 && time[i]! > t) i--;
      deviation += (occupied[i]! - profileAt(profile, t)) / 3;
    }
  }
  for (let k = 0; k < FORECAST_STEPS; k++) {
    const t = now + (k + 1) * FORECAST_STEP_MS;
    const lag = Math.round((t - lastTime) / FORECAST_STEP_MS);
    const fitted = lag >= 0 && lag <= MAX_LAG;
    const value = profileAt(profile, t) + (fitted ? profile.beta[lag]! * deviation : 0);
    const spread = Math.max(0.5, fitted ? profile.sigma[lag]! : profile.profileSigma);
    mean[k] = Math.min(capacity, Math.max(0, value));
    sigma[k] = spread;
    lo[k] = Math.min(capacity, Math.max(0, value - Z90 * spread));
    hi[k] = Math.min(capacity, Math.max(0, value + Z90 * spread));
  }
  return { from: now, stepMs: FORECAST_STEP_MS, capacity, mean, lo, hi, sigma };
}

/** The forecast of a site from its whole history: buildParkingProfile, then forecastFromProfile. */
export function forecastParking(time: Float64Array, occupied: ArrayLike<number>, capacity: number, now: number): ParkingForecast {
  return forecastFromProfile(buildParkingProfile(time, occupied, capacity), time, occupied, now);
}

/** Standard normal cumulative distribution (Abramowitz–Stegun 7.1.26, error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * Free spaces expected `minutes` after the forecast's start, and the chance that at least one is
 * free (occupied ≤ capacity − 1, continuity-corrected), linear between steps; before the first
 * step the first step's values, past the last the last's.
 */
export function freeOnArrival(forecast: ParkingForecast, minutes: number): { expectedFree: number; probabilityFree: number } {
  const position = (minutes * 60_000) / forecast.stepMs - 1;
  const steps = forecast.mean.length;
  const k = Math.min(steps - 1, Math.max(0, Math.floor(position)));
  const next = Math.min(steps - 1, k + 1);
  const f = Math.min(1, Math.max(0, position - k));
  const mean = forecast.mean[k]! + (forecast.mean[next]! - forecast.mean[k]!) * f;
  const sigma = forecast.sigma[k]! + (forecast.sigma[next]! - forecast.sigma[k]!) * f;
  return { expectedFree: Math.max(0, forecast.capacity - mean), probabilityFree: normalCdf((forecast.capacity - 0.5 - mean) / sigma) };
}
