/**
 * Who may show our pages in a frame by default: our own origin only. A deployment's embedding
 * origins (config `embed.origins`, CIM_EMBED_ORIGINS) are added with `frameAncestorsFor`.
 */
export const FRAME_ANCESTORS: readonly string[] = ["'self'"];

/**
 * The one list the CSP's frame-ancestors and X-Frame-Options are derived from: our own origin
 * and the origins allowed to embed (the same list the iframe bridge checks messages against).
 */
export function frameAncestorsFor(embedOrigins: readonly string[]): readonly string[] {
  return [...FRAME_ANCESTORS, ...embedOrigins];
}

/**
 * Content-Security-Policy of the viewer page: everything from our own origin (Cesium's
 * workers and assets included); inline styles only because Cesium's widgets inject them.
 * An online basemap host, when configured, is added to img-src/connect-src.
 */
export function contentSecurityPolicy(extraHosts: readonly string[] = [], frameAncestors: readonly string[] = FRAME_ANCESTORS): string {
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
    `frame-ancestors ${frameAncestors.length > 0 ? frameAncestors.join(' ') : "'none'"}`,
  ].join('; ');
}

/**
 * The headers every response carries, whatever answers it (a file, the API, an error, a
 * refused upgrade). The viewer asks for no powerful feature but fullscreen (Cesium's button).
 */
export function securityHeaders(extraHosts: readonly string[] = [], frameAncestors: readonly string[] = FRAME_ANCESTORS): Record<string, string> {
  // X-Frame-Options can only say "no one" or "same origin"; for a longer list browsers go by
  // frame-ancestors, which takes precedence where both are sent.
  const frameOptions = frameAncestors.length === 0 ? 'DENY' : frameAncestors.every((a) => a === "'self'") ? 'SAMEORIGIN' : undefined;
  return {
    'Content-Security-Policy': contentSecurityPolicy(extraHosts, frameAncestors),
    ...(frameOptions ? { 'X-Frame-Options': frameOptions } : {}),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': [
      'accelerometer=()',
      'autoplay=()',
      'bluetooth=()',
      'camera=()',
      'display-capture=()',
      'fullscreen=(self)',
      'geolocation=()',
      'gyroscope=()',
      'hid=()',
      'magnetometer=()',
      'microphone=()',
      'midi=()',
      'payment=()',
      'publickey-credentials-get=()',
      'screen-wake-lock=()',
      'serial=()',
      'usb=()',
      'xr-spatial-tracking=()',
    ].join(', '),
  };
}
