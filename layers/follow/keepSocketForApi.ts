import { RequestScheduler } from 'cesium';

/** Connections a browser opens to one host over HTTP/1.1. */
const HTTP1_CONNECTIONS_PER_HOST = 6;

/**
 * Over HTTP/1.1 a browser opens 6 connections to a host, and Cesium hands it up to 18 tile
 * requests at once: an API call queues behind a dozen tiles (seconds while a district loads, and
 * a leader's update arrives late on every wall). Cesium is kept to 5 on the API's host so one
 * connection stays free; tile throughput barely changes (the browser ran only 6 anyway). Over
 * HTTP/2 requests share one connection: nothing to do.
 */
export function keepSocketForApi(apiOrigin: string): void {
  const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  if (navigation?.nextHopProtocol && navigation.nextHopProtocol !== 'http/1.1') return;
  const url = new URL(apiOrigin);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  RequestScheduler.requestsByServer[`${url.hostname}:${port}`] = HTTP1_CONNECTIONS_PER_HOST - 1;
}
