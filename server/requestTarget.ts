import type { IncomingMessage } from 'node:http';
import { HttpError } from './HttpError.js';

/** A request's target, parsed and percent-decoded once, for every handler of the request. */
export interface RequestTarget {
  /** The decoded path ("/v1.1/Things('S00001')"); "*" for `OPTIONS *`. */
  path: string;
  query: URLSearchParams;
  /**
   * Where clients reach this server, without a trailing slash ("https://city.example/twin"):
   * the configured public URL, else the address the connection came in on. Never the
   * request's Host header, which the client chooses.
   */
  publicBase: string;
}

/** Targets parsed by the server's boundary, so that handlers don't parse them again. */
const parsed = new WeakMap<IncomingMessage, RequestTarget>();

/**
 * Parses a request target (origin form "/a?b", absolute form "http://host/a", or "*").
 * Throws HttpError 400 for anything else, a malformed URL or percent-encoding that is not
 * UTF-8 ("/%", "/%c0%af"), and a NUL in the path, which no route or file name may hold.
 */
export function parseRequestTarget(raw: string, publicBase: string): RequestTarget {
  if (raw === '*') return { path: '*', query: new URLSearchParams(), publicBase };
  let url: URL;
  try {
    // Origin form is read against a fixed origin (so "//x/y" stays a path, not a host);
    // the host of an absolute form is ignored.
    if (raw.startsWith('/')) url = new URL(`http://localhost${raw}`);
    else if (/^https?:\/\//i.test(raw)) url = new URL(raw);
    else throw new Error('not a path');
  } catch {
    throw new HttpError(400, 'bad request target');
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    throw new HttpError(400, 'bad percent-encoding in the path');
  }
  if (path.includes('\0')) throw new HttpError(400, 'NUL in the path');
  return { path, query: url.searchParams, publicBase };
}

/** Parses the request's target and keeps it for `requestTarget` (the server's boundary calls this). */
export function parseAndKeepRequestTarget(request: IncomingMessage, publicBase: string | undefined): RequestTarget {
  const target = parseRequestTarget(request.url ?? '/', publicBase ?? connectionBase(request));
  parsed.set(request, target);
  return target;
}

/** The request's target as the boundary parsed it (parsed now when no boundary did; HttpError 400 if malformed). */
export function requestTarget(request: IncomingMessage): RequestTarget {
  return parsed.get(request) ?? parseAndKeepRequestTarget(request, undefined);
}

/** The address and port the client connected to: the listening address, not what the client claims. */
function connectionBase(request: IncomingMessage): string {
  const address = (request.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:(?=\d+\.)/, '');
  return `http://${address.includes(':') ? `[${address}]` : address}:${request.socket.localPort ?? 80}`;
}
