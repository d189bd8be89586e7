import { PARKING_TOPIC, type ParkingForecastsDocument, type ParkingSite, type ParkingState, type ParkingUpdate } from '../../workers/formats/parking.js';
import { FORECAST_STEP_MS, persistenceProfile, type ParkingProfile } from '../../workers/parking/forecast.js';
import { ParkingDatastreams, ParkingLiveState } from '../../workers/parking/parkingLiveState.js';
import { PARKING_MODEL_SEED, simulatedProfile, siteForecast } from '../../workers/parking/simulatedParking.js';
import type { ObservationHistory } from '../history/ObservationHistory.js';
import type { Observation } from '../live/LiveObservations.js';
import { type ProfileHistory, storedProfiles } from './storedProfiles.js';

/** The live feed's pace: one ParkingUpdate a second at most, with the sites changed since the last. */
export const PARKING_UPDATE_INTERVAL_MS = 1000;
/** Forecasts are recomputed this often at most (off the request path). */
export const PARKING_FORECAST_INTERVAL_MS = 5 * 60_000;
/**
 * The profiles are learnt this long after start, or at the first forecast request if that comes
 * sooner: `npm start` and short test servers never pay for them (a simulated week per site is
 * ~3 s of CPU for 1,354 sites; reading four weeks of the store, ~2,000 level reads).
 */
export const PARKING_PROFILE_DELAY_MS = 30_000;
/** Profiles are learnt again this often: a store that has come to hold a week is used from then on, and the profiles follow the season. */
export const PARKING_PROFILE_RELEARN_MS = 24 * 3_600_000;
/**
 * Profiles are learnt in turns of the event loop of at most this long (ms), so requests keep flowing meanwhile. A
 * request waits for a turn at each of its steps (parse, sign-in, each store read, the answer): turns of 20 sites
 * (8 ms quiet, 40 ms and more on a loaded machine): in bench:replay the seek that coincided with the learning
 * waited 1.2 s for its state at T, the others 0.25–0.4 s.
 */
const PROFILE_TURN_MS = 4;

export interface ParkingServiceOptions {
  sites: readonly ParkingSite[];
  streams: ParkingDatastreams;
  history: Pick<ObservationHistory, 'stateAt'> & ProfileHistory;
  /** Publishes on the broker as the server (PARKING_TOPIC). */
  publish: (topic: string, payload: Buffer) => void;
  now?: () => number;
  /**
   * What stands in for a site's profile while the store holds less than a week of its history:
   * `simulated` — a week of the simulator's occupancy model (the demo, whose counts come from
   * that model); `persistence` (default) — the last count with a wide band, for a deployment
   * whose counts are real.
   */
  standIn?: 'simulated' | 'persistence';
  /** The occupancy model's seed the simulated stand-in learns from (the simulator's). */
  seed?: number;
  profileDelayMs?: number;
  log?: (line: string) => void;
}

/** Where the current profiles came from, sites each. */
export interface ProfileSources {
  store: number;
  simulated: number;
  persistence: number;
}

export interface ParkingService {
  readonly sites: readonly ParkingSite[];
  readonly streams: ParkingDatastreams;
  readonly live: ParkingLiveState;
  /** The broker's accepted observations go here (the backbone's onObservation). */
  observe(observation: Observation): void;
  /** Resolves once the states held in the store at start have been read back. */
  readonly restored: Promise<void>;
  /** The latest forecasts (learning the profiles first if that has not happened yet). */
  forecasts(): Promise<ParkingForecastsDocument>;
  counters(): { updates: number; refused: number; forecastMs: number | null; profilesMs: number | null; profileSources: ProfileSources };
  close(): void;
}

/**
 * The parking service: each site's latest state from the level observations the broker accepts
 * (ParkingLiveState), the live feed on PARKING_TOPIC (at most once a second, the sites that
 * changed), and every site's forecast, recomputed at most every PARKING_FORECAST_INTERVAL_MS by
 * a timer (a request reads the last one). At start it reads the sites' last states back from
 * the store, so a restart shows what was counted before it.
 */
export function startParkingService(options: ParkingServiceOptions): ParkingService {
  const { sites, streams } = options;
  const now = options.now ?? Date.now;
  const seed = options.seed ?? PARKING_MODEL_SEED;
  const log = options.log ?? ((line: string) => console.warn(line));
  const live = new ParkingLiveState(streams);
  let updates = 0;
  let forecastMs: number | null = null;
  let profilesMs: number | null = null;
  let closed = false;

  const restored = (async () => {
    // No silence limits: parking judges outdated counts itself (parkingStatus).
    const columns = await options.history.stateAt(now(), []);
    for (let i = 0; i < columns.count; i++) live.observe(columns.datastream[i]!, columns.time[i]!, columns.result[i]!);
  })().catch((error: unknown) => log(`parking: could not read the last counts back from the store (${String(error)}); starting empty`));

  const updateTimer = setInterval(() => {
    const states: ParkingState[] = live.takeChanged();
    if (states.length === 0) return;
    const update: ParkingUpdate = { at: now(), states };
    updates++;
    options.publish(PARKING_TOPIC, Buffer.from(JSON.stringify(update)));
  }, PARKING_UPDATE_INTERVAL_MS);
  updateTimer.unref();

  let profiles: Promise<ParkingProfile[]> | undefined;
  const profileSources: ProfileSources = { store: 0, simulated: 0, persistence: 0 };
  const standIn = options.standIn ?? 'persistence';
  // Each site's own stored occupancy once the store holds a week of it; the stand-in before.
  const learnProfiles = (): Promise<ParkingProfile[]> =>
    (profiles ??= (async () => {
      const started = performance.now();
      const end = now();
      const stored = await storedProfiles(options.history, sites, streams, end, { isClosed: () => closed });
      const out: ParkingProfile[] = [];
      const sources: ProfileSources = { store: 0, simulated: 0, persistence: 0 };
      let turnStarted = performance.now();
      for (let k = 0; k < sites.length && !closed; k++) {
        const site = sites[k]!;
        const learnt = stored[k];
        const source = learnt ? 'store' : standIn;
        sources[source]++;
        out.push(learnt ?? (standIn === 'simulated' ? simulatedProfile(site, end, seed) : persistenceProfile(site.capacity)));
        if (performance.now() - turnStarted >= PROFILE_TURN_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          turnStarted = performance.now();
        }
      }
      if (closed) throw new Error('the parking service closed while learning its profiles');
      profilesMs = performance.now() - started;
      Object.assign(profileSources, sources);
      log(
        `parking: forecast profiles — ${sources.store} site(s) from their stored occupancy, ${sources.simulated} from a simulated week, ` +
          `${sources.persistence} persistence (under a week of stored history), in ${(profilesMs / 1000).toFixed(1)} s`,
      );
      return out;
    })().catch((error: unknown) => {
      profiles = undefined; // the next forecast tries again
      throw error;
    }));

  let latest: { document: ParkingForecastsDocument; at: number } | undefined;
  let computing: Promise<ParkingForecastsDocument> | undefined;
  const recompute = (): Promise<ParkingForecastsDocument> =>
    (computing ??= (async () => {
      try {
        const learnt = await learnProfiles();
        const started = performance.now();
        const at = now();
        // In turns, as the profiles are: in one piece it held the event loop 20–470 ms every 5 minutes (a seek's state at T waited).
        const document: ParkingForecastsDocument = { from: at, stepMs: FORECAST_STEP_MS, sites: [] };
        let turnStarted = performance.now();
        for (let i = 0; i < sites.length && !closed; i++) {
          document.sites.push(siteForecast(sites[i]!, learnt[i]!, live.recent(i), at));
          if (performance.now() - turnStarted >= PROFILE_TURN_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            turnStarted = performance.now();
          }
        }
        if (closed) throw new Error('the parking service closed while forecasting');
        forecastMs = performance.now() - started;
        latest = { document, at };
        return document;
      } finally {
        computing = undefined;
      }
    })());
  const refresh = (): void =>
    void recompute().catch((error: unknown) => {
      if (!closed) log(`parking: forecast failed (${String(error)})`);
    });
  const profileTimer = setTimeout(refresh, options.profileDelayMs ?? PARKING_PROFILE_DELAY_MS);
  profileTimer.unref();
  const forecastTimer = setInterval(refresh, PARKING_FORECAST_INTERVAL_MS);
  forecastTimer.unref();
  // The next forecast learns the profiles again (until then the current ones serve).
  const relearnTimer = setInterval(() => {
    const current = profiles;
    void current?.then(() => profiles === current && (profiles = undefined)).catch(() => undefined);
  }, PARKING_PROFILE_RELEARN_MS);
  relearnTimer.unref();

  return {
    sites,
    streams,
    live,
    observe: (observation) => void live.observe(observation.datastream, observation.time, observation.result),
    restored,
    // The timer keeps the forecasts fresh; only the very first is waited for.
    forecasts: async () => latest?.document ?? recompute(),
    counters: () => ({ updates, refused: live.refused, forecastMs, profilesMs, profileSources: { ...profileSources } }),
    close: () => {
      closed = true;
      clearInterval(updateTimer);
      clearTimeout(profileTimer);
      clearInterval(forecastTimer);
      clearInterval(relearnTimer);
    },
  };
}
