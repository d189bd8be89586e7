import { clockTimeAt, MAX_REPLAY_SPEED, MIN_REPLAY_SPEED, type ClockReading, type ClockState } from '../../../../workers/formats/history.js';

/**
 * The clock's changes as pure functions of (clock, wall time): the commands, the URL and the
 * tests share them, and none reads `Date.now()` itself. Every change re-anchors a replay at the
 * wall time it happened, so `clockTimeAt` stays exact across pauses and speed changes.
 */

/** The speeds the timeline offers (replay seconds per wall second). */
export const REPLAY_SPEEDS = [1, 10, 60, 600, 3600] as const;
/** Entering a replay without a speed: an hour of history in a minute. */
export const DEFAULT_REPLAY_SPEED = 60;

/** A clock request that cannot be met (a time that is no time, in the future, a speed out of range). */
export class ClockError extends Error {
  override name = 'ClockError';
}

export type ReplayClock = Extract<ClockState, { mode: 'replay' }>;

/** An ISO 8601 time (or ms since the epoch) as ms; a clear error for anything else. */
export function parseClockTime(time: string | number): number {
  const ms = typeof time === 'number' ? time : /^\d{4}-\d{2}-\d{2}/.test(time) ? Date.parse(time) : NaN;
  if (!Number.isFinite(ms)) throw new ClockError(`not a time: ${JSON.stringify(time)} (expected ISO 8601, e.g. 2026-11-30T14:05:00Z)`);
  return ms;
}

/** The speed if it is one the clock plays at (1 … 3,600); a clear error otherwise. */
export function checkedSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed < MIN_REPLAY_SPEED || speed > MAX_REPLAY_SPEED)
    throw new ClockError(`replay speed ${speed} is out of range (${MIN_REPLAY_SPEED} … ${MAX_REPLAY_SPEED})`);
  return speed;
}

/** A replay of `time` from wall time `nowMs`. The future cannot be replayed. */
export function replayAt(time: number, nowMs: number, options: { speed?: number; playing?: boolean } = {}): ReplayClock {
  if (!Number.isFinite(time)) throw new ClockError(`not a time: ${time}`);
  if (time > nowMs) throw new ClockError(`${new Date(time).toISOString()} is in the future: only the past can be replayed`);
  return { mode: 'replay', time, anchorWallMs: nowMs, speed: checkedSpeed(options.speed ?? DEFAULT_REPLAY_SPEED), playing: options.playing ?? true };
}

/**
 * Moves the clock to `time`, keeping a replay's speed and play state. From live it starts a
 * replay playing at `speed`; a time at or past now is live again.
 */
export function seek(clock: ClockState, time: number, nowMs: number, speed = DEFAULT_REPLAY_SPEED): ClockState {
  if (time >= nowMs) return { mode: 'live' };
  if (clock.mode === 'live') return replayAt(time, nowMs, { speed, playing: true });
  return { ...clock, time, anchorWallMs: nowMs };
}

export function play(clock: ClockState, nowMs: number): ClockState {
  if (clock.mode === 'live' || clock.playing) return clock;
  return { ...clock, anchorWallMs: nowMs, playing: true };
}

/** Freezes a replay at the time it shows now; live freezes at now (a paused replay, `speed` for when it plays). */
export function pause(clock: ClockState, nowMs: number, speed = DEFAULT_REPLAY_SPEED): ClockState {
  if (clock.mode === 'live') return replayAt(nowMs, nowMs, { speed, playing: false });
  if (!clock.playing) return clock;
  return { ...clock, time: clockTimeAt(clock, nowMs), anchorWallMs: nowMs, playing: false };
}

export function withSpeed(clock: ClockState, speed: number, nowMs: number): ClockState {
  checkedSpeed(speed);
  if (clock.mode === 'live') return clock;
  return { ...clock, time: clockTimeAt(clock, nowMs), anchorWallMs: nowMs, speed };
}

/** How far one step moves at a speed: what the speed plays in about 10 s, rounded to a clock-like span. */
export function stepMs(speed: number): number {
  if (speed <= 1) return 10_000;
  if (speed <= 10) return 60_000;
  if (speed <= 60) return 5 * 60_000;
  if (speed <= 600) return 15 * 60_000;
  return 60 * 60_000;
}

/**
 * One step back (-1) or forward (+1), keeping the play state. From live a step back starts a
 * paused replay (forward stays live: there is no later); a step past now is live.
 */
export function step(clock: ClockState, direction: -1 | 1, nowMs: number, speed = DEFAULT_REPLAY_SPEED): ClockState {
  if (clock.mode === 'live') return direction < 0 ? replayAt(nowMs - stepMs(speed), nowMs, { speed, playing: false }) : clock;
  return seek(clock, clockTimeAt(clock, nowMs) + direction * stepMs(clock.speed), nowMs);
}

/** A playing replay that has caught up with now (it goes live: there is nothing later to replay). */
export function caughtUp(clock: ClockState, nowMs: number): boolean {
  return clock.mode === 'replay' && clock.playing && clockTimeAt(clock, nowMs) >= nowMs;
}

/** What the page API returns and the `clock` event carries. */
export function readClock(clock: ClockState, nowMs: number): ClockReading {
  if (clock.mode === 'live') return { mode: 'live', time: new Date(nowMs).toISOString(), speed: 1 };
  return { mode: 'replay', time: new Date(clockTimeAt(clock, nowMs)).toISOString(), speed: clock.playing ? clock.speed : 0 };
}
