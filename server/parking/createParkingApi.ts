import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { PARKING_FORECAST_PATH, PARKING_SITES_PATH, type ParkingState } from '../../workers/formats/parking.js';
import { parseIsoTime, type QueryParsed } from '../../workers/history/parseHistoryQuery.js';
import { parkingToFiware } from '../../workers/parking/fiware.js';
import { ParkingLiveState, parkingHistoryDocument } from '../../workers/parking/parkingLiveState.js';
import { admitReadOr503, KEPT_FROM_HEADER } from '../history/createHistoryApi.js';
import type { ObservationHistory } from '../history/ObservationHistory.js';
import { observationsPage } from '../live/sensorThingsObservations.js';
import { requestTarget } from '../requestTarget.js';
import type { ParkingService } from './startParkingService.js';
import { levelSeries } from './levelSeries.js';

const gzipAsync = promisify(gzip);

/** The time the states of a sites document are for (ms since the epoch). */
export const PARKING_AT_HEADER = 'CIM-Parking-At';
/** How far past the server's clock `at` may be (a viewer's clock a little ahead), as the history API allows. */
const CLOCK_SLACK_MS = 60_000;
/** An `at` this close to now is answered from the live states, not the store. */
const LIVE_WINDOW_MS = 1000;
/** A history window when none is asked for: the last day. */
const DEFAULT_HISTORY_MS = 24 * 3_600_000;

export interface ParkingApiOptions {
  service: ParkingService;
  history: Pick<ObservationHistory, 'stateAt' | 'series' | 'aggregates' | 'range' | 'retention' | 'admitRead'>;
  now?: () => number;
}

/**
 * The parking API (workers/formats/parking.ts): every site as NGSI-LD entities now or at a past
 * time (the store's state at T), a site's counts over a window, every site's forecast. Reads
 * only; a parameter that cannot be read is a 400 naming it, an unknown site a 404. Store reads
 * wait in turn with the ingest under the history's read cap; past it they get a 503.
 * Returns false for paths that are not its own.
 */
export function createParkingApi(options: ParkingApiOptions): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  const { service, history } = options;
  const now = options.now ?? Date.now;
  const siteIndex = new Map(service.sites.map((site, i) => [site.id, i]));

  /** A store read under the history's one read cap (shared with the history and SensorThings APIs), or its 503. */
  const storeRead = async (response: ServerResponse, read: () => Promise<void>): Promise<void> => {
    const done = admitReadOr503(history, response);
    if (!done) return;
    try {
      await read();
    } finally {
      done();
    }
  };

  return async (request, response) => {
    const { path, query, publicBase } = requestTarget(request);
    // A parking level's Datastream and its Observations, SensorThings-style (the sensors' API knows only its catalogue).
    const sensorThings = /^\/v1\.1\/Datastreams\((\d+)\)(\/Observations)?$/.exec(path);
    if (sensorThings) {
      const datastream = Number(sensorThings[1]);
      const slot = service.streams.slot(datastream);
      if (slot < 0 || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
      if (!sensorThings[2]) return (sendJson(response, 200, levelDatastreamJson(service, slot, datastream, publicBase)), true);
      await storeRead(response, async () => {
        const answer = await observationsPage(history, datastream, query, publicBase);
        sendJson(response, answer.status, answer.body);
      });
      return true;
    }
    if (path !== '/api/parking' && !path.startsWith('/api/parking/')) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      sendJson(response, 405, { error: 'the parking API is read-only: GET only' });
      return true;
    }
    /** The parsed value, or undefined after the 400 naming the parameter was sent. */
    const read = <T>(parsed: QueryParsed<T>): T | undefined => {
      if ('value' in parsed) return parsed.value;
      sendJson(response, 400, { error: parsed.message, parameter: parsed.parameter });
      return undefined;
    };
    /** An optional ISO time parameter: null when absent, undefined after a 400. */
    const time = (name: string): number | null | undefined => {
      const text = query.get(name);
      return text === null ? null : read(parseIsoTime(text, name));
    };
    const serverNow = now();
    const notAfterNow = (name: string, value: number): boolean =>
      value <= serverNow + CLOCK_SLACK_MS ||
      (read<never>({
        parameter: name,
        message: `${name} (${new Date(value).toISOString()}) is after the server's clock (${new Date(serverNow).toISOString()})`,
      }),
      false);

    if (path === PARKING_SITES_PATH) {
      const asked = time('at');
      if (asked === undefined || (asked !== null && !notAfterNow('at', asked))) return true;
      const at = asked ?? serverNow;
      await service.restored;
      if (Math.abs(serverNow - at) <= LIVE_WINDOW_MS || at > serverNow) return (await sendSites(request, response, service, service.live.states(), at), true);
      await storeRead(response, async () => {
        const [columns, range] = await Promise.all([history.stateAt(at, []), history.range()]);
        // The states then: the last reading of each level at or before `at`, whenever it arrived.
        const then = new ParkingLiveState(service.streams);
        for (let i = 0; i < columns.count; i++) then.observe(columns.datastream[i]!, columns.time[i]!, columns.result[i]!);
        if (range.rawFrom === null) response.setHeader(KEPT_FROM_HEADER, 'none');
        else if (at < range.rawFrom) response.setHeader(KEPT_FROM_HEADER, new Date(range.rawFrom).toISOString());
        await sendSites(request, response, service, then.states(), at);
      });
      return true;
    }

    const historyPath = /^\/api\/parking\/sites\/([^/]+)\/history$/.exec(path);
    if (historyPath) {
      const index = siteIndex.get(historyPath[1]!);
      if (index === undefined) return (sendJson(response, 404, { error: `no parking site ${clip(historyPath[1]!)}` }), true);
      const to = time('to');
      if (to === undefined) return true;
      const from = time('from');
      if (from === undefined) return true;
      const window = { to: to ?? serverNow, from: from ?? (to ?? serverNow) - DEFAULT_HISTORY_MS };
      if (window.to < window.from)
        return (
          read<never>({ parameter: 'to', message: `to (${new Date(window.to).toISOString()}) is before from (${new Date(window.from).toISOString()})` }),
          true
        );
      const longest = history.retention.downsampledMs;
      if (window.to - window.from > longest)
        return (read<never>({ parameter: 'from', message: `the window is longer than the ${longest / 86_400_000} days the store keeps` }), true);
      await storeRead(response, async () => {
        const site = service.sites[index]!;
        const { rawFrom } = await history.range();
        const series = [];
        for (let level = 0; level < site.levels.length; level++)
          series.push(await levelSeries(history, service.streams.datastream(index, level), window.from, window.to, rawFrom));
        sendJson(response, 200, parkingHistoryDocument(site, series));
      });
      return true;
    }

    if (path === PARKING_FORECAST_PATH) {
      sendJson(response, 200, await service.forecasts());
      return true;
    }
    sendJson(response, 404, {
      error: `no ${clip(path)}: the parking API has ${PARKING_SITES_PATH}[?at=], ${PARKING_SITES_PATH}/{id}/history and ${PARKING_FORECAST_PATH}`,
    });
    return true;
  };
}

/** The sites document: 2.7 MB of JSON for the 1,354 seed sites, 94 kB gzipped at level 1 (~0.1 s, off the event loop; level 6 saves 25 kB for twice the time). */
async function sendSites(
  request: IncomingMessage,
  response: ServerResponse,
  service: ParkingService,
  states: readonly (ParkingState | null)[],
  at: number,
): Promise<void> {
  const body = JSON.stringify(service.sites.flatMap((site, i) => parkingToFiware(site, states[i] ?? null, at)));
  const headers: Record<string, string> = {
    'Content-Type': 'application/ld+json; charset=utf-8',
    'Cache-Control': 'no-store',
    Vary: 'Accept-Encoding',
    [PARKING_AT_HEADER]: String(at),
  };
  if (!/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return void response.writeHead(200, headers).end(body);
  const compressed = await gzipAsync(body, { level: 1 });
  response.writeHead(200, { ...headers, 'Content-Encoding': 'gzip' }).end(compressed);
}

/** SensorThings JSON of a parking level's Datastream: its result is the level's free spaces. */
function levelDatastreamJson(service: ParkingService, slot: number, datastream: number, base: string): object {
  const site = service.sites[service.streams.siteOfSlot(slot)]!;
  const level = site.levels[service.streams.levelOfSlot(slot)]!;
  return {
    '@iot.id': datastream,
    '@iot.selfLink': `${base}/v1.1/Datastreams(${datastream})`,
    name: `${site.name} ${level.name} · 空余车位`,
    description: `Free spaces of level ${level.id} at parking site ${site.id} (${site.occupancyDetectionType === 'balancing' ? 'gate count' : 'berth detectors'})`,
    observationType: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_CountObservation',
    unitOfMeasurement: { name: 'parking space', symbol: '{spaces}', definition: 'http://unitsofmeasure.org/ucum.html#para-30' },
    ObservedProperty: { name: 'free parking spaces', definition: 'urn:cim-twin:property:parking_free_spaces' },
    properties: { parkingSite: site.id, level: level.id, capacity: level.capacity, occupancyDetectionType: site.occupancyDetectionType },
    'Observations@iot.navigationLink': `${base}/v1.1/Datastreams(${datastream})/Observations`,
  };
}

function sendJson(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
