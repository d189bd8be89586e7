import type { LiveStateDocument } from '../../workers/formats/liveState.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SENSOR_TYPES, staleAfterSeconds } from '../../workers/live/sensorTypes.js';
import { type CatalogEntry, datastreamJson, thingJson } from './SensorCatalog.js';
import type { LiveObservations } from './LiveObservations.js';
import { requestTarget } from '../requestTarget.js';
import type { ObservationHistory } from '../history/ObservationHistory.js';
import { admitReadOr503 } from '../history/createHistoryApi.js';
import { observationsPage } from './sensorThingsObservations.js';

/**
 * A read-only SensorThings API v1.1 subset over the catalogue and the store — Things (with
 * their Location), Datastreams, a Datastream's Observations from the history store
 * (sensorThingsObservations.ts: $filter on phenomenonTime, $top, $orderby, $skip, keyset
 * nextLinks) — plus `/api/live/state`, the current value of every sensor in one columnar
 * document (what a client needs after a gap). Returns false for paths it does not serve.
 */
export function createSensorThingsApi(
  catalog: readonly CatalogEntry[],
  store: Pick<LiveObservations, 'latest'>,
  counters: () => object,
  options: { staleAfterSeconds?: number; history?: Pick<ObservationHistory, 'series' | 'admitRead'> } = {},
) {
  const byThing = new Map(catalog.map((e) => [e.thingId, e]));
  const typeIndex = new Map(SENSOR_TYPES.map((t, i) => [t.id, i]));

  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    // Parsed once by the server's boundary (a malformed target never gets here); links start
    // at the configured public URL, never at the client's Host header.
    const { path, query, publicBase: base } = requestTarget(request);
    if (!path.startsWith('/v1.1') && !path.startsWith('/api/live/')) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') return (send(response, 405, { error: 'read-only API: GET only' }), true);
    const top = clampInt(query.get('$top'), 100, 0, 10_000);
    const skip = clampInt(query.get('$skip'), 0, 0, Number.MAX_SAFE_INTEGER);
    let match: RegExpExecArray | null;

    if (path === '/v1.1' || path === '/v1.1/') {
      send(response, 200, { value: ['Things', 'Locations', 'Datastreams'].map((name) => ({ name, url: `${base}/v1.1/${name}` })) });
    } else if (path === '/v1.1/Datastreams') {
      send(
        response,
        200,
        page(catalog, top, skip, (e) => datastreamJson(e, base), `${base}/v1.1/Datastreams`),
      );
    } else if ((match = /^\/v1\.1\/Datastreams\((\d+)\)$/.exec(path))) {
      const entry = catalog[Number(match[1]) - 1];
      if (entry) send(response, 200, datastreamJson(entry, base));
      else send(response, 404, { error: `no Datastream ${match[1]}` });
    } else if ((match = /^\/v1\.1\/Datastreams\((\d+)\)\/Observations$/.exec(path))) {
      const id = Number(match[1]);
      if (!catalog[id - 1]) return (send(response, 404, { error: `no Datastream ${id}` }), true);
      if (options.history) {
        // Under the history's read cap like the history API: deep paging must not starve the ingest.
        const done = admitReadOr503(options.history, response);
        if (!done) return true;
        try {
          const answer = await observationsPage(options.history, id, query, base);
          return (send(response, answer.status, answer.body), true);
        } finally {
          done();
        }
      }
      send(response, 503, { error: 'no history store on this server' });
    } else if (path === '/v1.1/Things' || path === '/v1.1/Locations') {
      send(
        response,
        200,
        page(catalog, top, skip, (e) => (path.endsWith('Things') ? thingJson(e, base) : locationJson(e)), `${base}${path}`),
      );
    } else if ((match = /^\/v1\.1\/Things\('([^']+)'\)$/.exec(path))) {
      const entry = byThing.get(match[1]!);
      if (entry) send(response, 200, thingJson(entry, base));
      else send(response, 404, { error: `no Thing ${match[1]}` });
    } else if (path === '/api/live/state') {
      const latest = store.latest;
      const state: LiveStateDocument = {
        serverTime: Date.now(),
        types: SENSOR_TYPES.map((t) => ({
          id: t.id,
          nameZh: t.nameZh,
          nameEn: t.nameEn,
          unit: t.unit.symbol,
          thresholds: t.thresholds,
          color: t.color,
          periodSeconds: t.periodSeconds,
          staleAfterSeconds: staleAfterSeconds(t, options.staleAfterSeconds),
        })),
        count: catalog.length,
        ids: catalog.map((e) => e.id),
        names: catalog.map((e) => e.name),
        type: catalog.map((e) => typeIndex.get(e.type.id)!), // the catalogue's types are SENSOR_TYPES
        lon: catalog.map((e) => e.lon),
        lat: catalog.map((e) => e.lat),
        time: catalog.map((e) => (Number.isFinite(latest.time[e.id]!) ? latest.time[e.id]! : null)),
        result: catalog.map((e) => (Number.isFinite(latest.value[e.id]!) ? latest.value[e.id]! : null)),
      };
      send(response, 200, state);
    } else if (path === '/api/live/stats') {
      send(response, 200, counters());
    } else {
      send(response, 404, { error: 'not found' });
    }
    return true;
  };
}

function locationJson(entry: CatalogEntry): object {
  return { '@iot.id': entry.thingId, name: entry.name, encodingType: 'application/geo+json', location: { type: 'Point', coordinates: [entry.lon, entry.lat] } };
}

function page<T>(items: readonly T[], top: number, skip: number, toJson: (item: T) => object, self: string): object {
  const value = items.slice(skip, skip + top).map(toJson);
  const next = skip + top < items.length ? { '@iot.nextLink': `${self}?$top=${top}&$skip=${skip + top}` } : {};
  return { '@iot.count': items.length, value, ...next };
}

function clampInt(text: string | null, fallback: number, min: number, max: number): number {
  const value = text === null ? fallback : Number.parseInt(text, 10);
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function send(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}
