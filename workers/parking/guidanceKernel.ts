import type { ParkingForecast, ParkingForecastsDocument, ParkingGuidanceEntry, ParkingSite, ParkingState } from '../formats/parking.js';
import type { RoadGraphDocument } from '../formats/roadGraph.js';
import { roadGraphFromDocument } from '../routing/roadGraphDocument.js';
import { DEFAULT_PARKING_STATUS_RULES } from '../formats/parking.js';
import type { WorkerHandlers } from '../protocol/WorkerRequests.js';
import { ParkingGuide } from './guidance.js';

/** `parking.load`: the road graph (its file's bytes, moved) and the sites guidance chooses from. */
export interface ParkingGuidanceLoad {
  graph: ArrayBuffer | RoadGraphDocument;
  sites: Pick<ParkingSite, 'id' | 'name' | 'lon' | 'lat' | 'capacity'>[];
}

export interface ParkingGuidanceLoaded {
  sites: number;
  /** Graph parse, three routers and every site snapped. */
  milliseconds: number;
}

/** `parking.guide`: a destination and an arrival time, as `cimTwin.parking.guide` takes them. */
export interface ParkingGuideRequest {
  destination: { lon: number; lat: number };
  arriveInMinutes: number;
  /** Where the drive starts (default: the destination). */
  from?: { lon: number; lat: number };
  /** The current time (ms): the caller's clock, so a test can fix it. */
  now: number;
  limit?: number;
}

export interface ParkingGuideAnswer {
  entries: ParkingGuidanceEntry[];
  /** Time spent in the worker on this request (forecast corrections + routing + ranking). */
  milliseconds: number;
  /** Sites whose forecast start was corrected by a count newer than the forecast. */
  corrected: number;
}

/**
 * How long a count newer than the forecast keeps correcting it: its difference from the
 * forecast's mean at the count's time is carried in full at that time and fades linearly to
 * nothing over this span. Persistence is as good as the forecast at 15 minutes and worse beyond
 * (docs/parking.md, the backtest), so a fresh count should steer the near steps and leave the
 * hour's end to the forecast.
 */
export const COUNT_CORRECTION_FADE_MS = 60 * 60_000;

/**
 * The forecast with its start corrected by a newer count: d = occupied counted − forecast mean at
 * the count's time; each step's mean moves by d × (1 − age / COUNT_CORRECTION_FADE_MS), the age
 * measured from the count, and is clamped to [0, capacity] (σ kept: the count does not make the
 * forecast surer further out). A count older than the forecast, outdated (30 min), or from
 * another capacity changes nothing (the same forecast object is returned).
 */
export function correctForecastWithCount(forecast: ParkingForecast, state: ParkingState | undefined, now: number): ParkingForecast {
  if (!state || state.observedAt <= forecast.from || now - state.observedAt > DEFAULT_PARKING_STATUS_RULES.outdatedAfterMs) return forecast;
  const capacity = forecast.capacity;
  const occupied = capacity - Math.max(0, Math.min(capacity, state.availableSpotNumber));
  const steps = forecast.mean.length;
  const position = (state.observedAt - forecast.from) / forecast.stepMs - 1;
  const k = Math.min(steps - 1, Math.max(0, Math.floor(position)));
  const next = Math.min(steps - 1, k + 1);
  const f = Math.min(1, Math.max(0, position - k));
  const difference = occupied - (forecast.mean[k]! + (forecast.mean[next]! - forecast.mean[k]!) * f);
  if (difference === 0) return forecast;
  const mean = new Float32Array(steps);
  const lo = new Float32Array(steps);
  const hi = new Float32Array(steps);
  for (let i = 0; i < steps; i++) {
    const at = forecast.from + (i + 1) * forecast.stepMs;
    const weight = Math.max(0, 1 - Math.max(0, at - state.observedAt) / COUNT_CORRECTION_FADE_MS);
    const shift = difference * weight;
    mean[i] = Math.min(capacity, Math.max(0, forecast.mean[i]! + shift));
    lo[i] = Math.min(capacity, Math.max(0, forecast.lo[i]! + shift));
    hi[i] = Math.min(capacity, Math.max(0, forecast.hi[i]! + shift));
  }
  return { ...forecast, mean, lo, hi };
}

/** A forecast document's site as the kernel's typed forecast. */
function forecastOf(document: ParkingForecastsDocument, site: ParkingForecastsDocument['sites'][number]): ParkingForecast {
  return {
    from: document.from,
    stepMs: document.stepMs,
    capacity: site.capacity,
    mean: Float32Array.from(site.mean),
    lo: Float32Array.from(site.lo),
    hi: Float32Array.from(site.hi),
    sigma: Float32Array.from(site.sigma),
  };
}

/** A request the kernel cannot answer: names what is missing or wrong. */
export class ParkingGuidanceError extends Error {
  override name = 'ParkingGuidanceError';
}

/**
 * The guidance worker's state: the road graph and sites (ParkingGuide), every site's forecast
 * (the server's document, replaced every few minutes) and the latest count of each site (the live
 * feed), which corrects the forecast's start at each request — so the ranking follows occupancy
 * between forecast refreshes.
 */
export class ParkingGuidanceKernel {
  private guideOf: ParkingGuide | null = null;
  private index = new Map<string, number>();
  private forecasts: (ParkingForecast | null)[] = [];
  private readonly latest = new Map<string, ParkingState>();

  load({ graph, sites }: ParkingGuidanceLoad): ParkingGuidanceLoaded {
    const started = performance.now();
    if (!Array.isArray(sites) || sites.length === 0) throw new ParkingGuidanceError('parking.load: no sites');
    this.guideOf = new ParkingGuide(roadGraphFromDocument(graph), sites);
    this.index = new Map(sites.map((s, i) => [s.id, i]));
    this.forecasts = sites.map(() => null);
    return { sites: sites.length, milliseconds: performance.now() - started };
  }

  /** Replaces every forecast; a site the document does not list has none (it is left out of guidance). Returns how many sites got one. */
  setForecasts(document: ParkingForecastsDocument): number {
    if (!this.guideOf) throw new ParkingGuidanceError('parking.forecasts: no sites loaded (send parking.load first)');
    if (!Number.isFinite(document?.from) || !(document.stepMs > 0) || !Array.isArray(document.sites))
      throw new ParkingGuidanceError('parking.forecasts: not a forecasts document (from, stepMs, sites)');
    const forecasts: (ParkingForecast | null)[] = this.guideOf.sites.map(() => null);
    let count = 0;
    for (const site of document.sites) {
      const i = this.index.get(site.siteId);
      if (i === undefined || site.mean.length === 0 || site.mean.length !== site.sigma.length) continue;
      forecasts[i] = forecastOf(document, site);
      count++;
    }
    this.forecasts = forecasts;
    return count;
  }

  /** Keeps the newest count of each site (older ones arriving late are ignored). */
  setStates(states: readonly ParkingState[]): void {
    for (const state of states) {
      const known = this.latest.get(state.siteId);
      if (this.index.has(state.siteId) && (!known || known.observedAt <= state.observedAt)) this.latest.set(state.siteId, state);
    }
  }

  guide({ destination, arriveInMinutes, from, now, limit }: ParkingGuideRequest): ParkingGuideAnswer {
    const started = performance.now();
    const guide = this.guideOf;
    if (!guide) throw new ParkingGuidanceError('parking.guide: no sites loaded (send parking.load first)');
    if (!Number.isFinite(destination?.lon) || !Number.isFinite(destination?.lat) || Math.abs(destination.lon) > 180 || Math.abs(destination.lat) > 90)
      throw new ParkingGuidanceError(`parking.guide: the destination is not a lon/lat point (${JSON.stringify(destination)})`);
    if (!Number.isFinite(now)) throw new ParkingGuidanceError('parking.guide: now is not a time');
    let corrected = 0;
    const forecasts = guide.sites.map((site, i) => {
      const forecast = this.forecasts[i];
      if (!forecast) return null;
      const better = correctForecastWithCount(forecast, this.latest.get(site.id), now);
      if (better !== forecast) corrected++;
      return better;
    });
    const entries = guide.guide(destination, { arriveInMinutes, forecasts, now, ...(from ? { from } : {}), ...(limit !== undefined ? { limit } : {}) });
    return { entries, milliseconds: performance.now() - started, corrected };
  }
}

/** The handlers of the parking worker's requests, over one kernel (the worker entry serves them; tests serve them on a port). */
export function parkingRequestHandlers(kernel = new ParkingGuidanceKernel()): WorkerHandlers<'parking'> {
  return {
    'parking.load': (request) => kernel.load(request),
    'parking.forecasts': (document) => kernel.setForecasts(document),
    'parking.states': (states) => kernel.setStates(states),
    'parking.guide': (request) => kernel.guide(request),
  };
}
