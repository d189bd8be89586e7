import { describe, expect, it } from 'vitest';
import { parseCount, parseIsoTime, parsePhenomenonTimeFilter, parsePhenomenonTimeOrder, phenomenonTimeFilterText } from './parseHistoryQuery.js';

const T = Date.parse('2026-11-30T08:00:00.000Z');

describe('ISO 8601 times in URLs', () => {
  it('reads UTC and offsets, to the millisecond', () => {
    expect(parseIsoTime('2026-11-30T08:00:00Z', 'at')).toEqual({ value: T });
    expect(parseIsoTime('2026-11-30T08:00Z', 'at')).toEqual({ value: T });
    expect(parseIsoTime('2026-11-30T16:00:00.000+08:00', 'at')).toEqual({ value: T });
    expect(parseIsoTime('2026-11-30T08:00:00.123456Z', 'at')).toEqual({ value: T + 123 });
    expect(parseIsoTime('2026-11-30T08:00:00.5z', 'at')).toEqual({ value: T + 500 });
  });

  it('refuses, naming the parameter, what is not a real time with a zone', () => {
    const refused = (text: string): string => {
      const parsed = parseIsoTime(text, 'from');
      if (!('message' in parsed)) throw new Error(`${text} was accepted`);
      expect(parsed.parameter).toBe('from');
      return parsed.message;
    };
    expect(refused('2026-11-30T08:00:00')).toMatch(/^from "2026-11-30T08:00:00" has no time zone/);
    expect(refused('2026-11-30T16:00:00 08:00')).toMatch(/%2B/);
    expect(refused('yesterday')).toMatch(/not an ISO 8601 time/);
    expect(refused('1796025600000')).toMatch(/not an ISO 8601 time/);
    expect(refused('2026-02-30T08:00:00Z')).toMatch(/not a date of the calendar/);
    expect(refused('2026-13-01T08:00:00Z')).toMatch(/not a date of the calendar/);
    expect(refused('2026-11-30T24:00:00Z')).toMatch(/not a time of day/);
    expect(refused('x'.repeat(500)).length).toBeLessThan(200);
  });
});

describe('counts', () => {
  it('take the fallback when absent and refuse what is not a whole number in range', () => {
    expect(parseCount(null, 'limit', 50, 1, 100)).toEqual({ value: 50 });
    expect(parseCount('100', 'limit', 50, 1, 100)).toEqual({ value: 100 });
    expect(parseCount('101', 'limit', 50, 1, 100)).toEqual({ parameter: 'limit', message: 'limit 101 is outside 1–100' });
    expect(parseCount('-1', 'limit', 50, 1, 100)).toMatchObject({ parameter: 'limit', message: expect.stringMatching(/not a whole number/) });
    expect(parseCount('1.5', 'limit', 50, 1, 100)).toMatchObject({ parameter: 'limit' });
    expect(parseCount('', 'limit', 50, 1, 100)).toMatchObject({ parameter: 'limit' });
    expect(parseCount('0', '$top', 100, 1, Number.MAX_SAFE_INTEGER)).toEqual({ parameter: '$top', message: '$top 0 is below 1' });
  });
});

describe('SensorThings $filter on phenomenonTime', () => {
  it('reads comparisons joined by and, bare or quoted, with parentheses', () => {
    expect(parsePhenomenonTimeFilter('phenomenonTime ge 2026-11-30T08:00:00Z')).toEqual({ value: { from: { time: T, inclusive: true } } });
    expect(parsePhenomenonTimeFilter("phenomenonTime gt '2026-11-30T08:00:00Z' and phenomenonTime lt '2026-11-30T09:00:00Z'")).toEqual({
      value: { from: { time: T, inclusive: false }, to: { time: T + 3_600_000, inclusive: false } },
    });
    expect(parsePhenomenonTimeFilter('(phenomenonTime le 2026-11-30T09:00:00Z) AND (phenomenonTime ge 2026-11-30T08:00:00Z)')).toEqual({
      value: { from: { time: T, inclusive: true }, to: { time: T + 3_600_000, inclusive: true } },
    });
    expect(parsePhenomenonTimeFilter('phenomenonTime eq 2026-11-30T08:00:00Z')).toEqual({
      value: { from: { time: T, inclusive: true }, to: { time: T, inclusive: true } },
    });
  });

  it('keeps the tightest of several bounds on one side', () => {
    const parsed = parsePhenomenonTimeFilter(
      'phenomenonTime ge 2026-11-30T08:00:00Z and phenomenonTime gt 2026-11-30T08:30:00Z and phenomenonTime le 2026-11-30T10:00:00Z and phenomenonTime lt 2026-11-30T10:00:00Z',
    );
    expect(parsed).toEqual({ value: { from: { time: T + 1_800_000, inclusive: false }, to: { time: T + 7_200_000, inclusive: false } } });
  });

  it('refuses what it cannot read with a sentence, never ignoring it', () => {
    const message = (text: string): string => {
      const parsed = parsePhenomenonTimeFilter(text);
      if (!('message' in parsed)) throw new Error(`${text} was accepted`);
      expect(parsed.parameter).toBe('$filter');
      return parsed.message;
    };
    expect(message('result gt 5')).toMatch(/can only compare phenomenonTime/);
    expect(message('phenomenonTime ge 2026-11-30T08:00:00Z or phenomenonTime lt 2026-11-29T08:00:00Z')).toMatch(/"and" only, not "or"/);
    expect(message('phenomenonTime ne 2026-11-30T08:00:00Z')).toMatch(/ge, gt, le, lt or eq, not "ne"/);
    expect(message('phenomenonTime ge')).toMatch(/no time to compare/);
    expect(message('phenomenonTime ge 2026-11-30T08:00:00Z and')).toMatch(/ends with "and"/);
    expect(message('phenomenonTime ge yesterday')).toMatch(/not an ISO 8601 time/);
    expect(message("phenomenonTime ge '2026-11-30T08:00:00Z")).toMatch(/quote without its end/);
    expect(message('(phenomenonTime ge 2026-11-30T08:00:00Z')).toMatch(/\( without its \)/);
    expect(message('phenomenonTime ge 2026-11-30T08:00:00Z)')).toMatch(/\) without its \(/);
    expect(message('  ')).toMatch(/empty/);
    expect(message('not phenomenonTime ge 2026-11-30T08:00:00Z')).toMatch(/can only compare phenomenonTime/);
  });

  it('writes a window back as a filter that reads the same', () => {
    const window = { from: { time: T, inclusive: false }, to: { time: T + 1, inclusive: true } };
    expect(phenomenonTimeFilterText(window)).toBe('phenomenonTime gt 2026-11-30T08:00:00.000Z and phenomenonTime le 2026-11-30T08:00:00.001Z');
    expect(parsePhenomenonTimeFilter(phenomenonTimeFilterText(window)!)).toEqual({ value: window });
    expect(phenomenonTimeFilterText({})).toBeUndefined();
  });
});

describe('$orderby', () => {
  it('is phenomenonTime asc or desc (desc when absent)', () => {
    expect(parsePhenomenonTimeOrder(null)).toEqual({ value: { newestFirst: true } });
    expect(parsePhenomenonTimeOrder('phenomenonTime asc')).toEqual({ value: { newestFirst: false } });
    expect(parsePhenomenonTimeOrder('phenomenonTime DESC')).toEqual({ value: { newestFirst: true } });
    expect(parsePhenomenonTimeOrder('phenomenonTime')).toEqual({ value: { newestFirst: true } });
    expect(parsePhenomenonTimeOrder('result desc')).toMatchObject({ parameter: '$orderby' });
  });
});
