/**
 * The query parameters of the history API and of SensorThings' Observations (see
 * workers/formats/history.ts): ISO 8601 times, phenomenonTime filters, orderings, counts. Pure:
 * the server turns a refusal into a 400 that names the parameter and says what was expected.
 */
export type QueryParsed<T> = { value: T } | { parameter: string; message: string };

/** A bound on phenomenonTime (ms), inclusive (ge / le) or exclusive (gt / lt). */
export interface TimeBound {
  time: number;
  inclusive: boolean;
}

/** What a `$filter` on phenomenonTime asks for: each bound optional. */
export interface TimeWindow {
  from?: TimeBound;
  to?: TimeBound;
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * An ISO 8601 date and time with its zone (`2026-11-30T08:00:00Z`, `…00.123Z`,
 * `2026-11-30T16:00+08:00`) as ms since the epoch; digits past milliseconds are dropped.
 * A time without a zone is refused rather than read in the server's own zone.
 */
export function parseIsoTime(text: string, parameter: string): QueryParsed<number> {
  const refuse = (why: string): QueryParsed<number> => ({ parameter, message: `${parameter} "${clip(text)}" ${why}` });
  const match = ISO_TIME.exec(text.trim());
  if (!match) {
    // A '+' left unencoded in a URL arrives as a space.
    if (/^\d{4}-\d{2}-\d{2}T[\d:.]+ \d{2}:\d{2}$/.test(text.trim())) return refuse('has a space before its zone: write the + of "+08:00" as %2B in a URL');
    if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text.trim())) return refuse('has no time zone: end it with Z (UTC) or an offset such as +08:00');
    return refuse('is not an ISO 8601 time such as 2026-11-30T08:00:00Z');
  }
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone] = match;
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > daysInMonth) return refuse('is not a date of the calendar');
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return refuse('is not a time of day');
  const ms = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second.padStart(2, '0')}.${fraction.slice(0, 3).padEnd(3, '0')}${zone!.toUpperCase()}`);
  return Number.isFinite(ms) ? { value: ms } : refuse('is out of range');
}

/** A whole number in [min, max], `fallback` when absent; anything else is refused (not clamped silently). */
export function parseCount(text: string | null, parameter: string, fallback: number, min: number, max: number): QueryParsed<number> {
  if (text === null) return { value: fallback };
  if (!/^\d{1,15}$/.test(text.trim())) return { parameter, message: `${parameter} "${clip(text)}" is not a whole number` };
  const value = Number(text.trim());
  if (value < min && max === Number.MAX_SAFE_INTEGER) return { parameter, message: `${parameter} ${value} is below ${min}` };
  if (value < min || value > max) return { parameter, message: `${parameter} ${value} is outside ${min}–${max}` };
  return { value };
}

const FILTER_OPERATORS = new Set(['ge', 'gt', 'le', 'lt', 'eq']);

/**
 * A SensorThings `$filter` on phenomenonTime: comparisons `phenomenonTime ge|gt|le|lt|eq <time>`
 * joined by `and`, with or without parentheses around them; the time bare (as OData writes it)
 * or in single quotes. Several bounds on one side keep the tightest. Anything else — another
 * property, `or`, `not`, functions — is refused with a sentence, never ignored.
 */
export function parsePhenomenonTimeFilter(text: string): QueryParsed<TimeWindow> {
  const parameter = '$filter';
  const source = text.trim();
  if (source === '') return { parameter, message: '$filter is empty' };
  const tokens: string[] = [];
  const tokenPattern = /\s*(\(|\)|'[^']*'|[^\s()']+)\s*/y;
  let depth = 0;
  for (let at = 0; at < source.length; at = tokenPattern.lastIndex) {
    tokenPattern.lastIndex = at;
    const match = tokenPattern.exec(source);
    if (!match) return { parameter, message: `$filter has a quote without its end: ${clip(source.slice(at))}` };
    const token = match[1]!;
    // Only `and` joins comparisons, so parentheses change no meaning: they must balance, then they go.
    if (token === '(') depth++;
    else if (token === ')') {
      if (--depth < 0) return { parameter, message: '$filter has a ) without its (' };
    } else tokens.push(token);
  }
  if (depth !== 0) return { parameter, message: '$filter has a ( without its )' };

  const window: TimeWindow = {};
  for (let i = 0; i < tokens.length; i += 4) {
    const [property, operator, value, joiner] = tokens.slice(i, i + 4);
    const clause = tokens.slice(i, i + 3).join(' ');
    if (property?.toLowerCase() !== 'phenomenontime')
      return { parameter, message: `$filter can only compare phenomenonTime (as in "phenomenonTime ge 2026-11-30T08:00:00Z"), not "${clip(clause)}"` };
    if (operator === undefined || !FILTER_OPERATORS.has(operator.toLowerCase()))
      return { parameter, message: `$filter compares phenomenonTime with ge, gt, le, lt or eq, not "${clip(operator ?? '(nothing)')}"` };
    if (value === undefined) return { parameter, message: `$filter "${clip(clause)}" has no time to compare with` };
    const time = parseIsoTime(value.replace(/^'(.*)'$/, '$1'), 'the time in $filter');
    if ('message' in time) return { parameter, message: time.message };
    const op = operator.toLowerCase();
    if (op === 'ge' || op === 'gt' || op === 'eq') window.from = tighter(window.from, { time: time.value, inclusive: op !== 'gt' }, 1);
    if (op === 'le' || op === 'lt' || op === 'eq') window.to = tighter(window.to, { time: time.value, inclusive: op !== 'lt' }, -1);
    if (joiner !== undefined && joiner.toLowerCase() !== 'and')
      return { parameter, message: `$filter joins comparisons with "and" only, not "${clip(joiner)}"` };
    if (joiner !== undefined && i + 4 >= tokens.length) return { parameter, message: '$filter ends with "and" and nothing after it' };
  }
  return { value: window };
}

/** `phenomenonTime asc|desc` (desc when absent: the newest first, as before). */
export function parsePhenomenonTimeOrder(text: string | null): QueryParsed<{ newestFirst: boolean }> {
  if (text === null) return { value: { newestFirst: true } };
  const match = /^\s*phenomenonTime(?:\s+(asc|desc))?\s*$/i.exec(text);
  if (!match) return { parameter: '$orderby', message: `$orderby can only be "phenomenonTime asc" or "phenomenonTime desc", not "${clip(text)}"` };
  return { value: { newestFirst: match[1]?.toLowerCase() !== 'asc' } };
}

/** The `$filter` text of a window (what a nextLink carries). */
export function phenomenonTimeFilterText(window: TimeWindow): string | undefined {
  const parts = [
    ...(window.from ? [`phenomenonTime ${window.from.inclusive ? 'ge' : 'gt'} ${new Date(window.from.time).toISOString()}`] : []),
    ...(window.to ? [`phenomenonTime ${window.to.inclusive ? 'le' : 'lt'} ${new Date(window.to.time).toISOString()}`] : []),
  ];
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

/** The tighter of two bounds on one side (direction 1: lower bounds, the later wins; -1: upper, the earlier). */
function tighter(current: TimeBound | undefined, next: TimeBound, direction: 1 | -1): TimeBound {
  if (!current) return next;
  if (current.time === next.time) return { time: current.time, inclusive: current.inclusive && next.inclusive };
  return (next.time - current.time) * direction > 0 ? next : current;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
