import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  acknowledgerOf,
  type ActiveAlarm,
  ALARM_ACKS_TOPIC,
  type AlarmAcknowledgement,
  type AlarmsDocument,
  parseAlarmAckRequest,
} from '../../workers/formats/alarms.js';
import { parseIsoTime } from '../../workers/history/parseHistoryQuery.js';
import { SensorState } from '../../workers/live/alarmStateMachine.js';
import { type Authenticator, hasRole } from '../auth/Authenticator.js';
import { admitReadOr503 } from '../history/createHistoryApi.js';
import type { ObservationHistory } from '../history/ObservationHistory.js';
import { readJson, sendJson } from '../incidents/createIncidentsApi.js';
import type { LiveBackbone } from '../live/startLiveBackbone.js';
import { requestTarget } from '../requestTarget.js';
import type { Store } from '../store/Store.js';
import { type DataRequester, requesterOr401 } from '../auth/requesterOf.js';
import type { SensorAccess } from '../live/SensorAccess.js';

/** What the alarms need of the live backbone: its history, how many sensors it has, its broker. */
export interface AlarmSource {
  history: Pick<ObservationHistory, 'alarmsAt' | 'admitRead'>;
  /** Sensor datastreams are 1 … sensors (parking levels after them raise no alarms). */
  sensors: number;
  /** Publishes on the embedded broker (QoS 1, not retained). */
  publish(topic: string, payload: Buffer): void;
  /** Which roles may read which sensors' alarms (the sensors' own access). */
  access: SensorAccess;
}

/** The embedded live backbone as the alarms' source. */
export function alarmSourceOf(live: LiveBackbone): AlarmSource {
  return {
    history: live.history,
    sensors: live.catalog.length,
    access: live.access,
    publish: (topic, payload) => live.broker.broker.publish({ cmd: 'publish', topic, payload, qos: 1, retain: false, dup: false }, () => undefined),
  };
}

/** How far past the server's clock `at` may be (a viewer's clock a little ahead), as the history API allows. */
const CLOCK_SLACK_MS = 60_000;

/**
 * Sensor alarms and their acknowledgements (docs/history.md, "Alarm list at T and
 * acknowledgements"; the documents are typed in workers/formats/alarms.ts):
 *   GET  /api/alarms?at=ISO   the alarm list as it was at `at` (default now), acknowledgements made by then
 *   POST /api/alarms/acks     an operator or admin acknowledges an active alarm {datastream, since, note?}
 * An acknowledgement is stored with its audit entry (`alarm.acknowledge`) in one transaction and
 * published on cimtwin/v1/alarms/acks, which clients may read but not write. History reads share
 * the store's read cap with the other history routes (503 with Retry-After). `live` is read at
 * each request: the live backbone starts after the HTTP server, and may be off (503 then).
 * The list is the requester's role's: alarms of sensors on pipe categories it may not see are
 * left out (a bad token is a 401), as the live and history APIs leave those sensors out.
 */
export function createAlarmsApi(options: {
  auth: Authenticator;
  store: Pick<Store, 'acknowledgeAlarm' | 'alarmAcknowledgements'>;
  live: () => AlarmSource | undefined;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;

  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const { path, query } = requestTarget(request);
    if (path !== '/api/alarms' && path !== '/api/alarms/acks') return false;
    const method = request.method ?? 'GET';
    const allowed = path === '/api/alarms' ? ['GET', 'HEAD'] : ['POST'];
    if (!allowed.includes(method)) {
      response.setHeader('Allow', allowed.join(', '));
      sendJson(response, 405, { error: `${method} is not allowed here (allowed: ${allowed.join(', ')})` });
      return true;
    }
    if (path === '/api/alarms') {
      const requester = await requesterOr401(options.auth, request, response);
      if (!requester) return true;
      const text = query.get('at');
      const serverNow = now();
      let at = serverNow;
      if (text !== null) {
        const parsed = parseIsoTime(text, 'at');
        if (!('value' in parsed)) return (sendJson(response, 400, { error: parsed.message, field: 'at' }), true);
        at = parsed.value;
        if (at > serverNow + CLOCK_SLACK_MS)
          return (
            sendJson(response, 400, {
              error: `at (${new Date(at).toISOString()}) is after the server's clock (${new Date(serverNow).toISOString()})`,
              field: 'at',
            }),
            true
          );
      }
      const live = liveOr503(response);
      if (!live) return true;
      const done = admitReadOr503(live.history, response);
      if (!done) return true;
      try {
        sendJson(response, 200, await alarmsAt(live, at, requester));
      } finally {
        done();
      }
      return true;
    }

    // POST /api/alarms/acks
    const principal = await options.auth.principalOf(request);
    if (principal === undefined || principal === 'invalid') {
      response.setHeader('WWW-Authenticate', `Bearer realm="cim-twin"${principal === 'invalid' ? ', error="invalid_token"' : ''}`);
      sendJson(response, 401, { error: principal === 'invalid' ? 'the token is invalid or expired: sign in again' : 'sign in first (POST /api/auth/login)' });
      return true;
    }
    if (!hasRole(principal.role, 'operator'))
      return (sendJson(response, 403, { error: `acknowledging an alarm needs the operator role; ${principal.username} is ${principal.role}` }), true);
    const body = await readJson(request, response);
    if (body === undefined) return true;
    const parsed = parseAlarmAckRequest(body);
    if (!('value' in parsed)) return (sendJson(response, 400, { error: parsed.message, field: parsed.field }), true);
    const wanted = parsed.value;
    const live = liveOr503(response);
    if (!live) return true;
    if (wanted.datastream > live.sensors)
      return (sendJson(response, 404, { error: `no sensor datastream ${wanted.datastream}: sensors are 1 to ${live.sensors}` }), true);
    const done = admitReadOr503(live.history, response);
    if (!done) return true;
    try {
      const at = now();
      const current = (await live.history.alarmsAt(at)).find((a) => a.datastream === wanted.datastream);
      const key = [{ datastream: wanted.datastream, since: wanted.since }];
      if (!current || new Date(current.since).toISOString() !== wanted.since) {
        const [existing] = await options.store.alarmAcknowledgements(key, at);
        const active = current ? `its alarm now began ${new Date(current.since).toISOString()}` : 'it is in no alarm now';
        sendJson(response, 409, {
          error: `datastream ${wanted.datastream} has no active alarm that began ${wanted.since}: ${active}`,
          ...(existing ? { acknowledgement: existing } : {}),
        });
        return true;
      }
      const ack: AlarmAcknowledgement = {
        datastream: wanted.datastream,
        since: wanted.since,
        by: principal.username,
        role: principal.role,
        at: new Date(at).toISOString(),
        ...(wanted.note !== undefined ? { note: wanted.note } : {}),
      };
      const result = await options.store.acknowledgeAlarm(ack, {
        at: ack.at,
        actor: ack.by,
        role: ack.role,
        action: 'alarm.acknowledge',
        target: `datastream:${ack.datastream}`,
        detail: JSON.stringify({ since: ack.since, state: stateName(current.state), ...(ack.note !== undefined ? { note: ack.note } : {}) }),
        source: request.socket.remoteAddress ?? 'unknown',
      });
      if (!result.created) {
        sendJson(response, 409, { error: `this alarm was acknowledged already, by ${result.ack.by} at ${result.ack.at}`, acknowledgement: result.ack });
        return true;
      }
      live.publish(ALARM_ACKS_TOPIC, Buffer.from(JSON.stringify(result.ack)));
      sendJson(response, 201, result.ack);
    } finally {
      done();
    }
    return true;
  };

  function liveOr503(response: ServerResponse): AlarmSource | undefined {
    const live = options.live();
    if (!live) sendJson(response, 503, { error: 'this server has no live sensors (CIM_LIVE=off or an external broker): no alarms to list' });
    return live;
  }

  async function alarmsAt(live: AlarmSource, at: number, requester: DataRequester): Promise<AlarmsDocument> {
    const rows = (await live.history.alarmsAt(at)).filter((a) => a.datastream <= live.sensors && live.access.maySee(requester.role, a.datastream));
    const keys = rows.map((a) => ({ datastream: a.datastream, since: new Date(a.since).toISOString() }));
    const acks = new Map((await options.store.alarmAcknowledgements(keys, at)).map((a) => [`${a.datastream} ${a.since}`, a]));
    return {
      at: new Date(at).toISOString(),
      alarms: rows.map((row, i): ActiveAlarm => {
        const ack = acks.get(`${keys[i]!.datastream} ${keys[i]!.since}`);
        return { datastream: row.datastream, state: stateName(row.state), since: keys[i]!.since, acknowledged: ack ? acknowledgerOf(ack) : null };
      }),
    };
  }
}

function stateName(state: number): ActiveAlarm['state'] {
  return state === SensorState.alarm ? 'alarm' : 'warning';
}
