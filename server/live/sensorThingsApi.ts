import { mayActAs } from '../../workers/formats/dataAccess.js';
import type { LiveStateDocument } from '../../workers/formats/liveState.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SENSOR_TYPES, staleAfterSeconds } from '../../workers/live/sensorTypes.js';
import { type CatalogEntry, datastreamJson, thingJson } from './SensorCatalog.js';
import type { LiveObservations } from './LiveObservations.js';
import { requestTarget } from '../requestTarget.js';
import type { ObservationHistory } from '../history/ObservationHistory.js';
import { admitReadOr503 } from '../history/createHistoryApi.js';
import { observationsPage } from './sensorThingsObservations.js';
import type { Authenticator } from '../auth/Authenticator.js';
import type { DataReadAudit } from '../auth/DataReadAudit.js';
import { type DataRequester, requesterOr401 } from '../auth/requesterOf.js';
import { observationFeedTopic } from '../../workers/live/ObservationBatch.js';
import type { SensorAccess } from './SensorAccess.js';

/**
 * A read-only SensorThings API v1.1 subset over the catalogue and the store — Things (with
 * their Location), Datastreams, a Datastream's Observations from the history store
 * (sensorThingsObservations.ts: $filter on phenomenonTime, $top, $orderby, $skip, keyset
 * nextLinks) — plus `/api/live/state`, the current value of every sensor in one columnar
 * document (what a client needs after a gap). Returns false for paths it does not serve.
 *
 * Every answer is the requester's role's (server/live/SensorAccess.ts): lists and the state
 * document leave out the sensors on pipe categories the role may not see, such a sensor asked
 * for by id is a 403 naming the category (no values), a bad token is a 401. A pipe sensor's
 * observations read are audit-logged (`data.read`, once per user and sensor in 10 minutes).
 * `/api/live/stats` (the broker's and history's counters) is for operators and admins when
 * the server has sign-in (401 without a token, 403 for another role).
 */
export function createSensorThingsApi(
  catalog: readonly CatalogEntry[],
  store: Pick<LiveObservations, 'latest' | 'states'>,
  counters: () => object,
  options: {
    staleAfterSeconds?: number;
    history?: Pick<ObservationHistory, 'series' | 'admitRead'>;
    /** Who may read which sensors; without it every sensor is open (a catalogue with no pipe categories). */
    access?: SensorAccess;
    /** Verifies bearer tokens; without it every request reads as `public`. */
    auth?: Authenticator;
    /** Where reads of pipe sensors' observations are recorded; none: not recorded. */
    audit?: DataReadAudit;
  } = {},
) {
  const byThing = new Map(catalog.map((e) => [e.thingId, e]));
  const typeIndex = new Map(SENSOR_TYPES.map((t, i) => [t.id, i]));

  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    // Parsed once by the server's boundary (a malformed target never gets here); links start
    // at the configured public URL, never at the client's Host header.
    const { path, query, publicBase: base } = requestTarget(request);
    if (!path.startsWith('/v1.1') && !path.startsWith('/api/live/')) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') return (send(response, 405, { error: 'read-only API: GET only' }), true);
    const requester = await requesterOr401(options.auth, request, response);
    if (!requester) return true;
    const { role } = requester;
    const visible = options.access ? options.access.visible(role, catalog) : catalog;
    /** Whether the entry may be read; answers the 403 when not. */
    const allowed = (entry: CatalogEntry, what: string): boolean => {
      if (!options.access || options.access.maySee(role, entry.id)) return true;
      send(response, 403, { error: `${what} is on the ${entry.category} pipe network: the ${role} role may not read it` });
      return false;
    };
    const top = clampInt(query.get('$top'), 100, 0, 10_000);
    const skip = clampInt(query.get('$skip'), 0, 0, Number.MAX_SAFE_INTEGER);
    let match: RegExpExecArray | null;

    if (path === '/v1.1' || path === '/v1.1/') {
      send(response, 200, { value: ['Things', 'Locations', 'Datastreams'].map((name) => ({ name, url: `${base}/v1.1/${name}` })) });
    } else if (path === '/v1.1/Datastreams') {
      send(
        response,
        200,
        page(visible, top, skip, (e) => datastreamJson(e, base), `${base}/v1.1/Datastreams`),
      );
    } else if ((match = /^\/v1\.1\/Datastreams\((\d+)\)$/.exec(path))) {
      const entry = catalog[Number(match[1]) - 1];
      if (!entry) send(response, 404, { error: `no Datastream ${match[1]}` });
      else if (allowed(entry, `Datastream ${entry.id}`)) send(response, 200, datastreamJson(entry, base));
    } else if ((match = /^\/v1\.1\/Datastreams\((\d+)\)\/Observations$/.exec(path))) {
      const id = Number(match[1]);
      const entry = catalog[id - 1];
      if (!entry) return (send(response, 404, { error: `no Datastream ${id}` }), true);
      if (!allowed(entry, `Datastream ${id}`)) return true;
      if (options.history) {
        // Under the history's read cap like the history API: deep paging must not starve the ingest.
        const done = admitReadOr503(options.history, response);
        if (!done) return true;
        let answer: Awaited<ReturnType<typeof observationsPage>>;
        try {
          answer = await observationsPage(options.history, id, query, base);
        } finally {
          done();
        }
        // Rows read from a pipe sensor are recorded before they are sent (after the history's read slot is free).
        if (answer.status === 200 && entry.category !== null) await auditRead(requester, entry, query);
        return (send(response, answer.status, answer.body), true);
      }
      send(response, 503, { error: 'no history store on this server' });
    } else if (path === '/v1.1/Things' || path === '/v1.1/Locations') {
      send(
        response,
        200,
        page(visible, top, skip, (e) => (path.endsWith('Things') ? thingJson(e, base) : locationJson(e)), `${base}${path}`),
      );
    } else if ((match = /^\/v1\.1\/Things\('([^']+)'\)$/.exec(path))) {
      const entry = byThing.get(match[1]!);
      if (!entry) send(response, 404, { error: `no Thing ${match[1]}` });
      else if (allowed(entry, `Thing ${entry.thingId}`)) send(response, 200, thingJson(entry, base));
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
        count: visible.length,
        ids: visible.map((e) => e.id),
        names: visible.map((e) => e.name),
        type: visible.map((e) => typeIndex.get(e.type.id)!), // the catalogue's types are SENSOR_TYPES
        lon: visible.map((e) => e.lon),
        lat: visible.map((e) => e.lat),
        time: visible.map((e) => (Number.isFinite(latest.time[e.id]!) ? latest.time[e.id]! : null)),
        result: visible.map((e) => (Number.isFinite(latest.value[e.id]!) ? latest.value[e.id]! : null)),
        state: visible.map((e) => store.states[e.id]!),
        ...(options.access ? { feeds: options.access.feedsFor(role).map(observationFeedTopic) } : {}),
      };
      send(response, 200, state);
    } else if (path === '/api/live/stats') {
      // The broker's and history's counters (failed logins, refused tokens, lockouts, queue
      // overflows) are the operations desk's: they say nothing of a sensor, but much of an attack.
      if (options.auth && !mayActAs(role, 'operator')) {
        if (role === 'public') response.setHeader('WWW-Authenticate', 'Bearer realm="cim-twin"');
        send(response, role === 'public' ? 401 : 403, {
          error:
            role === 'public'
              ? 'the live statistics need an operator or admin token'
              : `the live statistics are for operators and admins; this token is ${role}`,
        });
      } else send(response, 200, counters());
    } else {
      send(response, 404, { error: 'not found' });
    }
    return true;
  };

  /** A pipe sensor's observations read: who, which sensor, which window (once per user and sensor in the audit's window). */
  async function auditRead(requester: DataRequester, entry: CatalogEntry, query: URLSearchParams): Promise<void> {
    const filter = query.get('$filter');
    await options.audit?.record(requester, `datastream:${entry.id}`, {
      category: entry.category,
      ...(filter !== null ? { filter: filter.slice(0, 200) } : {}),
    });
  }
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
