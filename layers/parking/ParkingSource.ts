import { clockTimeAt, type ClockState } from '../../workers/formats/history.js';
import { PARKING_SITES_PATH, PARKING_TOPIC, type ParkingUpdate } from '../../workers/formats/parking.js';
import type { NgsiEntity } from '../../workers/parking/fiware.js';
import { serverApiRequest } from '../../viewer/src/platform/serverApi.js';
import { TopicFeed, type TopicFeedConnection } from '../../viewer/src/platform/TopicFeed.js';
import { afterSeekShown } from '../../viewer/src/platform/seekFirst.js';
import { watch, type ViewerStore } from '../../viewer/src/platform/ViewerStore.js';
import { parkingEntriesFromFiware, type ParkingModel } from './ParkingModel.js';

/** While a replay plays, the sites are asked again each time the replayed clock moves this far. */
const REPLAY_RELOAD_MS = 60_000;
/** The model's clock follows the viewer's this often (a status ages into outdated; a replay advances). */
const TICK_MS = 1000;

export interface ParkingSourceOptions {
  apiBase: string;
  /** ws:// or wss:// URL of the broker; undefined: no live feed (the sites load once). */
  mqttUrl: string | undefined;
  viewer: ViewerStore;
  model: ParkingModel;
  onConnection(state: TopicFeedConnection | 'replay'): void;
  onError(message: string | null): void;
}

/**
 * Feeds the ParkingModel from the server: `GET /api/parking/sites` at start and after each
 * (re)connect, then the live `ParkingUpdate`s of PARKING_TOPIC. It follows the viewer's one
 * clock: in a replay it loads `?at=` the replay's time on each seek, and again as a playing
 * replay moves on by a replayed minute (the live feed is not applied meanwhile); back to live it
 * loads the current sites. Only the latest request's answer applies (a seek overtakes a load).
 */
export class ParkingSource {
  private feed: TopicFeed | undefined;
  private generation = 0;
  /** Seeks and returns to live so far: a seek's load that waited for the sensors goes ahead only if it is still the latest. */
  private clockChanges = 0;
  /** The seek (its clockChanges) whose counts are still to load. */
  private seekLoading: number | undefined;
  /** The replay time last loaded (NaN live). */
  private loadedAt = Number.NaN;
  private readonly stops: (() => void)[] = [];

  constructor(private readonly options: ParkingSourceOptions) {}

  start(): void {
    const { viewer, model, mqttUrl } = this.options;
    if (mqttUrl)
      this.feed = new TopicFeed({
        mqttUrl,
        topic: PARKING_TOPIC,
        onConnection: (state) => viewer.getState().clock.mode === 'live' && this.options.onConnection(state),
        // What was published while disconnected: the whole list again.
        onSubscribed: () => viewer.getState().clock.mode === 'live' && void this.load(undefined),
        onPayload: (payload) => {
          if (viewer.getState().clock.mode !== 'live' || payload.length === 0) return;
          const update = readUpdate(payload);
          if (update) model.apply(update);
        },
      });
    this.feed?.start();
    const follow = (clock: ClockState, previous: ClockState | undefined): void => {
      if (clock.mode === 'live') {
        if (previous?.mode !== 'replay') return;
        this.clockChanges++; // a replay's load still waiting is not wanted any more
        this.seekLoading = undefined;
        this.loadedAt = Number.NaN;
        model.setTime(Date.now());
        void this.load(undefined);
        return;
      }
      const time = clockTimeAt(clock, Date.now());
      // A pause or a new speed leaves the time where it was: nothing to load.
      if (previous?.mode === 'replay' && Math.abs(clockTimeAt(previous, Date.now()) - time) < 1000) return;
      this.options.onConnection('replay');
      // After the seek's sensors are on screen (seekFirst); a later clock change meanwhile loads instead.
      const mine = ++this.clockChanges;
      this.loadedAt = time; // the playing replay's reload counts from here, not from the previous seek
      this.seekLoading = mine;
      void afterSeekShown(viewer)
        .then(async () => {
          if (mine === this.clockChanges) await this.load(time);
        })
        .finally(() => this.seekLoading === mine && (this.seekLoading = undefined));
    };
    this.stops.push(watch(viewer, (s) => s.clock, follow));
    if (viewer.getState().clock.mode === 'replay') follow(viewer.getState().clock, undefined);
    else if (!mqttUrl) void this.load(undefined);
    const timer = setInterval(() => {
      const clock = viewer.getState().clock;
      const time = clockTimeAt(clock, Date.now());
      // Not while a seek's counts are on their way: the old counts judged at the new time would be drawn for nothing.
      if (this.seekLoading === undefined) model.setTime(time);
      if (clock.mode === 'replay' && clock.playing && Math.abs(time - this.loadedAt) >= REPLAY_RELOAD_MS) void this.load(time);
    }, TICK_MS);
    this.stops.push(() => clearInterval(timer));
  }

  /** Loads every site at `at` (a replay time) or now (undefined) into the model. */
  async load(at: number | undefined): Promise<void> {
    const mine = ++this.generation;
    if (at !== undefined) this.loadedAt = at;
    const query = at === undefined ? '' : `?at=${encodeURIComponent(new Date(at).toISOString())}`;
    try {
      const body = await serverApiRequest<NgsiEntity[]>(this.options.apiBase, 'GET', `${PARKING_SITES_PATH}${query}`);
      if (mine !== this.generation) return;
      const entries = parkingEntriesFromFiware(body);
      this.options.model.replaceAll(entries, at ?? Date.now());
      this.options.onError(null);
    } catch (error) {
      if (mine === this.generation) this.options.onError((error as Error).message);
    }
  }

  stop(): void {
    this.generation++;
    this.feed?.stop();
    for (const stop of this.stops.splice(0)) stop();
  }
}

/** A ParkingUpdate from the topic's bytes; anything else is dropped (the feed goes on). */
export function readUpdate(payload: Uint8Array): ParkingUpdate | undefined {
  try {
    const update = JSON.parse(new TextDecoder().decode(payload)) as ParkingUpdate;
    if (!update || !Array.isArray(update.states)) return undefined;
    const states = update.states.filter(
      (s) =>
        s &&
        typeof s.siteId === 'string' &&
        Number.isFinite(s.observedAt) &&
        Number.isInteger(s.availableSpotNumber) &&
        s.availableSpotNumber >= 0 &&
        (s.levels === undefined ||
          (Array.isArray(s.levels) && s.levels.every((l) => typeof l?.levelId === 'string' && Number.isInteger(l.availableSpotNumber)))),
    );
    return { at: Number(update.at), states };
  } catch {
    return undefined;
  }
}
