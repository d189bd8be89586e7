import type { Thresholds } from '../live/alarmStateMachine.js';

/**
 * `/api/live/state`: every sensor's catalogue entry and current value in one columnar document
 * (arrays in the same order) — what a client loads after connecting or after a gap. Written by
 * the server's SensorThings API, read by the sensors layer's worker. It holds the sensors the
 * requester's role may read, nothing else (a public request: no sensor on a pipe asset).
 */
export interface LiveStateDocument {
  /** The server's clock when the document was made (ms since the epoch). */
  serverTime: number;
  types: LiveSensorTypeEntry[];
  count: number;
  /** Datastream ids. */
  ids: number[];
  names: string[];
  /** Index into `types`. */
  type: number[];
  lon: number[];
  lat: number[];
  /** phenomenonTime of the current value (ms), null before the first reading. */
  time: (number | null)[];
  result: (number | null)[];
  /**
   * The server's alarm state of each sensor now (SensorState: normal, warning, alarm), as its
   * alarm list has it: a client loading the state shows the alarms at once instead of waiting
   * out each type's minDurationSeconds again. Absent from older servers.
   */
  state?: number[];
  /**
   * The live feed topics the requester may subscribe to (`cimtwin/v1/Observations/<feed>`,
   * ObservationBatch.ts): the server decides them from the requester's data role. Absent from
   * a server without per-role feeds: the client keeps its configured feed topic.
   */
  feeds?: string[];
}

export interface LiveSensorTypeEntry {
  id: string;
  nameZh: string;
  nameEn: string;
  unit: string;
  color: string;
  periodSeconds: number;
  /** Silent this long = offline (greyed). */
  staleAfterSeconds: number;
  thresholds: Thresholds;
}
