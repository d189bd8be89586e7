import { EMERGENCY_LEVELS } from '../../../../workers/standards/gbt35561.js';

/** What the timeline spans: [from, to] in ms, `to` being now. */
export interface TimelineSpan {
  from: number;
  to: number;
}

const HOUR = 3_600_000;
/** The timeline shows the last day… */
export const TIMELINE_SPAN_MS = 24 * HOUR;
/** …or less when less is kept, but never under an hour (a fresh server still gets a usable bar). */
const MIN_SPAN_MS = HOUR;

/**
 * The span the bar shows at `nowMs`: the last 24 h, cut to what the store keeps (`keptFrom`, the
 * earliest raw observation), and widened to hold a replay time outside it (a link to last week).
 */
export function timelineSpan(nowMs: number, keptFrom: number | null, cursor?: number): TimelineSpan {
  let from = Math.max(nowMs - TIMELINE_SPAN_MS, keptFrom ?? -Infinity);
  from = Math.min(from, nowMs - MIN_SPAN_MS);
  if (cursor !== undefined && cursor < from) from = cursor - (nowMs - cursor) * 0.02;
  return { from, to: nowMs };
}

/** Where `time` lies along the bar, 0 … 1 (clamped). */
export function fractionOf(span: TimelineSpan, time: number): number {
  return Math.min(1, Math.max(0, (time - span.from) / (span.to - span.from)));
}

/** The time at a place along the bar, 0 … 1 (clamped). */
export function timeAtFraction(span: TimelineSpan, fraction: number): number {
  return span.from + Math.min(1, Math.max(0, fraction)) * (span.to - span.from);
}

const TICK_STEPS = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((minutes) => minutes * 60_000);

/** Times for the bar's labels: whole steps of local time (… 3 h, 6 h), at most `maxTicks` of them. */
export function tickTimes(span: TimelineSpan, maxTicks: number): number[] {
  const length = span.to - span.from;
  const stepMs = TICK_STEPS.find((s) => Math.floor(length / s) + 1 <= maxTicks) ?? TICK_STEPS[TICK_STEPS.length - 1]!;
  // Whole steps of local time: the offset of the local zone from UTC at the span's start.
  const offset = -new Date(span.from).getTimezoneOffset() * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil((span.from + offset) / stepMs) * stepMs - offset; t <= span.to; t += stepMs) ticks.push(t);
  return ticks;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** A clock time as the badge shows it, local: 2026-11-30 14:05:10. */
export function formatClockTime(ms: number): string {
  const at = new Date(ms);
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}

/** A tick's label, local: 14:00. */
export function formatTickTime(ms: number): string {
  const at = new Date(ms);
  return `${two(at.getHours())}:${two(at.getMinutes())}`;
}

/** A GB/T 35561 level (1 = Ⅰ, the most severe … 4 = Ⅳ) as its warning colour (red, orange, yellow, blue). */
export function levelColour(level: number): string {
  return EMERGENCY_LEVELS[level - 1]?.css ?? '#9fb3cc';
}
