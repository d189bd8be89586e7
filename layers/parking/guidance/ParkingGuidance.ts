import { createStore, type StoreApi } from 'zustand/vanilla';
import { PARKING_FORECAST_PATH, type ParkingForecastsDocument, type ParkingGuidanceEntry, type ParkingState } from '../../../workers/formats/parking.js';
import type { ViewerConfig } from '../../../workers/formats/viewerConfig.js';
import { serverApiRequest } from '../../../viewer/src/platform/serverApi.js';
import type { WorkerHost } from '../../../viewer/src/platform/WorkerHost.js';
import type { ParkingModel } from '../ParkingModel.js';

/** The arrival times offered in the panel (minutes from now). */
export const ARRIVAL_CHOICES = [0, 15, 30, 60] as const;
/** The server's forecasts are asked again this often. */
export const FORECAST_REFRESH_MS = 5 * 60_000;
/** Live counts reach the worker, and an open ranking is worked out again, at most this often. */
const RERANK_MS = 2000;

export interface GuidanceDestination {
  lon: number;
  lat: number;
  /** What the user chose (a search hit's name, an incident's headline); empty for a map click. */
  label: string;
}

/** What the guidance panel and the route on the map show (plain data). */
export interface GuidanceView {
  destination: GuidanceDestination | null;
  /** Where the drive starts; null: from the destination's own street (the panel offers no start yet). */
  from: { lon: number; lat: number } | null;
  arriveInMinutes: number;
  entries: ParkingGuidanceEntry[];
  /** The site whose route is drawn. */
  selected: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  message: string | null;
  /** The last answer's time in the worker (ms). */
  workerMs: number | null;
  /** A map click will set the destination. */
  picking: boolean;
  /** Bumped each time the ranking is worked out again (live counts moved it). */
  revision: number;
}

export type GuidanceStore = StoreApi<GuidanceView & { set(partial: Partial<GuidanceView>): void }>;

/** `cimTwin.parking.guide`'s options. */
export interface GuideOptions {
  arriveInMinutes?: number;
  from?: { lon: number; lat: number };
  limit?: number;
}

/** The road graph a deployment routes on: the parking layer's own `roadGraph`, else emergency routing's (the same routable graph). */
export function roadGraphUrlOf(config: ViewerConfig): string | undefined {
  for (const layer of config.layers) {
    const own = (layer as { roadGraph?: unknown }).roadGraph;
    if (layer.kind === 'parking' && typeof own === 'string') return own;
  }
  for (const layer of config.layers) {
    const impact = (layer as { impact?: { roadGraph?: unknown } }).impact;
    if (typeof impact?.roadGraph === 'string') return impact.roadGraph;
  }
  return undefined;
}

/**
 * Parking guidance for one viewer: loads the parking worker on first use (the road graph, the
 * model's sites, the server's forecasts — asked again every 5 minutes), passes it the live counts,
 * and keeps the panel's view: destination, arrival time, the ranked sites, the one selected. An
 * open ranking is worked out again when counts change (at most every 2 s).
 */
export class ParkingGuidance {
  readonly store: GuidanceStore = createStore<GuidanceView & { set(partial: Partial<GuidanceView>): void }>()((set) => ({
    destination: null,
    from: null,
    arriveInMinutes: 15,
    entries: [],
    selected: null,
    status: 'idle',
    message: null,
    workerMs: null,
    picking: false,
    revision: 0,
    set: (partial) => set(partial),
  }));
  private loading: Promise<void> | undefined;
  private readonly stops: (() => void)[] = [];
  private pendingStates = new Map<string, ParkingState>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private destroyed = false;

  constructor(
    private readonly model: ParkingModel,
    private readonly workers: WorkerHost,
    private readonly options: { apiBase: string; baseUrl: string; roadGraphUrl: string | undefined },
  ) {}

  /** Loads the worker once (road graph, sites, forecasts); later calls wait for the same load. */
  ready(): Promise<void> {
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    const url = this.options.roadGraphUrl;
    if (!url) throw new Error('parking guidance: no road graph is configured');
    const graphResponse = fetch(new URL(url, this.options.baseUrl));
    if (this.model.size === 0)
      await new Promise<void>((resolve, reject) => {
        const timeout = setTimeout(() => (stop(), reject(new Error('parking guidance: no parking sites loaded within 30 s'))), 30_000);
        const stop = this.model.subscribe(() => this.model.size > 0 && (clearTimeout(timeout), stop(), resolve()));
      });
    const response = await graphResponse;
    if (!response.ok) throw new Error(`parking guidance: road graph ${url}: HTTP ${response.status}`);
    const sites = this.model.sites().map(({ id, name, lon, lat, capacity }) => ({ id, name, lon, lat, capacity }));
    await this.workers.request('parking.load', { graph: await response.arrayBuffer(), sites });
    await this.refreshForecasts();
    await this.workers.request(
      'parking.states',
      sites.flatMap((s) => this.model.state(s.id) ?? []),
    );
    if (this.destroyed) return;
    const timer = setInterval(
      () => void this.refreshForecasts().catch((error: Error) => this.store.getState().set({ message: error.message })),
      FORECAST_REFRESH_MS,
    );
    this.stops.push(
      () => clearInterval(timer),
      this.model.subscribe((change) => {
        if (change.kind === 'time') return;
        const ids = change.kind === 'updated' ? change.siteIds : this.model.sites().map((s) => s.id);
        for (const id of ids) {
          const state = this.model.state(id);
          if (state) this.pendingStates.set(id, state);
        }
        this.flushTimer ??= setTimeout(() => void this.flush(), RERANK_MS);
      }),
    );
  }

  private async refreshForecasts(): Promise<void> {
    const document = await serverApiRequest<ParkingForecastsDocument>(this.options.apiBase, 'GET', PARKING_FORECAST_PATH);
    if (!this.destroyed) await this.workers.request('parking.forecasts', document);
  }

  /** Live counts to the worker, then the open ranking again. */
  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    if (this.destroyed) return;
    const states = [...this.pendingStates.values()];
    this.pendingStates = new Map();
    if (states.length > 0) await this.workers.request('parking.states', states).catch(() => undefined);
    if (this.store.getState().destination) await this.rank(true);
  }

  /** Sites ranked for a destination (the page API's `cimTwin.parking.guide`); does not change the panel. */
  async guide(destination: { lon: number; lat: number }, options: GuideOptions = {}): Promise<ParkingGuidanceEntry[]> {
    if (!Number.isFinite(destination?.lon) || !Number.isFinite(destination?.lat))
      throw new TypeError(`parking.guide: the destination must be {lon, lat} in degrees, got ${JSON.stringify(destination)}`);
    const arriveInMinutes = options.arriveInMinutes ?? 0;
    if (!Number.isFinite(arriveInMinutes) || arriveInMinutes < 0 || arriveInMinutes > 60)
      throw new RangeError(`parking.guide: arriveInMinutes must be 0–60 (the forecast's hour), got ${String(options.arriveInMinutes)}`);
    await this.ready();
    const answer = await this.workers.request('parking.guide', {
      destination: { lon: destination.lon, lat: destination.lat },
      arriveInMinutes,
      now: Date.now(),
      ...(options.from ? { from: { lon: options.from.lon, lat: options.from.lat } } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
    });
    this.store.getState().set({ workerMs: Math.round(answer.milliseconds * 10) / 10 });
    return answer.entries;
  }

  /** The panel's destination (a click, a search hit, an incident): ranks for it. */
  async setDestination(destination: GuidanceDestination, from: { lon: number; lat: number } | null = null): Promise<void> {
    this.store.getState().set({ destination, from, picking: false, selected: null, entries: [] });
    await this.rank(false);
  }

  async setArrival(arriveInMinutes: number): Promise<void> {
    this.store.getState().set({ arriveInMinutes });
    if (this.store.getState().destination) await this.rank(true);
  }

  select(siteId: string | null): void {
    this.store.getState().set({ selected: siteId });
  }

  /** Works the panel's ranking out (again); the selection is kept when its site is still offered. */
  private async rank(again: boolean): Promise<void> {
    const { destination, arriveInMinutes, from } = this.store.getState();
    if (!destination) return;
    const mine = ++this.generation;
    if (!again) this.store.getState().set({ status: 'loading', message: null });
    try {
      const entries = await this.guide(destination, { arriveInMinutes, ...(from ? { from } : {}) });
      if (mine !== this.generation || this.destroyed) return;
      const { selected, revision } = this.store.getState();
      this.store.getState().set({
        entries,
        status: 'ready',
        message: null,
        revision: revision + 1,
        selected: selected && entries.some((e) => e.siteId === selected) ? selected : null,
      });
    } catch (error) {
      if (mine === this.generation) this.store.getState().set({ status: 'error', message: (error as Error).message });
    }
  }

  destroy(): void {
    this.destroyed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const stop of this.stops.splice(0)) stop();
  }
}
