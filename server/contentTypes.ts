/** Content types by file extension; compressible ones are served gzip/brotli-encoded. */
export const CONTENT_TYPES: Record<string, { type: string; compressible: boolean }> = {
  '.html': { type: 'text/html; charset=utf-8', compressible: true },
  '.js': { type: 'text/javascript; charset=utf-8', compressible: true },
  '.mjs': { type: 'text/javascript; charset=utf-8', compressible: true },
  '.css': { type: 'text/css; charset=utf-8', compressible: true },
  '.json': { type: 'application/json; charset=utf-8', compressible: true },
  '.geojson': { type: 'application/geo+json; charset=utf-8', compressible: true },
  '.glb': { type: 'model/gltf-binary', compressible: true },
  '.gltf': { type: 'model/gltf+json', compressible: true },
  '.subtree': { type: 'application/octet-stream', compressible: true },
  '.wasm': { type: 'application/wasm', compressible: true },
  '.svg': { type: 'image/svg+xml', compressible: true },
  '.xml': { type: 'application/xml', compressible: true },
  '.txt': { type: 'text/plain; charset=utf-8', compressible: true },
  '.png': { type: 'image/png', compressible: false },
  '.jpg': { type: 'image/jpeg', compressible: false },
  '.jpeg': { type: 'image/jpeg', compressible: false },
  '.webp': { type: 'image/webp', compressible: false },
  '.ktx2': { type: 'image/ktx2', compressible: false },
  '.ico': { type: 'image/x-icon', compressible: false },
  '.woff2': { type: 'font/woff2', compressible: false },
};

export const FALLBACK_CONTENT_TYPE = { type: 'application/octet-stream', compressible: false };
