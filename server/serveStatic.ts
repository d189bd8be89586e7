import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { CompressedFiles, ContentEncoding } from './CompressedFiles.js';
import { CONTENT_TYPES, FALLBACK_CONTENT_TYPE } from './contentTypes.js';
import { requestTarget } from './requestTarget.js';

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

/**
 * Serves files from mounts: GET/HEAD only, no path traversal (the real path must stay inside
 * the mount's real root), no hidden names, ETag + 304, gzip or brotli for compressible types
 * (compressed once, see CompressedFiles), CORS for public data. Returns false when no mount
 * matches the path.
 */
export async function serveStatic(
  mounts: readonly StaticMount[],
  request: IncomingMessage,
  response: ServerResponse,
  compressed: CompressedFiles,
): Promise<boolean> {
  const { path } = requestTarget(request);
  const mount = mounts.find((m) => path.startsWith(m.prefix) || path === m.prefix.slice(0, -1));
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
  let relative = path.slice(mount.prefix.length);
  if (relative === '' || relative.endsWith('/')) relative += 'index.html';
  // A name starting with "." is never served: "..", and the folders where builds are staged
  // and kept (".buildings.builds", ".staging") or tools keep their state.
  const hidden = relative.split(/[\\/]/).some((part) => part.startsWith('.'));
  let file: string | undefined;
  let size = 0;
  let mtime = new Date(0);
  if (!hidden) {
    try {
      const root = await realpath(mount.root);
      file = await realpath(join(root, relative));
      if (file !== root && !file.startsWith(root + sep)) throw new Error('outside the root');
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      size = info.size;
      mtime = info.mtime;
    } catch {
      file = undefined;
    }
  }
  if (file === undefined) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
    return true;
  }
  const kind = CONTENT_TYPES[extname(file).toLowerCase()] ?? FALLBACK_CONTENT_TYPE;
  const etag = `"${size.toString(36)}-${mtime.getTime().toString(36)}"`;
  response.setHeader('Content-Type', kind.type);
  response.setHeader('Cache-Control', mount.cacheControl(relative));
  response.setHeader('ETag', etag);
  if (kind.compressible) {
    // Added to what the request's handlers vary on already (Origin, Authorization).
    const vary = response.getHeader('Vary');
    response.setHeader('Vary', vary ? `${String(vary)}, Accept-Encoding` : 'Accept-Encoding');
  }
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304).end();
    return true;
  }
  const accepted = String(request.headers['accept-encoding'] ?? '');
  const encoding: ContentEncoding | undefined =
    !kind.compressible || size < 512 ? undefined : /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : undefined;
  if (!encoding) {
    response.setHeader('Content-Length', size);
    response.writeHead(200);
    if (request.method === 'HEAD') response.end();
    else await pipeline(createReadStream(file), response);
    return true;
  }
  response.setHeader('Content-Encoding', encoding);
  const body = await compressed.body(file, etag, size, encoding);
  if (!body) {
    // Too large to keep compressed: compressed as it is sent, without a length.
    response.writeHead(200);
    if (request.method === 'HEAD') response.end();
    else await compressed.pipeCompressed(file, size, encoding, response);
    return true;
  }
  response.setHeader('Content-Length', body.length);
  response.writeHead(200);
  response.end(request.method === 'HEAD' ? undefined : body);
  return true;
}
