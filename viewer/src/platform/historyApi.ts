import type { HistoryRange, HistoryTimeline } from '../../../workers/formats/history.js';
import type { ViewerConfig } from '../../../workers/formats/viewerConfig.js';
import { serverApiRequest } from './serverApi.js';

/**
 * The history API's JSON documents (workers/formats/history.ts) for the timeline and the
 * plugins that follow the clock. Refusals are ServerApiErrors, as for the rest of the API.
 */

/** Where the server's API is: the live feed's `apiUrl`, else the page's own origin. */
export function serverApiBase(config: ViewerConfig, baseUrl: string): string {
  return config.live?.apiUrl || new URL(baseUrl).origin;
}

export function fetchHistoryRange(apiBase: string): Promise<HistoryRange> {
  return serverApiRequest<HistoryRange>(apiBase, 'GET', '/api/history/range');
}

/**
 * Alarm density in `buckets` buckets over [from, to] and every incident change in it, as marks.
 * The density counts the alarms of the sensors the sign-in's role may read (`token`; none: public).
 */
export function fetchHistoryTimeline(apiBase: string, from: number, to: number, buckets: number, token?: string): Promise<HistoryTimeline> {
  const query = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), buckets: String(buckets) });
  return serverApiRequest<HistoryTimeline>(apiBase, 'GET', `/api/history/timeline?${query}`, token ? { token } : {});
}
