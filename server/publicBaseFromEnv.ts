import { StartupError } from './StartupError.js';

/**
 * CIM_PUBLIC_URL: where clients reach the server (e.g. https://city.example/twin behind a
 * reverse proxy), for links the server writes (SensorThings @iot.selfLink). Returned without
 * a trailing slash; undefined when unset (then the address a connection came in on is used).
 */
export function publicBaseFromEnv(env: Record<string, string | undefined>): string | undefined {
  const configured = env['CIM_PUBLIC_URL']?.trim();
  if (!configured) return undefined;
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    throw new StartupError(`CIM_PUBLIC_URL is not a URL: ${JSON.stringify(configured)} (expected e.g. https://city.example/twin)`);
  }
  if (!/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password)
    throw new StartupError(`CIM_PUBLIC_URL must be a plain http(s) URL without query, fragment or credentials: ${JSON.stringify(configured)}`);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
