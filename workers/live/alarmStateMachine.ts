/** A sensor's display state: the order is the severity (offline last: it is not a reading). */
export const SensorState = { normal: 0, warning: 1, alarm: 2, offline: 3 } as const;
export type SensorStateCode = (typeof SensorState)[keyof typeof SensorState];
export type SensorStateName = keyof typeof SensorState;
/** Names by code. */
export const SENSOR_STATE_NAMES: readonly SensorStateName[] = ['normal', 'warning', 'alarm', 'offline'];

/**
 * Thresholds of one datastream (SensorThings `properties.thresholds`): levels above (or below,
 * for pressure drops) which a reading is a warning or an alarm. `hysteresis` is how far back a
 * reading must come to clear a level, `minDurationSeconds` how long a level must hold before
 * it is raised — so noise around a threshold does not flicker.
 */
export interface Thresholds {
  direction: 'above' | 'below';
  warning: number;
  alarm: number;
  hysteresis: number;
  minDurationSeconds: number;
}

/** Per-sensor memory of the machine, kept in typed arrays by the caller (one slot per sensor). */
export interface AlarmMemory {
  state: Uint8Array;
  /** The level the readings currently reach, and since when (ms), before it is raised. */
  pendingLevel: Uint8Array;
  pendingSince: Float64Array;
}

export function createAlarmMemory(count: number): AlarmMemory {
  return { state: new Uint8Array(count), pendingLevel: new Uint8Array(count), pendingSince: new Float64Array(count) };
}

/** The level a reading reaches, with hysteresis relative to the current state. */
export function levelOf(value: number, current: number, t: Thresholds): number {
  const over = (limit: number, held: boolean): boolean => {
    const margin = held ? t.hysteresis : 0;
    return t.direction === 'above' ? value >= limit - margin : value <= limit + margin;
  };
  if (over(t.alarm, current >= SensorState.alarm)) return SensorState.alarm;
  if (over(t.warning, current >= SensorState.warning)) return SensorState.warning;
  return SensorState.normal;
}

/**
 * Feeds one reading (time in ms) to sensor `i` and returns its new state. Raising a level
 * waits `minDurationSeconds`; clearing (the reading is back beyond the hysteresis band) is
 * immediate, as is coming back from offline.
 */
export function updateAlarmState(memory: AlarmMemory, i: number, value: number, timeMs: number, t: Thresholds): SensorStateCode {
  const current = memory.state[i] === SensorState.offline ? SensorState.normal : memory.state[i]!;
  const level = levelOf(value, current, t);
  if (level <= current) {
    memory.state[i] = level;
    memory.pendingLevel[i] = level;
    return level as SensorStateCode;
  }
  if (memory.pendingLevel[i] !== level) {
    memory.pendingLevel[i] = level;
    memory.pendingSince[i] = timeMs;
  }
  if (timeMs - memory.pendingSince[i]! >= t.minDurationSeconds * 1000) memory.state[i] = level;
  else memory.state[i] = current;
  return memory.state[i] as SensorStateCode;
}
