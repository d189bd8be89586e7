import { createAlarmMemory, SensorState, updateAlarmState, type AlarmMemory, type Thresholds } from '../../workers/live/alarmStateMachine.js';
import { LatestObservations } from '../../workers/live/LatestObservations.js';
import { FRESH_OBSERVATION, packSensorFrame } from '../../workers/live/SensorFrame.js';
import type { LiveStateDocument } from '../../workers/formats/liveState.js';
import type { ReplayRows, ReplaySink } from './ReplayPlayback.js';

/**
 * All sensors' latest values and states in typed arrays (slot = the sensor's place in the state
 * document, which holds the sensors the viewer's role may read: ids need not be dense), fed by
 * observations and state documents, handing out the sensors that changed since the last
 * frame as one transferable buffer. Pure (no I/O): the worker wraps it, tests drive it.
 */
export class SensorsModel implements ReplaySink {
  count = 0;
  private latest = new LatestObservations(0);
  private alarms: AlarmMemory = createAlarmMemory(0);
  private thresholds: Thresholds[] = [];
  private staleAfterMs = new Float64Array(0);
  private changed = new Uint8Array(0);
  /** Changed by a live observation (not a state reload or a staleness sweep) since the last frame. */
  private fresh = new Uint8Array(0);
  private changedList: number[] = [];
  private received = 0;
  /** Bumped whenever every sensor is replaced at once (replaceAll, forget). */
  generation = 0;
  /** The state document's datastream ids, in slot order. */
  private ids: readonly number[] = [];
  /** Slot + 1 by datastream id (0: not in the catalogue). */
  private slotOfId = new Int32Array(0);

  /** Whether a state document names other sensors than the model holds (a new catalogue, another role's). */
  catalogueDiffers(doc: LiveStateDocument): boolean {
    return doc.count !== this.count || doc.ids.some((id, i) => id !== this.ids[i]);
  }

  /** The slot of a datastream, or −1 for one this viewer does not hold. */
  private slotOf(datastream: number): number {
    return Number.isInteger(datastream) && datastream >= 0 && datastream < this.slotOfId.length ? this.slotOfId[datastream]! - 1 : -1;
  }

  /** Takes the catalogue and current values of a state document (after every (re)connect). */
  applyState(doc: LiveStateDocument, nowMs: number): void {
    if (this.catalogueDiffers(doc)) {
      this.count = doc.count;
      this.ids = doc.ids.slice(0, doc.count);
      this.slotOfId = new Int32Array(this.ids.reduce((max, id) => Math.max(max, id), 0) + 1);
      this.ids.forEach((id, i) => (this.slotOfId[id] = i + 1));
      this.latest = new LatestObservations(doc.count);
      this.alarms = createAlarmMemory(doc.count);
      this.changed = new Uint8Array(doc.count);
      this.fresh = new Uint8Array(doc.count);
      this.changedList = [];
      this.staleAfterMs = new Float64Array(doc.count);
    }
    this.thresholds = doc.type.map((t) => doc.types[t]!.thresholds);
    for (let i = 0; i < doc.count; i++) {
      this.staleAfterMs[i] = doc.types[doc.type[i]!]!.staleAfterSeconds * 1000;
      const time = doc.time[i];
      const result = doc.result[i];
      if (time !== null && time !== undefined && result !== null && result !== undefined) {
        // The server's alarm state first: its raised alarms stand at once (the reading then keeps or clears them).
        const state = doc.state?.[i];
        if ((state === SensorState.warning || state === SensorState.alarm) && time >= this.latest.time[i]! && this.alarms.state[i] !== state) {
          this.alarms.state[i] = state;
          this.alarms.pendingLevel[i] = state;
          this.markChanged(i);
        }
        this.observe(this.ids[i]!, time, result, nowMs, doc.serverTime - time, false);
      } else this.markChanged(i);
    }
  }

  /**
   * One observation; older or duplicate ones are ignored. `ageMs` places server-received times;
   * `live` is false for values from a state reload (they do not count as fresh data).
   */
  observe(datastream: number, timeMs: number, result: number, nowMs: number, ageMs = 0, live = true): void {
    const i = this.slotOf(datastream);
    if (i < 0) return;
    this.received++;
    if (!this.latest.offer(i, timeMs, result, nowMs - Math.max(0, ageMs))) return;
    updateAlarmState(this.alarms, i, result, timeMs, this.thresholds[i]!);
    if (live) this.fresh[i] = 1;
    this.markChanged(i);
  }

  /**
   * Replay: every sensor as the history's state at `at` has it (value, time, the server's
   * state then); sensors absent from it were never heard by then: offline, no value. The
   * alarm memory starts over (playback takes the server's states, not the thresholds').
   * Received times are phenomenonTimes, so `sweepStale(replay time)` judges silence at T.
   */
  replaceAll(rows: ReplayRows, at: number): void {
    this.forget();
    for (let k = 0; k < rows.count; k++) {
      const i = this.slotOf(rows.datastream[k]!);
      if (i < 0) continue;
      if (!this.latest.offer(i, rows.time[k]!, rows.result[k]!, rows.time[k]!)) continue;
      const state = rows.state[k]!;
      this.alarms.state[i] = state <= SensorState.offline ? state : SensorState.offline;
    }
    this.sweepStale(at);
  }

  /** Replay: one change in order, with the sensor's state (the server's) after it. */
  applyChange(datastream: number, time: number, result: number, state: number): void {
    const i = this.slotOf(datastream);
    if (i < 0) return;
    this.received++;
    if (!this.latest.offer(i, time, result, time)) return;
    this.alarms.state[i] = state <= SensorState.offline ? state : SensorState.offline;
    this.markChanged(i);
  }

  /** Back to live: forgets every value and state (the live state document follows). */
  forget(): void {
    this.generation++;
    this.latest = new LatestObservations(this.count);
    this.alarms = createAlarmMemory(this.count);
    this.alarms.state.fill(SensorState.offline);
    this.fresh.fill(0);
    for (let i = 0; i < this.count; i++) this.markChanged(i);
  }

  /** Marks sensors silent for too long as offline (at `nowMs`: the wall clock live, the replay time in replay). */
  sweepStale(nowMs: number): void {
    const { received, time } = this.latest;
    for (let i = 0; i < this.count; i++) {
      const silent = !Number.isFinite(time[i]!) || nowMs - received[i]! > this.staleAfterMs[i]!;
      if (silent && this.alarms.state[i] !== SensorState.offline) {
        this.alarms.state[i] = SensorState.offline;
        this.markChanged(i);
      }
    }
  }

  private markChanged(i: number): void {
    if (this.changed[i]) return;
    this.changed[i] = 1;
    this.changedList.push(i);
  }

  /** The sensors changed since the last call, packed; resets the change set. */
  takeFrame(): ArrayBuffer {
    const list = this.changedList;
    this.changedList = [];
    const n = list.length;
    const index = new Uint32Array(n);
    const time = new Float64Array(n);
    const value = new Float64Array(n);
    const state = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const i = list[k]!;
      this.changed[i] = 0;
      index[k] = i;
      time[k] = this.latest.time[i]!;
      value[k] = this.latest.value[i]!;
      state[k] = this.alarms.state[i]! | (this.fresh[i] ? FRESH_OBSERVATION : 0);
      this.fresh[i] = 0;
    }
    return packSensorFrame(index, time, value, state, n);
  }

  /** Observations received so far (for the message rate). */
  receivedCount(): number {
    return this.received;
  }
}
