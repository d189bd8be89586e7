import type { ClockReading } from '../../../workers/formats/history.js';

/**
 * What can be done with the viewer's one clock (the timeline, the keyboard and the page API
 * all call these; viewer/src/app/clock/ implements them). Times are ms since the epoch or ISO
 * 8601; a bad time or speed throws a ClockError that says what was wrong.
 */
export interface ClockCommands {
  /** The clock now: mode, the time it shows, its speed (0 while a replay is paused). */
  reading(): ClockReading;
  /** Replays from `time` (in the past) at `speed` (1 … 3,600; default 60), playing unless told otherwise. */
  replay(time: number | string, options?: { speed?: number; playing?: boolean }): void;
  /** Moves to `time`: from live it starts a replay; at or past now it is live. */
  seek(time: number | string): void;
  play(): void;
  /** Pauses a replay; live freezes at now. */
  pause(): void;
  /** One step back (-1) or forward (+1), of a span that suits the speed (10 s at 1× … 1 h at 3,600×). */
  step(direction: -1 | 1): void;
  setSpeed(speed: number): void;
  /** Back to live. */
  live(): void;
}
