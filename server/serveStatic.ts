import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { CONTENT_TYPES, FALLBACK_CONTENT_TYPE } from './contentTypes.js';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

export interface StaticMount {
  /** URL prefix, e.g. "/tiles/" (with the trailing slash). */
  prefix: string;
  /** Folder served under it (may be a symbolic link that is swapped atomically). */
  root: string;
  /** Cache-Control for files under this mount. */
  cacheControl: (path: string) => string;
  /** Allow cross-origin reads (tiles and data are public, read-only). */
  cors: boolean;
}

/** Compressed bodies by path, mtime, size and encoding: tiles are read far more often than written. */
const compressedCache = new Map<string, Buffer>();
const COMPRESSED_CACHE_LIMIT = 2000;

/**
 * Serves files from mounts: GET/HEAD only, no path traversal (the real path must stay inside
 * the mount's real root), ETag + 304, gzip or brotli for compressible types (cached),
 * CORS for public data. Returns false when no mount matches the URL.
 */
export async function serveStatic(mounts: readonly StaticMount[], request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const mount = mounts.find((m) => url.pathname.startsWith(m.prefix) || url.pathname === m.prefix.slice(0, -1));
  if (!mount) return false;
  if (mount.cors) {
    response.setHeader('Access-Control-Allow-Origin', '*');
    response.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
  }
  if (request.method === 'OPTIONS') {
    response.writeHead(204).end();
    return true;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD, OPTIONS' }).end();
    return true;
  }
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname.slice(mount.prefix.length));
  } catch {
    response.writeHead(400).end('bad path');
    return true;
  }
  if (relative === '' || relative.endsWith('/')) relative += 'index.html';
  if (relative.includes('\0') || relative.split(/[\\/]/).some((part) => part === '..')) {
    response.writeHead(400).end('bad path');
    return true;
  }
  let file: string;
  let size: number;
  let mtime: Date;
  try {
    const root = await realpath(mount.root);
    file = await realpath(join(root, relative));
    if (file !== root && !file.startsWith(root + sep)) throw new Error('outside the root');
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
    mtime = info.mtime;
  } catch {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
    return true;
  }
  const kind = CONTENT_TYPES[extname(file).toLowerCase()] ?? FALLBACK_CONTENT_TYPE;
  const etag = `"${size.toString(36)}-${mtime.getTime().toString(36)}"`;
  response.setHeader('Content-Type', kind.type);
  response.setHeader('Cache-Control', mount.cacheControl(relative));
  response.setHeader('ETag', etag);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  if (kind.compressible) response.setHeader('Vary', 'Accept-Encoding');
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304).end();
    return true;
  }
  const accepted = String(request.headers['accept-encoding'] ?? '');
  const encoding = !kind.compressible || size < 512 ? undefined : /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : undefined;
  if (!encoding) {
    response.setHeader('Content-Length', size);
    response.writeHead(200);
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
    return true;
  }
  const key = `${file}|${etag}|${encoding}`;
  let body = compressedCache.get(key);
  if (!body) {
    const raw = await readFile(file);
    body =
      encoding === 'br'
        ? await brotliAsync(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length } })
        : await gzipAsync(raw, { level: 6 });
    if (compressedCache.size >= COMPRESSED_CACHE_LIMIT) compressedCache.delete(compressedCache.keys().next().value!);
    compressedCache.set(key, body);
  }
  response.setHeader('Content-Encoding', encoding);
  response.setHeader('Content-Length', body.length);
  response.writeHead(200);
  response.end(request.method === 'HEAD' ? undefined : body);
  return true;
}
