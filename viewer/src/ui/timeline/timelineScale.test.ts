import { describe, expect, it } from 'vitest';
import { fractionOf, levelColour, tickTimes, timeAtFraction, timelineSpan } from './timelineScale.js';

const NOW = Date.parse('2026-11-30T18:00:00Z');
const HOUR = 3_600_000;

describe('timeline scale', () => {
  it('spans the last 24 h, cut to what is kept but never under an hour, widened for an older replay time', () => {
    expect(timelineSpan(NOW, null)).toEqual({ from: NOW - 24 * HOUR, to: NOW });
    expect(timelineSpan(NOW, NOW - 48 * HOUR)).toEqual({ from: NOW - 24 * HOUR, to: NOW });
    expect(timelineSpan(NOW, NOW - 5 * HOUR)).toEqual({ from: NOW - 5 * HOUR, to: NOW });
    expect(timelineSpan(NOW, NOW - 60_000)).toEqual({ from: NOW - HOUR, to: NOW });
    const older = timelineSpan(NOW, NOW - 5 * HOUR, NOW - 72 * HOUR);
    expect(older.from).toBeLessThan(NOW - 72 * HOUR);
    expect(fractionOf(older, NOW - 72 * HOUR)).toBeGreaterThan(0);
  });

  it('maps times to places along the bar and back, clamped to its ends', () => {
    const span = { from: NOW - 24 * HOUR, to: NOW };
    expect(fractionOf(span, NOW - 12 * HOUR)).toBe(0.5);
    expect(timeAtFraction(span, 0.25)).toBe(NOW - 18 * HOUR);
    expect([fractionOf(span, NOW + HOUR), fractionOf(span, 0), timeAtFraction(span, 2)]).toEqual([1, 0, NOW]);
  });

  it('labels whole steps of local time, at most as many as asked', () => {
    const span = { from: NOW - 24 * HOUR, to: NOW };
    const ticks = tickTimes(span, 8);
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    for (const tick of ticks) {
      expect(tick).toBeGreaterThanOrEqual(span.from);
      expect(new Date(tick).getMinutes()).toBe(0);
    }
    expect(tickTimes({ from: NOW - HOUR, to: NOW }, 8).length).toBeGreaterThanOrEqual(4);
  });

  it('colours incident marks by GB/T 35561 level: Ⅰ red, Ⅱ orange, Ⅲ yellow, Ⅳ blue', () => {
    expect([1, 2, 3, 4].map(levelColour)).toEqual(['#e60000', '#ff8c00', '#ffd400', '#1e78ff']);
    expect(levelColour(9)).toBe('#9fb3cc');
  });
});
