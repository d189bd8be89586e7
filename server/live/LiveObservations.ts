import type { ObservationHistory } from '../history/ObservationHistory.js';
import { type AlarmMemory, createAlarmMemory, levelOf, SensorState, type Thresholds, updateAlarmState } from '../../workers/live/alarmStateMachine.js';
import { LatestObservations } from '../../workers/live/LatestObservations.js';

export interface Observation {
  datastream: number;
  /** phenomenonTime, ms since the epoch. */
  time: number;
  result: number;
}

/**
 * Where the broker puts each accepted observation: the latest value per datastream in typed
 * arrays (live reads, "current state"), the sensor's alarm state from the pure state machine
 * (its catalogue entry's thresholds), and the history's ingest queue with that state. A
 * reading older than the one held is history only: it changes neither the latest value nor
 * the alarm state (the machine follows the sensor's time line), and is stored with its own
 * threshold level (no hysteresis or minimum duration: the machine's memory is of a later time).
 */
export class LiveObservations {
  readonly latest: LatestObservations;
  private readonly alarms: AlarmMemory;

  constructor(
    /** Datastream ids are 1 … datastreams. */
    readonly datastreams: number,
    private readonly thresholdsOf: (datastream: number) => Thresholds | undefined,
    readonly history: ObservationHistory,
  ) {
    this.latest = new LatestObservations(datastreams + 1);
    this.alarms = createAlarmMemory(datastreams + 1);
    // After a restart the machine starts where the history left each sensor: an alarm that goes
    // on stays the same alarm (same start, same acknowledgement) instead of being cleared while
    // the machine waits out minDurationSeconds again, then raised anew.
    for (let datastream = 1; datastream <= datastreams; datastream++) {
      const state = history.lastStateOf(datastream);
      if (state === SensorState.warning || state === SensorState.alarm) {
        this.alarms.state[datastream] = state;
        this.alarms.pendingLevel[datastream] = state;
      }
    }
  }

  /** How old a reading may be and still be kept: the history's raw retention (ms). */
  get retentionMs(): number {
    return this.history.retention.rawMs;
  }

  /** Takes an observation; false when its datastream is unknown (a full history queue is the history's to count). */
  add(observation: Observation, receivedMs = Date.now()): boolean {
    const { datastream, time, result } = observation;
    if (!Number.isInteger(datastream) || datastream < 1 || datastream > this.datastreams) return false;
    // A device resending its last reading (same phenomenonTime) is stored once; an older resend is not caught here (a unique key would cost every write).
    if (time === this.latest.time[datastream]) return true;
    const thresholds = this.thresholdsOf(datastream);
    if (this.latest.offer(datastream, time, result, receivedMs)) {
      if (thresholds) updateAlarmState(this.alarms, datastream, result, time, thresholds);
      this.history.add(datastream, time, result, this.alarms.state[datastream]!);
    } else this.history.add(datastream, time, result, thresholds ? levelOf(result, SensorState.normal, thresholds) : SensorState.normal);
    return true;
  }

  /** The alarm state of each datastream now (index = datastream id). */
  get states(): Uint8Array {
    return this.alarms.state;
  }
}
