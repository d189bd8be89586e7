import { mayActAs } from '../../workers/formats/dataAccess.js';
import {
  ALARM_ACKS_TOPIC,
  type AlarmAcknowledgement,
  type AlarmAcknowledger,
  type AlarmsDocument,
  parseAlarmAcknowledgement,
  parseAlarmsDocument,
} from '../../workers/formats/alarms.js';
import { serverApiRequest } from '../../viewer/src/platform/serverApi.js';
import { readTokenOf, type SignInStore } from '../../viewer/src/platform/SignInStore.js';
import { TopicFeed } from '../../viewer/src/platform/TopicFeed.js';
import { afterSeekShown } from '../../viewer/src/platform/seekFirst.js';
import { watch, watchAny, type ViewerStore } from '../../viewer/src/platform/ViewerStore.js';
import { clockTimeAt } from '../../workers/formats/history.js';
import type { AlarmAck, LiveStore } from './sensorsState.js';

/** Quiet time after the listed alarms change before the server is asked for their starts and acknowledgements. */
const ANNOTATE_DEBOUNCE_MS = 300;

/** Why acknowledging is not possible now, or undefined when it is (the button's title says it). */
export type AckRefusal = 'signed-out' | 'viewer-role' | 'replay';

/**
 * The alarm list's server side (docs/history.md, "Alarm list at T and acknowledgements"): each
 * listed alarm's start and acknowledgement from `GET /api/alarms?at=` — the live time, or the
 * replay's after each seek and whenever the listed alarms change (debounced) — acknowledgements
 * pushed on cimtwin/v1/alarms/acks marking the alarm on every screen, and an operator's
 * acknowledgement posted with the viewer's sign-in.
 */
export class ServerAlarms {
  private feed: TopicFeed | undefined;
  /** Only the newest annotation request's answer is applied. */
  private requestSeq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stops: (() => void)[] = [];

  constructor(
    private readonly options: {
      /** The server's origin for /api/alarms (the live API's). */
      apiUrl: string;
      /** The broker's WebSocket URL (no live push without one). */
      mqttUrl: string | undefined;
      live: LiveStore;
      signIn: SignInStore;
      /** The viewer's store: its clock says which time the list shows. */
      viewer: ViewerStore;
    },
  ) {}

  /** Who is signed in on this viewer (the alarm list's button follows it). */
  get signIn(): SignInStore {
    return this.options.signIn;
  }

  start(): void {
    const { live } = this.options;
    // Alarms listed without the server's word yet: raised (live or by a replay's frames), or raised
    // again by a seek (every sensor replaced). Annotated ones drop out, so an answer triggers nothing.
    const unannotated = (): string =>
      live
        .getState()
        .alarms.filter((a) => a.since === null)
        .map((a) => a.datastream)
        .sort((a, b) => a - b)
        .join(',');
    this.stops.push(
      watchAny(live, [unannotated, (s) => s.replay === null, (s) => s.replay?.loading ?? false], () => this.annotateSoon()),
      // Every seek, step, pause or speed change: the acknowledgements made by the new time (a step forward keeps the alarms listed).
      watch(
        this.options.viewer,
        (s) => s.clock,
        () => this.annotateSoon(),
      ),
    );
    this.connectAcks();
    // Another sign-in: the broker delivers the acknowledgements of its role's sensors, the list is its role's.
    this.stops.push(
      watch(this.options.signIn, readTokenOf, () => {
        this.connectAcks();
        this.annotateSoon();
      }),
    );
    this.annotateSoon();
  }

  /** (Re)connects to the acknowledgements' topic with the sign-in's token. */
  private connectAcks(): void {
    this.feed?.stop();
    this.feed = undefined;
    if (!this.options.mqttUrl) return;
    this.feed = new TopicFeed({
      mqttUrl: this.options.mqttUrl,
      topic: ALARM_ACKS_TOPIC,
      token: () => readTokenOf(this.options.signIn.getState()),
      onConnection: () => undefined,
      onPayload: (payload) => this.received(payload),
      // Acknowledgements made while disconnected are read back from the list.
      onSubscribed: () => this.annotateSoon(),
    });
    this.feed.start();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.feed?.stop();
    this.feed = undefined;
    for (const stop of this.stops.splice(0)) stop();
  }

  /** Why the signed-in user cannot acknowledge now (undefined: they can). */
  refusal(): AckRefusal | undefined {
    const session = this.options.signIn.getState().session;
    if (!session) return 'signed-out';
    if (!mayActAs(session.role, 'operator')) return 'viewer-role';
    if (this.options.viewer.getState().clock.mode === 'replay') return 'replay';
    return undefined;
  }

  /**
   * Acknowledges the datastream's active alarm on the server as the signed-in operator or admin;
   * resolves with the stored acknowledgement (published to every screen). Refused (rejects) when
   * nobody with that role is signed in, in a replay, or when the server has no such active alarm
   * (then its answer, e.g. another operator acknowledged it first, is applied to the list).
   */
  async acknowledge(datastream: number): Promise<AlarmAcknowledgement> {
    const refusal = this.refusal();
    if (refusal === 'signed-out' || refusal === 'viewer-role')
      throw new Error('acknowledging an alarm needs an operator or admin signed in (cimTwin.incidents.signIn or the sign-in panel)');
    if (refusal === 'replay') throw new Error('an alarm is acknowledged live, not in a replay: go back to live first');
    const token = this.options.signIn.getState().session?.token;
    const now = await this.fetchAlarms(undefined);
    const current = now.alarms.find((a) => a.datastream === datastream);
    if (!current) throw new Error(`sensor ${datastream} has no active alarm on the server`);
    try {
      const ack = await serverApiRequest<AlarmAcknowledgement>(this.options.apiUrl, 'POST', '/api/alarms/acks', {
        token,
        body: { datastream, since: current.since },
        priority: 'high',
      });
      this.options.live.getState().markAcknowledged(ack.datastream, Date.parse(ack.since), ackOf(ack));
      return ack;
    } catch (error) {
      this.annotateSoon(); // e.g. acknowledged by someone else meanwhile: show theirs
      throw error;
    }
  }

  private received(payload: Uint8Array): void {
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      return;
    }
    const parsed = parseAlarmAcknowledgement(body);
    if (!('value' in parsed)) return;
    // A replay shows acknowledgements made by its time: one made now is after it.
    if (this.options.viewer.getState().clock.mode === 'replay') return;
    const ack = parsed.value;
    this.options.live.getState().markAcknowledged(ack.datastream, Date.parse(ack.since), ackOf(ack));
  }

  private annotateSoon(): void {
    clearTimeout(this.timer);
    this.requestSeq++; // an answer still on its way is of the list before this change
    this.timer = setTimeout(() => void this.annotate().catch(() => undefined), ANNOTATE_DEBOUNCE_MS);
  }

  /** The server's list at the shown time (now, or the replay's) annotates the alarms listed. */
  private async annotate(): Promise<void> {
    const { live } = this.options;
    const seq = ++this.requestSeq;
    // A seek's sensors first (seekFirst): the list is annotated after they are on screen.
    await afterSeekShown(this.options.viewer);
    const state = live.getState();
    if (seq !== this.requestSeq || state.alarms.length === 0 || state.replay?.loading) return;
    const clock = this.options.viewer.getState().clock;
    const at = clock.mode === 'replay' ? clockTimeAt(clock, Date.now()) : undefined;
    const document = await this.fetchAlarms(at);
    // A newer request or change (a seek, back to live) meanwhile: this answer is of another list.
    if (seq !== this.requestSeq || live.getState().replay?.loading) return;
    live.getState().annotateAlarms(
      document.alarms.map((a) => ({ datastream: a.datastream, since: Date.parse(a.since), acknowledged: a.acknowledged && ackOf(a.acknowledged) })),
      true,
    );
  }

  private async fetchAlarms(at: number | undefined): Promise<AlarmsDocument> {
    const path = at === undefined ? '/api/alarms' : `/api/alarms?at=${encodeURIComponent(new Date(at).toISOString())}`;
    const token = readTokenOf(this.options.signIn.getState());
    const parsed = parseAlarmsDocument(await serverApiRequest<unknown>(this.options.apiUrl, 'GET', path, token ? { token } : {}));
    if (!('value' in parsed)) throw new Error(`GET ${path}: ${parsed.message}`);
    return parsed.value;
  }
}

function ackOf(ack: AlarmAcknowledger): AlarmAck {
  return { by: ack.by, role: ack.role, at: Date.parse(ack.at), ...(ack.note !== undefined ? { note: ack.note } : {}) };
}
