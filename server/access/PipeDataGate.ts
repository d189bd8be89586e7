import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { attributesFor, maySeeCategory, pipeAccessOf, type Role } from '../../workers/formats/dataAccess.js';
import type { NetworkDocument } from '../../workers/formats/networkDocument.js';
import { categoryFiles, isPipeCategoriesDocument, PIPE_CATEGORIES_FILE, type PipeAttributesDocument } from '../../workers/formats/pipeLayout.js';
import { mergeSearchIndexes, type SearchIndexDocument } from '../../workers/formats/searchIndex.js';
import type { Authenticator } from '../auth/Authenticator.js';
import { type DataRequester, requesterOf } from '../auth/requesterOf.js';
import type { CompressedFiles } from '../CompressedFiles.js';
import { requestTarget } from '../requestTarget.js';
import { serveStatic } from '../serveStatic.js';
import type { DataAudit } from './DataAudit.js';
import { buildReportForRole, networkForRole } from './filterPipeDocuments.js';

/** A pipe tileset folder the server serves (the pipeline's layout: workers/formats/pipeLayout.ts). */
export interface PipeFolder {
  /** URL prefix with the trailing slash: `/tiles/pipes/`. */
  urlPrefix: string;
  dir: string;
}

/** What a role sees of pipes, as a cache key: filtered documents are made once per profile. */
function profileOf(role: Role): string {
  const access = pipeAccessOf(role);
  return `${access.allCategories ? '*' : access.categories.join(',')}|${access.attributes}`;
}

interface Generated {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

interface FolderState {
  /** The folder's real path: the pipeline swaps a symbolic link at each build, which starts a new state. */
  real: string;
  categories: string[];
  documents: Map<string, Promise<Generated | undefined>>;
  attributes: Map<string, Promise<{ doc: PipeAttributesDocument; row: Map<string, number> }>>;
}

/** Whether a file under /data/ is pipe data the gate decides on (served `private`). */
export function isGatedGroundFile(name: string): boolean {
  return name in GROUND_FILE_CATEGORY;
}

/** For a URL of a /data/ file: its pipe category, null for one never served, undefined for public ground data. */
export function groundFileCategory(url: string): string | null | undefined {
  if (!url.startsWith('/data/')) return undefined;
  const name = url.slice('/data/'.length);
  return name in GROUND_FILE_CATEGORY ? GROUND_FILE_CATEGORY[name] : undefined;
}

/** Pipe seed files under /data/: the survey tables are pipeline inputs (never served); the water model and its service connections are water data. */
const GROUND_FILE_CATEGORY: Readonly<Record<string, string | null>> = {
  'nankai-pipe-lines.geojson': null,
  'nankai-pipe-points.geojson': null,
  'planted-conflicts.json': null,
  'nankai-water.inp': 'JS',
  'nankai-water-services.geojson': 'JS',
};

/**
 * The one place that decides who reads pipe data. For every path under a pipe tileset folder
 * (the demo's pipes and water model, `--tileset` pipe outputs) it takes the requester's role
 * (requesterOf: `public` without a token, 401 for a bad one) and:
 *
 * - `<code>/tileset.json`, `<code>/search-index.json`, `<code>/tiles/*.glb`: served when the role
 *   sees the category, else 403 with a short JSON error (no geometry byte);
 * - `tileset.json` (the root): only the categories the role sees; `search-index.json`: their
 *   indexes merged; `network.json`, `build-report.json`: filtered (filterPipeDocuments) — each
 *   made once per access profile, `Cache-Control: private`, `Vary: Authorization`; 403 when
 *   the role sees no category;
 * - anything else (attributes.json, categories.json, a stray file): 404, whatever the role.
 *
 * Everything it serves is `private`: a shared cache must never hand one role's answer to
 * another (tiles are still immutable in the browser's own cache). Reads of sensitive data and
 * refusals go to the audit log (DataAudit, rate-limited).
 */
export class PipeDataGate {
  private readonly states = new Map<string, FolderState>();

  constructor(
    private readonly folders: readonly PipeFolder[],
    private readonly auth: Authenticator | undefined,
    private readonly audit: DataAudit,
    private readonly compressed: CompressedFiles,
    /** The ground data folder (/data/): its sensor sites are served per role. */
    private readonly groundDir?: string,
  ) {}

  /** The sensor sites per access profile, made once per file version. */
  private sensorSites: { modified: number; documents: Map<string, Promise<Generated>> } | undefined;

  get folderPrefixes(): string[] {
    return this.folders.map((f) => f.urlPrefix);
  }

  /** Answers a request under a pipe folder or a gated /data/ file; false for other paths. */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const { path } = requestTarget(request);
    const folder = this.folders.find((f) => path.startsWith(f.urlPrefix) || path === f.urlPrefix.slice(0, -1));
    const groundName = path.startsWith('/data/') ? path.slice('/data/'.length) : undefined;
    const sensorSites = groundName === SENSOR_SITES_FILE && this.groundDir !== undefined;
    if (!folder && !sensorSites && !(groundName !== undefined && groundName in GROUND_FILE_CATEGORY)) return false;
    if (request.method === 'OPTIONS') return false; // CORS preflights: answered as for any file (no data in them)
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD, OPTIONS' }).end();
      return true;
    }
    addVary(response, 'Authorization');
    const requester = await requesterOf(this.auth, request);
    if (requester === 'invalid') {
      await this.audit.record({ username: 'invalid-token', role: 'none', source: request.socket.remoteAddress ?? 'unknown' }, 'data.refused', path, {
        status: 401,
      });
      response.setHeader('WWW-Authenticate', 'Bearer realm="cim-twin", error="invalid_token"');
      sendError(response, 401, 'the token is invalid or expired: sign in again');
      return true;
    }
    if (sensorSites) return this.serveSensorSites(request, response, requester.role);
    if (!folder) return this.serveGroundFile(groundName!, request, response, requester);
    return this.serveFolder(folder, path.slice(folder.urlPrefix.length), request, response, requester);
  }

  /**
   * A pipe's attributes as the role may read them: `undefined` when no folder has the id (404),
   * 'forbidden' when its category is hidden from the role (403).
   */
  async attributes(
    id: string,
    requester: DataRequester,
    inFolder?: string,
  ): Promise<{ id: string; category: string; tileset: string; level: 'full' | 'desensitised'; attributes: Record<string, unknown> } | 'forbidden' | undefined> {
    for (const folder of this.folders) {
      if (inFolder !== undefined && folder.urlPrefix !== inFolder) continue;
      const state = await this.state(folder);
      if (!state) continue;
      for (const code of state.categories) {
        const { doc, row } = await this.attributesOf(folder, state, code);
        const index = row.get(id);
        if (index === undefined) continue;
        if (!maySeeCategory(requester.role, code)) {
          await this.audit.record(requester, 'data.refused', `pipe:${folder.urlPrefix}${id}`, { status: 403, category: code });
          return 'forbidden';
        }
        const record = Object.fromEntries(doc.fields.map((field, j) => [field, doc.values[index]![j]]));
        const level = pipeAccessOf(requester.role).attributes;
        await this.audit.record(requester, 'data.read', `pipe:${folder.urlPrefix}${id}`, { level, category: code });
        return { id, category: code, tileset: folder.urlPrefix, level, attributes: attributesFor(requester.role, record) };
      }
    }
    return undefined;
  }

  /** The folders' current builds (their real paths): anything derived from an earlier build is stale. */
  async buildKey(): Promise<string> {
    const states = await Promise.all(this.folders.map((folder) => this.state(folder)));
    return states.map((state) => state?.real ?? '-').join('|');
  }

  /** Whether the role sees at least one category of the folder at this URL prefix (the viewer config lists only those layers). */
  async categoriesVisible(urlPrefix: string, role: Role): Promise<string[]> {
    const folder = this.folders.find((f) => f.urlPrefix === urlPrefix);
    const state = folder ? await this.state(folder) : undefined;
    return state ? state.categories.filter((code) => maySeeCategory(role, code)) : [];
  }

  /**
   * The seeds' sensor sites (the incident impact reads them) name the pipe feature each sensor
   * sits on: a role gets the sites on categories it sees and the ones on no pipe asset.
   */
  private async serveSensorSites(request: IncomingMessage, response: ServerResponse, role: Role): Promise<boolean> {
    const file = join(this.groundDir!, SENSOR_SITES_FILE);
    const modified = await stat(file).then(
      (s) => s.mtimeMs,
      () => undefined,
    );
    if (modified === undefined) {
      sendError(response, 404, 'not found');
      return true;
    }
    if (this.sensorSites?.modified !== modified) this.sensorSites = { modified, documents: new Map() };
    const key = profileOf(role);
    let made = this.sensorSites.documents.get(key);
    if (!made) {
      made = readFile(file, 'utf8').then((text) => generatedOf(sensorSitesForRole(JSON.parse(text) as SensorSitesDocument, role)));
      made.catch(() => this.sensorSites?.documents.delete(key));
      this.sensorSites.documents.set(key, made);
    }
    sendGenerated(request, response, await made);
    return true;
  }

  private async serveGroundFile(name: string, request: IncomingMessage, response: ServerResponse, requester: DataRequester): Promise<boolean> {
    const category = GROUND_FILE_CATEGORY[name];
    if (category === null || category === undefined) {
      sendError(response, 404, 'not found');
      return true;
    }
    if (!maySeeCategory(requester.role, category)) return this.refuse(response, requester, `data:${name}`, category);
    await this.audit.record(requester, 'data.read', `data:${name}`);
    return false; // served by the /data/ mount, private (set below by the caller's headers)
  }

  private async serveFolder(
    folder: PipeFolder,
    relative: string,
    request: IncomingMessage,
    response: ServerResponse,
    requester: DataRequester,
  ): Promise<boolean> {
    const state = await this.state(folder);
    if (!state) {
      sendError(response, 404, 'not found');
      return true;
    }
    const role = requester.role;
    const visible = state.categories.filter((code) => maySeeCategory(role, code));
    const whole = /^(tileset|search-index|network|build-report)\.json$/.exec(relative)?.[1];
    if (whole) {
      if (visible.length === 0) return this.refuse(response, requester, `tiles:${folder.urlPrefix}${relative}`, undefined);
      if (whole !== 'tileset') await this.audit.record(requester, 'data.read', `tiles:${folder.urlPrefix}${relative}`, { categories: visible });
      const generated = await this.generated(folder, state, whole, role);
      if (!generated) {
        sendError(response, 404, 'not found');
        return true;
      }
      sendGenerated(request, response, generated);
      return true;
    }
    const inCategory = /^([A-Z]{2})\/(tileset\.json|search-index\.json|tiles\/[A-Za-z0-9_-]+\.glb)$/.exec(relative);
    if (!inCategory || !state.categories.includes(inCategory[1]!)) {
      sendError(response, 404, 'not found');
      return true;
    }
    const code = inCategory[1]!;
    if (!maySeeCategory(role, code)) return this.refuse(response, requester, `tiles:${folder.urlPrefix}${code}`, code);
    if (inCategory[2] === 'tileset.json') await this.audit.record(requester, 'data.read', `tiles:${folder.urlPrefix}${code}`);
    const served = await serveStatic(
      [
        {
          prefix: folder.urlPrefix,
          root: folder.dir,
          cors: false,
          // Content-addressed tiles are immutable, but only in the requester's own cache.
          cacheControl: (p) => (p.endsWith('.glb') ? 'private, max-age=31536000, immutable' : 'private, no-cache'),
        },
      ],
      request,
      response,
      this.compressed,
    );
    return served;
  }

  /** 403 with a short JSON reason and no data; audited (a tile storm of refusals is one entry and a count). */
  private async refuse(response: ServerResponse, requester: DataRequester, target: string, category: string | undefined): Promise<true> {
    await this.audit.record(requester, 'data.refused', target, { status: 403, ...(category ? { category } : {}) });
    const reason =
      requester.role === 'public'
        ? 'pipe data needs signing in'
        : `the ${requester.role} role may not read ${category ? `the ${category} pipes` : 'any pipe category here'}`;
    sendError(response, 403, reason);
    return true;
  }

  private async state(folder: PipeFolder): Promise<FolderState | undefined> {
    let real: string;
    try {
      real = await realpath(folder.dir);
    } catch {
      return undefined;
    }
    const known = this.states.get(folder.urlPrefix);
    if (known?.real === real) return known;
    let categories: string[];
    try {
      const manifest: unknown = JSON.parse(await readFile(join(real, PIPE_CATEGORIES_FILE), 'utf8'));
      if (!isPipeCategoriesDocument(manifest)) return undefined;
      categories = manifest.categories.map((c) => c.code);
    } catch {
      return undefined; // not a pipe folder of this pipeline (deny: nothing under it is served)
    }
    const state: FolderState = { real, categories, documents: new Map(), attributes: new Map() };
    this.states.set(folder.urlPrefix, state);
    return state;
  }

  private attributesOf(folder: PipeFolder, state: FolderState, code: string): Promise<{ doc: PipeAttributesDocument; row: Map<string, number> }> {
    let loaded = state.attributes.get(code);
    if (!loaded) {
      loaded = readFile(join(state.real, categoryFiles(code).attributes), 'utf8').then((text) => {
        const doc = JSON.parse(text) as PipeAttributesDocument;
        return { doc, row: new Map(doc.ids.map((id, i) => [id, i])) };
      });
      loaded.catch(() => state.attributes.delete(code));
      state.attributes.set(code, loaded);
    }
    return loaded;
  }

  /** A document filtered for the role's access profile, made once per folder build and profile. */
  private generated(folder: PipeFolder, state: FolderState, name: string, role: Role): Promise<Generated | undefined> {
    const key = `${name}|${profileOf(role)}`;
    let made = state.documents.get(key);
    if (!made) {
      made = this.make(state, name, role);
      made.catch(() => state.documents.delete(key));
      state.documents.set(key, made);
    }
    return made;
  }

  private async make(state: FolderState, name: string, role: Role): Promise<Generated | undefined> {
    const visible = state.categories.filter((code) => maySeeCategory(role, code));
    const read = async <T>(file: string): Promise<T> => JSON.parse(await readFile(join(state.real, file), 'utf8')) as T;
    let document: unknown;
    if (name === 'tileset') {
      const root = await read<{ root: { children?: { content?: { uri: string } }[] } }>('tileset.json');
      const uris = new Set(visible.map((code) => categoryFiles(code).tileset));
      document = { ...root, root: { ...root.root, children: (root.root.children ?? []).filter((c) => c.content && uris.has(c.content.uri)) } };
    } else if (name === 'search-index') {
      const indexes = await Promise.all(visible.map((code) => read<SearchIndexDocument>(categoryFiles(code).searchIndex)));
      document = mergeSearchIndexes(indexes, 'pipe');
    } else if (name === 'network') {
      document = networkForRole(await read<NetworkDocument>('network.json'), role);
    } else {
      const [report, network] = await Promise.all([read<Record<string, unknown>>('build-report.json'), read<NetworkDocument>('network.json')]);
      document = buildReportForRole(report, network, role);
    }
    return generatedOf(document);
  }
}

async function generatedOf(document: unknown): Promise<Generated> {
  const body = Buffer.from(JSON.stringify(document));
  const gzipped = await promisify(gzip)(body, { level: 6 });
  return { body, gzipped, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** The seeds' sensor sites (GeoJSON; `category`: the CJJ 61 category of the feature a site sits on, absent or null on none). */
export const SENSOR_SITES_FILE = 'nankai-sensor-sites.geojson';
interface SensorSitesDocument {
  type: 'FeatureCollection';
  features: { properties?: { category?: string | null; feature?: string | null } | null }[];
}

/**
 * The sites a role may know of: on no pipe feature, or on a category it sees — as the live
 * catalogue reads them (server/live/SensorCatalog.ts): a site on a pipe feature without a
 * category is 不明管线 QT (fail closed).
 */
export function sensorSitesForRole(document: SensorSitesDocument, role: Role): SensorSitesDocument {
  if (pipeAccessOf(role).allCategories) return document;
  return {
    ...document,
    features: document.features.filter((feature) => {
      const { category, feature: onFeature } = feature.properties ?? {};
      if (category) return maySeeCategory(role, category);
      return !onFeature;
    }),
  };
}

function sendGenerated(request: IncomingMessage, response: ServerResponse, generated: Generated): void {
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Cache-Control', 'private, no-cache');
  addVary(response, 'Accept-Encoding');
  response.setHeader('ETag', generated.etag);
  if (request.headers['if-none-match'] === generated.etag) {
    response.writeHead(304).end();
    return;
  }
  const useGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  const body = useGzip ? generated.gzipped : generated.body;
  if (useGzip) response.setHeader('Content-Encoding', 'gzip');
  response.setHeader('Content-Length', body.length);
  response.writeHead(200).end(request.method === 'HEAD' ? undefined : body);
}

/** Adds to the Vary header (the server varies on Origin for embedding origins already). */
function addVary(response: ServerResponse, value: string): void {
  const vary = response.getHeader('Vary');
  response.setHeader('Vary', vary ? `${String(vary)}, ${value}` : value);
}

function sendError(response: ServerResponse, status: number, error: string): void {
  const text = JSON.stringify({ error });
  response
    .writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' })
    .end(text);
}
