import type { SignInStore } from '../../viewer/src/platform/SignInStore.js';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { LiveStateDocument } from '../../workers/formats/liveState.js';
import type { SensorStateName } from '../../workers/live/alarmStateMachine.js';
import type { LatencySummary } from '../../workers/live/LatencyHistogram.js';
import type { ServerAlarms } from './ServerAlarms.js';

/** An alarm as the alarm list shows it (plain data). */
export interface SensorAlarm {
  datastream: number;
  name: string;
  typeZh: string;
  typeEn: string;
  value: number;
  unit: string;
  /** phenomenonTime of the reading that raised it, ms. */
  time: number;
  lon: number;
  lat: number;
}

/** Who acknowledged an alarm (the server's record, times in ms). */
export interface AlarmAck {
  by: string;
  role: string;
  at: number;
  note?: string;
}

/**
 * An alarm in the list: when it began (ms; the server's start of the alarm state, null until
 * the server said) and who acknowledged it (null: nobody, or nobody by the replay's time).
 */
export type AlarmEntry = SensorAlarm & { since: number | null; acknowledged: AlarmAck | null };

/** What the server says of an alarm (GET /api/alarms or the acknowledgements' topic), to annotate the list. */
export interface AlarmAnnotation {
  datastream: number;
  since: number;
  acknowledged: AlarmAck | null;
}

export interface SensorReading {
  datastream: number;
  /** phenomenonTime, ms. */
  time: number;
  value: number;
  state: SensorStateName;
}

/** The live feed as the UI shows it (updated about once a second, not per message). */
export interface LiveState {
  connection: 'off' | 'connecting' | 'live' | 'reconnecting' | 'stale' | 'refused';
  /** Since when the connection is in that state (ms since the epoch). */
  since: number;
  sensors: number;
  messagesPerSecond: number;
  /** Age of live readings when first drawn (phenomenonTime → frame), p50/p95/p99 over the last 30–60 s. */
  ageAtRenderMs: LatencySummary | null;
  /** What the level of detail draws: sensors as points, cluster markers. */
  drawn: { points: number; clusters: number };
  alarms: AlarmEntry[];
  /** The newest reading of the selected sensor (the info panel and its chart follow it live). */
  selectedReading: SensorReading | null;
  /**
   * What the sensors show: the live feed, or a replay of the history at `time` (ms; `loading`
   * while a seek's state is on its way). The alarms then are those at that time.
   */
  replay: { time: number; loading: boolean } | null;
}

export interface LiveActions {
  setSummary(summary: Omit<LiveState, 'alarms' | 'selectedReading' | 'replay'>): void;
  setReplay(replay: LiveState['replay']): void;
  setSelectedReading(reading: SensorReading | null): void;
  /** One frame's alarm changes at once (a seek raises and clears thousands: one update, one render). */
  changeAlarms(raised: readonly SensorAlarm[], cleared: readonly number[]): void;
  /**
   * The server's word on the listed alarms: each listed alarm of these datastreams takes its
   * start and acknowledgement (`complete`: the list at that time, so a listed alarm it lacks
   * has no known acknowledgement).
   */
  annotateAlarms(annotations: readonly AlarmAnnotation[], complete: boolean): void;
  /** An acknowledgement pushed live: marks the listed alarm it names (same start, or a start not known yet). */
  markAcknowledged(datastream: number, since: number, ack: AlarmAck): void;
}

export type LiveStore = StoreApi<LiveState & LiveActions>;

/**
 * The sensors plugin's state for one viewer: its slice of live state (alarms survive a scene
 * rebuild), the catalogue once it arrived (where each sensor is), and the feed to read.
 */
export interface SensorsState {
  live: LiveStore;
  /** The last state document's catalogue (names, types, positions), for locating and searching sensors. */
  catalogue: LiveStateDocument | undefined;
  /** Alarms' starts and acknowledgements from the server; acknowledging (undefined without a live feed). */
  server: ServerAlarms | undefined;
  /** The viewer's sign-in: its token decides which sensors the server sends (a change reconnects the feed). */
  signIn: SignInStore;
}

/** Alarms kept in the list (the newest; older ones are in the history API). */
const MAX_ALARMS = 200;

export function createLiveStore(connection: LiveState['connection']): LiveStore {
  return createStore<LiveState & LiveActions>()((set) => ({
    connection,
    since: Date.now(),
    sensors: 0,
    messagesPerSecond: 0,
    ageAtRenderMs: null,
    drawn: { points: 0, clusters: 0 },
    alarms: [],
    selectedReading: null,
    replay: null,
    setSummary: (summary) => set(summary),
    setReplay: (replay) => set({ replay }),
    setSelectedReading: (selectedReading) => set({ selectedReading }),
    changeAlarms: (raised, cleared) =>
      set((s) => {
        const gone = new Set([...cleared, ...raised.map((a) => a.datastream)]);
        // The newest first (raised later in the frame = read later).
        const fresh = raised.map((a): AlarmEntry => ({ ...a, since: null, acknowledged: null })).reverse();
        return { alarms: [...fresh, ...s.alarms.filter((a) => !gone.has(a.datastream))].slice(0, MAX_ALARMS) };
      }),
    annotateAlarms: (annotations, complete) =>
      set((s) => {
        const byDatastream = new Map(annotations.map((a) => [a.datastream, a]));
        return {
          alarms: s.alarms.map((alarm) => {
            const annotation = byDatastream.get(alarm.datastream);
            if (annotation) return { ...alarm, since: annotation.since, acknowledged: annotation.acknowledged };
            return complete && alarm.acknowledged ? { ...alarm, acknowledged: null } : alarm;
          }),
        };
      }),
    markAcknowledged: (datastream, since, ack) =>
      set((s) => ({
        alarms: s.alarms.map((a) => (a.datastream === datastream && (a.since === null || a.since === since) ? { ...a, since, acknowledged: ack } : a)),
      })),
  }));
}

/** The plain-data part of the slice (the page API's `getState().live`). */
export function liveSnapshot(state: LiveState): LiveState {
  const { connection, since, sensors, messagesPerSecond, ageAtRenderMs, drawn, alarms, selectedReading, replay } = state;
  return structuredClone({ connection, since, sensors, messagesPerSecond, ageAtRenderMs, drawn, alarms, selectedReading, replay });
}
