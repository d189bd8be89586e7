import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRole, maySeeCategory, type Role } from '../../workers/formats/dataAccess.js';
import type { LayerDefinition, ViewerConfig } from '../../workers/formats/viewerConfig.js';
import { DEMO_SIGN_IN_ROLES, demoAccountName } from '../auth/accountsFromEnv.js';
import type { Authenticator } from '../auth/Authenticator.js';
import { type DataRequester, requesterOf } from '../auth/requesterOf.js';
import { readJson, sendJson } from '../incidents/createIncidentsApi.js';
import { requestTarget } from '../requestTarget.js';
import type { AuditEntryInput } from '../store/Store.js';
import type { PipeDataGate } from './PipeDataGate.js';

/**
 * The data-role routes:
 * - `POST /api/auth/demo {"role": "internal"}`: the demo sign-in, without an accounts file
 *   only (404 with one: a deployment's users sign in with their own accounts). It issues a
 *   token for public (none: signed out), internal and each utility; operator and admin keep
 *   their printed passwords (POST /api/auth/login).
 * - `GET /api/pipes/{id}[?in=/tiles/pipes/]`: a pipe's attributes as the requester's role may
 *   read them (PipeDataGate.attributes): 401 bad token, 403 hidden category, 404 unknown.
 */
export function createDataAccessApi(options: {
  auth: Authenticator;
  gate: PipeDataGate;
  demoSignIn: boolean;
  appendAudit: (entry: AuditEntryInput) => Promise<void>;
}): (request: IncomingMessage, response: ServerResponse) => false | Promise<boolean> {
  const { auth, gate } = options;
  // Other paths are declined at once, not a tick later: the handlers after this one run in the request's own tick.
  return (request, response) => {
    const { path } = requestTarget(request);
    return path === '/api/auth/demo' || path.startsWith('/api/pipes/') ? handle(request, response) : false;
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const { path, query } = requestTarget(request);
    const method = request.method ?? 'GET';
    if (path === '/api/auth/demo') {
      if (!options.demoSignIn)
        return (sendJson(response, 404, { error: 'the demo sign-in is off: this deployment has its own accounts (POST /api/auth/login)' }), true);
      if (method !== 'POST')
        return (response.setHeader('Allow', 'POST'), sendJson(response, 405, { error: `${method} is not allowed here (allowed: POST)` }), true);
      const body = await readJson(request, response);
      if (body === undefined) return true;
      const role = (body as { role?: unknown } | null)?.role;
      if (!isRole(role) || !DEMO_SIGN_IN_ROLES.includes(role))
        return (
          sendJson(response, 400, { error: `role: one of ${DEMO_SIGN_IN_ROLES.join(', ')} (operator and admin sign in with their passwords)`, field: 'role' }),
          true
        );
      const source = request.socket.remoteAddress ?? 'unknown';
      if (role === 'public') return (sendJson(response, 200, { token: null, role, username: 'anonymous' }), true);
      const issued = await auth.issueToken(demoAccountName(role));
      if (!issued) return (sendJson(response, 500, { error: `the demo account for ${role} is missing` }), true);
      await options.appendAudit({
        at: new Date().toISOString(),
        actor: issued.username,
        role,
        action: 'login.demo',
        target: `account:${issued.username}`,
        detail: '{}',
        source,
      });
      sendJson(response, 200, issued);
      return true;
    }
    const match = /^\/api\/pipes\/([^/]+)$/.exec(path);
    if (!match) return false;
    if (method !== 'GET') return (response.setHeader('Allow', 'GET'), sendJson(response, 405, { error: `${method} is not allowed here (allowed: GET)` }), true);
    const id = match[1]!;
    if (id.length > 200) return (sendJson(response, 400, { error: 'id: at most 200 characters', field: 'id' }), true);
    const requester = await requesterOf(auth, request);
    if (requester === 'invalid') {
      response.setHeader('WWW-Authenticate', 'Bearer realm="cim-twin", error="invalid_token"');
      return (sendJson(response, 401, { error: 'the token is invalid or expired: sign in again' }), true);
    }
    const folder = query.get('in') ?? undefined;
    if (folder !== undefined && !gate.folderPrefixes.includes(folder))
      return (sendJson(response, 400, { error: `in: one of ${gate.folderPrefixes.join(', ')}`, field: 'in' }), true);
    const result = await gate.attributes(id, requester, folder);
    response.setHeader('Vary', 'Authorization');
    if (result === undefined) return (sendJson(response, 404, { error: `no pipe "${id}"` }), true);
    if (result === 'forbidden') return (sendJson(response, 403, { error: refusal(requester) }), true);
    sendJson(response, 200, result);
    return true;
  }
}

function refusal(requester: DataRequester): string {
  return requester.role === 'public' ? 'pipe data needs signing in' : `the ${requester.role} role may not read this pipe's category`;
}

/**
 * /config.json as the requester's role may load it: the layers of pipe folders it sees no
 * category of are left out, and so are the category parts it may not see; the tools' and
 * incident impact's sources that it could not load are dropped (their panels then say the data
 * is missing, as with a config without them). The viewer fetches the config with its token, so
 * a role change reloads it. Listing a layer is no permission: the gate decides every file.
 */
export async function viewerConfigForRole(
  config: ViewerConfig,
  role: Role,
  gate: PipeDataGate,
  groundCategory: (url: string) => string | null | undefined,
): Promise<ViewerConfig> {
  const visibleIn = new Map<string, string[]>();
  for (const prefix of gate.folderPrefixes) visibleIn.set(prefix, await gate.categoriesVisible(prefix, role));
  /** Whether the role may load this URL: under a pipe folder, when it sees a category there; a gated /data/ file, when it sees its category. */
  const mayLoad = (url: string | undefined): boolean => {
    if (url === undefined) return true;
    for (const [prefix, visible] of visibleIn) if (url.startsWith(prefix)) return visible.length > 0;
    const category = groundCategory(url);
    return category === undefined || (category !== null && maySeeCategory(role, category));
  };
  const hiddenLayers = new Set<string>();
  for (const layer of config.layers) if (layer.kind === 'tileset' && !mayLoad(layer.url)) hiddenLayers.add(layer.id);
  const layers = config.layers.flatMap((layer): LayerDefinition[] => {
    if (hiddenLayers.has(layer.id)) return [];
    if (layer.kind === 'tilesetPart') {
      if (hiddenLayers.has(layer.of)) return [];
      const owner = config.layers.find((l) => l.id === layer.of);
      const prefix = owner?.kind === 'tileset' ? [...visibleIn.keys()].find((p) => owner.url.startsWith(p)) : undefined;
      // A category's part: shown when the role sees that category (the points part stays with any).
      const category = String(layer.match?.['category']?.[0] ?? '');
      if (prefix && category && layer.match?.['kind']?.includes('segment') && !visibleIn.get(prefix)!.includes(category)) return [];
    }
    if (layer.kind === 'incidents' && layer.impact) {
      const impact = { ...layer.impact };
      if (!mayLoad(impact.network)) {
        delete impact.network;
        delete impact.networkLayer;
      }
      if (impact.networkLayer && hiddenLayers.has(impact.networkLayer)) delete impact.networkLayer;
      if (!mayLoad(impact.hydraulicModel)) delete impact.hydraulicModel;
      return [{ ...layer, impact }];
    }
    return [layer];
  });
  const tools = config.tools ? { ...config.tools } : undefined;
  if (tools) {
    if (!mayLoad(tools.network)) delete tools.network;
    if (!mayLoad(tools.buildReport)) delete tools.buildReport;
    if (tools.networkLayer && hiddenLayers.has(tools.networkLayer)) delete tools.networkLayer;
  }
  return { ...config, layers, ...(tools ? { tools } : {}) };
}
