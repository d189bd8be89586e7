import type { ObservationHistory } from '../history/ObservationHistory.js';

/** Raw readings per level in one read at most (a day of a level reporting every 10 s is 8,640). */
export const MAX_LEVEL_READINGS = 50_000;

/**
 * One level's counts in [from, to] oldest first: the count held at `from` (its last reading
 * before, placed at `from`), the aggregates' means where raw readings are no longer kept, the
 * raw readings after.
 */
export async function levelSeries(
  history: Pick<ObservationHistory, 'series' | 'aggregates'>,
  datastream: number,
  from: number,
  to: number,
  rawFrom: number | null,
): Promise<{ time: number; result: number }[]> {
  const out: { time: number; result: number }[] = [];
  const rawStart = rawFrom === null ? Number.POSITIVE_INFINITY : Math.max(from, rawFrom);
  if (from < rawStart) {
    for (const bucket of await history.aggregates(datastream, from, Math.min(to, rawStart)))
      if (bucket.time >= from && bucket.time < rawStart) out.push({ time: bucket.time, result: bucket.mean });
  } else {
    const [held] = await history.series({ datastream, to: { time: from, inclusive: false }, newestFirst: true, limit: 1 });
    if (held) out.push({ time: from, result: held.result });
  }
  if (rawStart <= to)
    out.push(
      ...(await history.series({
        datastream,
        from: { time: rawStart, inclusive: true },
        to: { time: to, inclusive: true },
        newestFirst: false,
        limit: MAX_LEVEL_READINGS,
      })),
    );
  return out;
}
