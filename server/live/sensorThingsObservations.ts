import {
  parseCount,
  parsePhenomenonTimeFilter,
  parsePhenomenonTimeOrder,
  phenomenonTimeFilterText,
  type QueryParsed,
  type TimeWindow,
} from '../../workers/history/parseHistoryQuery.js';
import type { ObservationHistory } from '../history/ObservationHistory.js';

/** Rows per page at most; a larger `$top` is served in pages of this size (the nextLink goes on). */
export const MAX_OBSERVATIONS_TOP = 10_000;
/** `$skip` past this is refused: deep pages are reached by the nextLink or a `$filter` on time. */
export const MAX_OBSERVATIONS_SKIP = 10_000;

export type ObservationsAnswer = { status: 200; body: object } | { status: 400; body: { error: string; parameter: string } };

/**
 * A Datastream's Observations from the history store (SensorThings v1.1): `$filter` on
 * phenomenonTime, `$top`, `$orderby=phenomenonTime asc|desc`, a small `$skip`, and an
 * `@iot.nextLink` when more rows follow. The link continues from the last row's time (keyset)
 * instead of skipping, so page 1,000 costs what page 1 does.
 */
export async function observationsPage(
  history: Pick<ObservationHistory, 'series'>,
  datastream: number,
  query: URLSearchParams,
  base: string,
): Promise<ObservationsAnswer> {
  const top = parseCount(query.get('$top'), '$top', 100, 0, Number.MAX_SAFE_INTEGER);
  if ('message' in top) return refused(top);
  const skip = parseCount(query.get('$skip'), '$skip', 0, 0, MAX_OBSERVATIONS_SKIP);
  if ('message' in skip) return refused({ ...skip, message: `${skip.message}: page with the @iot.nextLink or a $filter on phenomenonTime instead` });
  const order = parsePhenomenonTimeOrder(query.get('$orderby'));
  if ('message' in order) return refused(order);
  const filterText = query.get('$filter');
  const filter: QueryParsed<TimeWindow> = filterText === null ? { value: {} } : parsePhenomenonTimeFilter(filterText);
  if ('message' in filter) return refused(filter);

  const size = Math.min(top.value, MAX_OBSERVATIONS_TOP);
  const { newestFirst } = order.value;
  const window = filter.value;
  // One row past the page says whether another follows (no empty last page).
  const rows = await history.series({ datastream, ...window, newestFirst, limit: skip.value + size + 1 });
  const page = rows.slice(skip.value, skip.value + size);
  const body: Record<string, unknown> = {
    value: page.map((o) => ({ phenomenonTime: new Date(o.time).toISOString(), result: o.result })),
    'Datastream@iot.navigationLink': `${base}/v1.1/Datastreams(${datastream})`,
  };
  const last = page[page.length - 1];
  if (last && rows.length > skip.value + size) {
    const next: TimeWindow = newestFirst
      ? { ...window, to: { time: last.time, inclusive: false } }
      : { ...window, from: { time: last.time, inclusive: false } };
    const params = [
      `$top=${size}`,
      `$orderby=${encodeURIComponent(`phenomenonTime ${newestFirst ? 'desc' : 'asc'}`)}`,
      `$filter=${encodeURIComponent(phenomenonTimeFilterText(next)!)}`,
    ];
    body['@iot.nextLink'] = `${base}/v1.1/Datastreams(${datastream})/Observations?${params.join('&')}`;
  }
  return { status: 200, body };
}

function refused(parsed: { parameter: string; message: string }): ObservationsAnswer {
  return { status: 400, body: { error: parsed.message, parameter: parsed.parameter } };
}
