import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A host page's server on its own origin (a leadership cockpit), for the embedding tests: pages
 * that load `<cim-twin>` from the viewer's server or frame its `/embed.html`, under a strict CSP
 * of their own (no inline script; the viewer's origin allowed for scripts, workers, fetches and
 * frames). Pages take `?viewer=<origin>` and, for the iframe page, `&other=<origin>`, a second
 * frame from another origin (the forger), and `&token=<JWT>`, handed to the frame in its fragment.
 */
export async function startEmbedHost(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://host');
    const viewer = originParam(url.searchParams.get('viewer'));
    const other = originParam(url.searchParams.get('other'));
    const ws = viewer.replace(/^http/, 'ws');
    const csp = [
      "default-src 'self'",
      `script-src 'self' ${viewer} 'wasm-unsafe-eval'`,
      `worker-src 'self' blob: ${viewer}`,
      `connect-src 'self' ${viewer} ${ws}`,
      `img-src 'self' data: blob: ${viewer}`,
      "style-src 'self' 'unsafe-inline'",
      `frame-src ${viewer} ${other}`,
      "object-src 'none'",
      "base-uri 'none'",
    ].join('; ');
    const page = (body: string): void => {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp, 'Cache-Control': 'no-store' });
      response.end(
        `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>cockpit</title></head><body style="margin:0">${body}</body></html>`,
      );
    };
    if (url.pathname === '/component.html') page(viewer ? `<script type="module" src="${viewer}/embed/cim-twin.js"></script>` : '');
    else if (url.pathname === '/iframe.html') {
      const self = `http://${request.headers.host}`;
      const query = new URLSearchParams({ host: self, mode: url.searchParams.get('mode') ?? 'cockpit', lang: 'en' });
      const token = /^[A-Za-z0-9_.-]+$/.exec(url.searchParams.get('token') ?? '')?.[0];
      page(
        `<iframe id="twin" src="${viewer}/embed.html?${query}${token ? `#token=${token}` : ''}" width="480" height="270" style="border:0"></iframe>` +
          (other ? `<iframe id="other" src="${other}/blank.html" width="10" height="10" style="border:0"></iframe>` : ''),
      );
    } else if (url.pathname === '/blank.html') page('');
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Only an http origin on the loopback goes into the page (no markup from the query). */
function originParam(value: string | null): string {
  return value && /^http:\/\/127\.0\.0\.1:\d+$/.test(value) ? value : '';
}
