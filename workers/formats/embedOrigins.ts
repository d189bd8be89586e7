/**
 * The origins a deployment lets embed the viewer (a leadership cockpit on another host): one
 * list that sets the server's `frame-ancestors` and that the iframe bridge checks every
 * message's origin against. Denied by default: an empty list lets no other origin frame us.
 * Set by `CIM_EMBED_ORIGINS` (comma-separated) and the config file's `embed.origins`.
 */
export interface EmbedConfig {
  /** Full origins, `https://cockpit.example.gov.cn` or `http://10.0.0.5:8081`: scheme, host and port, nothing more. */
  origins: string[];
}

/**
 * Why `text` is not an origin the list may hold, or undefined when it is one. Only full
 * origins: a wildcard, a path, a query, credentials or a scheme other than http(s) would let
 * more pages in than the operator named.
 */
export function embedOriginProblem(text: string): string | undefined {
  if (text.includes('*')) return `"${text}" has a wildcard: name each origin in full (https://host[:port])`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not an origin (https://host[:port])`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${text}" is not an http(s) origin`;
  if (url.username || url.password) return `"${text}" has credentials: an origin is scheme, host and port only`;
  if (url.search || url.hash || text.endsWith('?') || text.endsWith('#')) return `"${text}" has a query or fragment: an origin is scheme, host and port only`;
  if (url.pathname !== '/' || /^[a-z]+:\/\/[^/]+\/./i.test(text)) return `"${text}" has a path: an origin is scheme, host and port only`;
  return undefined;
}

/** The origin as browsers write it (`event.origin`): lower-case host, no default port, no slash. */
export function normalizeEmbedOrigin(text: string): string {
  return new URL(text).origin;
}
