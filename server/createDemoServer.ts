import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { CompressedFiles } from './CompressedFiles.js';
import { createBoundedServer, type ServerTimeouts } from './createBoundedServer.js';
import { HttpError } from './HttpError.js';
import { MQTT_WEBSOCKET_PATH } from './live/mqttWebSocketPath.js';
import type { DemoPaths } from './prepareDemo.js';
import type { UserTileset } from './deployment/userTilesets.js';
import { publicBaseFromEnv } from './publicBaseFromEnv.js';
import { frameAncestorsFor, securityHeaders } from './securityHeaders.js';
import { serveStatic, type StaticMount } from './serveStatic.js';
import { viewerConfigFromEnv } from './viewerConfig.js';
import type { Authenticator } from './auth/Authenticator.js';
import { requesterOf } from './auth/requesterOf.js';
import type { AuditEntryInput } from './store/Store.js';
import { DATA_AUDIT_WINDOW_MS, DataAudit } from './access/DataAudit.js';
import { groundFileCategory, isGatedGroundFile, PipeDataGate, type PipeFolder } from './access/PipeDataGate.js';
import { createDataAccessApi, viewerConfigForRole } from './access/createDataAccessApi.js';
import { DEMO_TILESETS } from './prepareDemo.js';
import type { Role } from '../workers/formats/dataAccess.js';

export interface DemoServerOptions {
  /** CIM_* settings (viewer config, CIM_PUBLIC_URL). */
  env?: Record<string, string | undefined>;
  /** The live API (SensorThings); returns false for paths that are not its own. */
  api?: (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;
  /** Paths served by 'upgrade' listeners (default: the embedded broker's WebSocket). */
  upgradePaths?: readonly string[];
  timeouts?: Partial<ServerTimeouts>;
  /** Kept compressed bodies (one per server by default; pass one to read its counters). */
  compressedFiles?: CompressedFiles;
  log?: (message: string) => void;
  /** Tileset folders given with `--tileset`, served under /tiles/user/<name>/. */
  userTilesets?: readonly UserTileset[];
  /**
   * Data roles: the sign-in that tells a request's role, the audit log, and whether the demo
   * sign-in is on (no accounts file). Without it every request reads as `public`: no pipes.
   */
  access?: { auth: Authenticator; appendAudit: (entry: AuditEntryInput) => Promise<void>; demoSignIn: boolean };
}

/**
 * The demo's HTTP server: /healthz, /config.json, the live API, tiles, ground data and the
 * viewer, inside one error boundary (createBoundedServer) with the security headers on every
 * response.
 */
export function createDemoServer(paths: DemoPaths, options: DemoServerOptions = {}): Server {
  const env = options.env ?? {};
  const { config, hosts } = viewerConfigFromEnv(env, options.userTilesets);
  const embedOrigins = new Set(config.embed?.origins ?? []);
  const compressed = options.compressedFiles ?? new CompressedFiles();
  // Pipe tileset folders: every file under them goes through the gate (server/access/PipeDataGate.ts).
  const pipeFolders: PipeFolder[] = [
    ...DEMO_TILESETS.filter((t) => t.args[0] === 'pipes').map((t) => ({ urlPrefix: `/tiles/${t.name}/`, dir: join(paths.tilesDir, t.name) })),
    ...(options.userTilesets ?? []).filter((t) => t.isPipes).map((t) => ({ urlPrefix: `/tiles/user/${t.name}/`, dir: t.dir })),
  ];
  const audit = new DataAudit(options.access?.appendAudit ?? (async () => undefined), DATA_AUDIT_WINDOW_MS, options.log);
  const gate = new PipeDataGate(pipeFolders, options.access?.auth, audit, compressed, paths.groundDir);
  const dataApi = options.access
    ? createDataAccessApi({ auth: options.access.auth, gate, demoSignIn: options.access.demoSignIn, appendAudit: options.access.appendAudit })
    : undefined;
  /** /config.json per role: the layers it can load, made once per role and build of the pipe folders (a rebuild may add or drop categories). */
  const configs = new Map<Role, Promise<string>>();
  let configsOfBuild = '';
  const configFor = async (role: Role): Promise<string> => {
    const build = await gate.buildKey();
    if (build !== configsOfBuild) {
      configs.clear();
      configsOfBuild = build;
    }
    let made = configs.get(role);
    if (!made) {
      made = viewerConfigForRole(config, role, gate, groundFileCategory).then((c) => JSON.stringify(c));
      made.catch(() => configs.delete(role));
      configs.set(role, made);
    }
    return made;
  };
  const mounts: StaticMount[] = [
    ...(options.userTilesets ?? []).map((tileset): StaticMount => ({
      prefix: `/tiles/user/${tileset.name}/`,
      root: tileset.dir,
      cors: true,
      cacheControl: (p) => (p.endsWith('.glb') ? 'public, max-age=31536000, immutable' : 'no-cache'),
    })),
    // Tiles are content-addressed: cache them for good; tileset.json is revalidated.
    { prefix: '/tiles/', root: paths.tilesDir, cors: true, cacheControl: (p) => (p.endsWith('.glb') ? 'public, max-age=31536000, immutable' : 'no-cache') },
    { prefix: '/data/', root: paths.groundDir, cors: true, cacheControl: (p) => (isGatedGroundFile(p) ? 'private, no-cache' : 'no-cache') },
    // The viewer's code, styles and Cesium's assets, which <cim-twin> on a host's origin loads
    // as module scripts, workers and fetches (CORS-mode requests): public files, like tiles.
    ...['/assets/', '/cesium/', '/embed/'].map((prefix): StaticMount => ({
      prefix,
      root: join(paths.viewerDist, prefix.slice(1)),
      cors: true,
      cacheControl: () => (prefix === '/assets/' ? 'public, max-age=31536000, immutable' : prefix === '/cesium/' ? 'public, max-age=86400' : 'no-cache'),
    })),
    {
      prefix: '/',
      root: paths.viewerDist,
      cors: false,
      cacheControl: (p) => (p.startsWith('assets/') ? 'public, max-age=31536000, immutable' : p.startsWith('cesium/') ? 'public, max-age=86400' : 'no-cache'),
    },
  ];
  return createBoundedServer(
    {
      headers: securityHeaders(hosts, frameAncestorsFor(config.embed?.origins ?? [])),
      upgradePaths: new Set(options.upgradePaths ?? [MQTT_WEBSOCKET_PATH]),
      publicBase: publicBaseFromEnv(env),
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      ...(options.log ? { log: options.log } : {}),
    },
    async (request, response, target) => {
      if (target.path === '/healthz') {
        response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end('{"ok":true}');
        return;
      }
      // The embedding origins' pages (<cim-twin>) read /config.json and call the API: allowed by
      // name, with the sign-in token in Authorization (no cookies: nothing ambient to borrow).
      const origin = request.headers.origin;
      if (origin && embedOrigins.has(origin)) {
        response.setHeader('Access-Control-Allow-Origin', origin);
        response.setHeader('Vary', 'Origin');
        if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
          response
            .writeHead(204, {
              'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
              'Access-Control-Allow-Headers': 'Authorization, Content-Type',
              'Access-Control-Max-Age': '600',
            })
            .end();
          return;
        }
      }
      if (target.path === '/config.json') {
        const requester = await requesterOf(options.access?.auth, request);
        if (requester === 'invalid') {
          response.setHeader('WWW-Authenticate', 'Bearer realm="cim-twin", error="invalid_token"');
          throw new HttpError(401, 'the token is invalid or expired: sign in again');
        }
        // Per role, so never from a shared cache.
        response
          .writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'private, no-cache', Vary: 'Origin, Authorization' })
          .end(await configFor(requester.role));
        return;
      }
      const dataAnswer = dataApi?.(request, response);
      if (dataAnswer && (await dataAnswer)) return;
      if (await options.api?.(request, response)) return;
      if (await gate.handle(request, response)) return;
      if (!(await serveStatic(mounts, request, response, compressed))) throw new HttpError(404, 'not found');
    },
  );
}
