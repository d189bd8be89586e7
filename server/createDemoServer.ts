import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { DemoPaths } from './prepareDemo.js';
import type { UserTileset } from './deployment/userTilesets.js';
import { viewerConfigFromEnv } from './viewerConfig.js';
import { serveStatic, type StaticMount } from './serveStatic.js';

/**
 * Content-Security-Policy of the viewer page: everything from our own origin (Cesium's
 * workers and assets included); inline styles only because Cesium's widgets inject them.
 * An online basemap host, when configured, is added to img-src/connect-src.
 */
export function contentSecurityPolicy(extraHosts: readonly string[] = []): string {
  const hosts = extraHosts.join(' ');
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'", // WebAssembly decoders (meshopt, Draco); JS eval stays forbidden
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${hosts}`.trim(),
    `connect-src 'self' ${hosts}`.trim(),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

export function createDemoServer(
  paths: DemoPaths,
  options: {
    env?: Record<string, string | undefined>;
    api?: (request: IncomingMessage, response: ServerResponse) => boolean;
    /** Tileset folders given with `--tileset`, served under /tiles/user/<name>/. */
    userTilesets?: readonly UserTileset[];
  } = {},
): Server {
  const { config, hosts } = viewerConfigFromEnv(options.env ?? {}, options.userTilesets);
  const configJson = JSON.stringify(config);
  const mounts: StaticMount[] = [
    ...(options.userTilesets ?? []).map((tileset): StaticMount => ({
      prefix: `/tiles/user/${tileset.name}/`,
      root: tileset.dir,
      cors: true,
      cacheControl: (p) => (p.endsWith('.glb') ? 'public, max-age=31536000, immutable' : 'no-cache'),
    })),
    // Tiles are content-addressed: cache them for good; tileset.json is revalidated.
    { prefix: '/tiles/', root: paths.tilesDir, cors: true, cacheControl: (p) => (p.endsWith('.glb') ? 'public, max-age=31536000, immutable' : 'no-cache') },
    { prefix: '/data/', root: paths.groundDir, cors: true, cacheControl: () => 'no-cache' },
    {
      prefix: '/',
      root: paths.viewerDist,
      cors: false,
      cacheControl: (p) => (p.startsWith('assets/') ? 'public, max-age=31536000, immutable' : p.startsWith('cesium/') ? 'public, max-age=86400' : 'no-cache'),
    },
  ];
  const csp = contentSecurityPolicy(hosts);
  return createServer((request, response) => {
    if (request.url === '/healthz') {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      return;
    }
    if (request.url === '/config.json') {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' }).end(configJson);
      return;
    }
    if (options.api?.(request, response)) return;
    response.setHeader('Content-Security-Policy', csp);
    response.setHeader('Referrer-Policy', 'no-referrer');
    serveStatic(mounts, request, response)
      .then((served) => {
        if (!served) response.writeHead(404).end('not found');
      })
      .catch((error: unknown) => {
        console.error('request failed:', request.url, error);
        if (!response.headersSent) response.writeHead(500).end('internal error');
        else response.destroy();
      });
  });
}
