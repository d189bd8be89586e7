/** One page of a SensorThings Observations answer. */
export interface ObservationsPage {
  value: { phenomenonTime: string; result: number }[];
  '@iot.nextLink'?: string;
}

/** Pages read at most for one chart: the server pages at `$top` (2,000 here), so a sensor reporting every second fills an hour in 2. */
export const MAX_OBSERVATION_PAGES = 5;

/**
 * The rows of `url` and the pages its `@iot.nextLink`s lead to, in order, up to `maxPages`
 * pages (a link may be relative to `url`). Undefined when a page fails or `current()` says the
 * answer is no longer wanted; `truncated` when pages were left unread.
 */
export async function readObservationPages(
  url: string,
  fetchPage: (url: string) => Promise<ObservationsPage | undefined>,
  current: () => boolean = () => true,
  maxPages = MAX_OBSERVATION_PAGES,
): Promise<{ value: ObservationsPage['value']; truncated: boolean } | undefined> {
  const value: ObservationsPage['value'] = [];
  let next: string | undefined = url;
  for (let page = 0; next !== undefined && page < maxPages; page++) {
    const answer = await fetchPage(next);
    if (!answer || !current()) return undefined;
    value.push(...answer.value);
    next = answer['@iot.nextLink'] === undefined ? undefined : new URL(answer['@iot.nextLink'], next).href;
  }
  return { value, truncated: next !== undefined };
}
