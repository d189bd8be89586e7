import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressedFiles } from '../server/CompressedFiles.js';
import { createDemoServer } from '../server/createDemoServer.js';
import { HttpError } from '../server/HttpError.js';
import type { DemoPaths } from '../server/prepareDemo.js';
import { startDemoServer } from './support/demoServer.js';
import { rawHeaders, rawHttp } from './support/rawHttp.js';

const repo = join(import.meta.dirname, '..');
// ~6.5 MB, the largest ground layer served (the pipe survey tables are pipeline inputs, never served: docs/access.md).
const BIG_GEOJSON = 'nankai-buildings.geojson';
const websocketHeaders = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
const get = (target: string, headers = ''): string => `GET ${target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n${headers}\r\n`;

/** A real demo server with the live backbone, its compressed bodies counted by the test. */
let demo: Awaited<ReturnType<typeof startDemoServer>>;
const compressedFiles = new CompressedFiles();
/** What the demo server logs as its own failures: nothing, whatever clients send. */
const demoFailures: string[] = [];
/** The same with short timeouts, for the slow-client tests, and a configured public URL. */
let quick: Awaited<ReturnType<typeof startDemoServer>>;
const QUICK = { headersMs: 300, requestMs: 600, keepAliveMs: 200 };

beforeAll(async () => {
  demo = await startDemoServer({ live: { simulator: false }, server: { compressedFiles, log: (line) => demoFailures.push(line) } });
  quick = await startDemoServer({ live: { simulator: false }, server: { timeouts: QUICK, env: { CIM_PUBLIC_URL: 'https://city.example/twin/' } } });
}, 300_000);
afterAll(async () => {
  await demo?.close();
  await quick?.close();
}, 30_000);

const portOf = (server: { url: string }): number => Number(new URL(server.url).port);

function httpGet(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Files under a temporary folder laid out as the demo's: a viewer page, a 3 MB JSON, a tile. */
function fixturePaths(): DemoPaths {
  const root = mkdtempSync(join(tmpdir(), 'cim-server-'));
  const paths: DemoPaths = {
    root,
    dataDir: join(root, 'data'),
    tilesDir: join(root, 'data/tiles'),
    groundDir: join(root, 'ground'),
    viewerDist: join(root, 'viewer'),
  };
  for (const dir of [paths.tilesDir, paths.groundDir, paths.viewerDist]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(paths.viewerDist, 'index.html'), '<!doctype html><title>fixture</title>');
  const rows = Array.from({ length: 60_000 }, (_, i) => `{"id":${i},"name":"pipe ${i}","depth":${(i % 97) / 10}}`);
  writeFileSync(join(paths.groundDir, 'big.json'), `[${rows.join(',\n')}]`);
  return paths;
}

describe('one error boundary for requests and upgrades', () => {
  const malformed = [
    '/%',
    '/%zz',
    '/%c0%af',
    '/%u002e%u002e/x',
    '/v1.1/%',
    '/index.html%ff',
    '/api/live/%zz',
    '/mqtt%',
    '/tiles/%00',
    'http://[::1',
    'file:///etc/passwd',
  ];

  it.each(malformed)('%s gets 400, with or without Upgrade, and the server keeps serving', async (target) => {
    const plain = await rawHttp(portOf(demo), get(target));
    expect(plain.status).toBe(400);
    const upgrade = await rawHttp(portOf(demo), get(target, websocketHeaders));
    expect(upgrade.status).toBe(400);
    expect(upgrade.closed).toBe(true);
    expect((await httpGet(`${demo.url}/healthz`)).status).toBe(200);
  });

  it('turns an exception in any handler (thrown, rejected, after the headers, in an upgrade) into 500 or a cut connection, logged once', async () => {
    const logged: string[] = [];
    const paths = fixturePaths();
    const server = createDemoServer(paths, {
      env: { CIM_LIVE: 'off' },
      upgradePaths: ['/ws-boom'],
      log: (line) => logged.push(line),
      api: (req, res) => {
        if (req.url === '/boom') {
          res.setHeader('Content-Length', 12345); // set by the failing handler; must not reach the 500
          throw new Error('sync failure');
        }
        if (req.url === '/boom-async') return Promise.reject(new Error('async failure'));
        if (req.url === '/boom-after-headers') {
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.write('partial');
          throw new Error('failure after the headers');
        }
        if (req.url === '/teapot') throw new HttpError(418, 'a client error, not ours');
        return false;
      },
    });
    server.on('upgrade', () => {
      throw new Error('upgrade failure');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const sync = await rawHttp(port, get('/boom'));
      expect(sync.status).toBe(500);
      expect(rawHeaders(sync)['content-length']).toBe('14');
      expect(sync.bytes.toString()).toContain('internal error');
      expect(rawHeaders(sync)['x-content-type-options']).toBe('nosniff');
      expect((await rawHttp(port, get('/boom-async'))).status).toBe(500);
      const late = await rawHttp(port, get('/boom-after-headers'));
      expect(late.status).toBe(200);
      expect(late.closed).toBe(true);
      expect(late.bytes.toString()).not.toMatch(/0\r\n\r\n$/); // cut: the chunked body never ends
      const teapot = await rawHttp(port, get('/teapot'));
      expect(teapot.status).toBe(418);
      const upgrade = await rawHttp(port, get('/ws-boom', websocketHeaders));
      expect(upgrade.closed).toBe(true);
      expect(logged).toHaveLength(4); // the three failures and the upgrade, once each; the 418 is not ours
      expect(logged.map((line) => /^request failed: GET "([^"]+)": Error: (.+)$/m.exec(line)?.slice(1))).toEqual([
        ['/boom', 'sync failure'],
        ['/boom-async', 'async failure'],
        ['/boom-after-headers', 'failure after the headers'],
        ['/ws-boom', 'upgrade failure'],
      ]);
      expect((await rawHttp(port, get('/'))).bytes.toString()).toContain('<title>fixture</title>');
    } finally {
      server.closeAllConnections();
      server.close();
      rmSync(paths.root, { recursive: true, force: true });
    }
  });

  it('refuses an Upgrade to any path but /mqtt (404, closed), and CONNECT (405); /mqtt still upgrades', async () => {
    for (const path of ['/', '/foo', '/mqtt/', '/MQTT', '/tiles/buildings/tileset.json', '/v1.1/Things']) {
      const answer = await rawHttp(portOf(demo), get(path, websocketHeaders), { timeoutMs: 2000 });
      expect(answer.status, path).toBe(404);
      expect(answer.closed, path).toBe(true);
    }
    const h2c = await rawHttp(portOf(demo), get('/', 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n'), {
      timeoutMs: 2000,
    });
    expect(h2c.closed).toBe(true);
    const connectAnswer = await rawHttp(portOf(demo), 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', { timeoutMs: 2000 });
    expect(connectAnswer.status).toBe(405);
    expect(connectAnswer.closed).toBe(true);
    const viewer = await mqtt.connectAsync(`${demo.url.replace('http', 'ws')}/mqtt`, { reconnectPeriod: 0 });
    expect(viewer.connected).toBe(true);
    await viewer.endAsync();
  });

  it('answers an Upgrade when nothing serves upgrades (live data off): as a plain request, 404', async () => {
    const paths = fixturePaths();
    const server = createDemoServer(paths, { env: { CIM_LIVE: 'off' } });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      for (const path of ['/mqtt', '/foo']) {
        const answer = await rawHttp((server.address() as AddressInfo).port, get(path, websocketHeaders), { timeoutMs: 2000 });
        expect(answer.status, path).toBe(404);
        expect(answer.closed, path).toBe(true);
      }
    } finally {
      server.closeAllConnections();
      server.close();
      rmSync(paths.root, { recursive: true, force: true });
    }
  });

  it(`closes silent, slow-header and idle connections (headers within ${QUICK.headersMs} ms, checked every 75 ms), never an upgraded one`, async () => {
    const port = portOf(quick);
    const bound = QUICK.headersMs + 1000; // the timeout, Node's check interval and a loaded CI machine
    const silent = await rawHttp(port, '', { timeoutMs: 5000 });
    expect(silent.closed).toBe(true);
    expect(silent.ms).toBeLessThan(bound);
    const partial = await rawHttp(port, 'GET / HTTP/1.1\r\nHost: test\r\n', { timeoutMs: 5000 });
    expect(partial.status).toBe(408);
    expect(partial.ms).toBeLessThan(bound);
    expect(rawHeaders(partial)['x-frame-options']).toBe('SAMEORIGIN');
    // Slowloris: a header line every 100 ms never completes the header.
    const { connect } = await import('node:net');
    const started = Date.now();
    const trickled = await new Promise<number>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\n'));
      const drip = setInterval(() => socket.writable && socket.write(`X-Drip: ${Date.now()}\r\n`), 100);
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(drip);
        resolve(Date.now() - started);
      });
    });
    expect(trickled).toBeLessThan(bound);
    // Idle between requests: closed after keepAliveMs (and the 1 s Node adds against races with clients).
    const idle = await rawHttp(port, 'GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n', { timeoutMs: 5000 });
    expect(idle.status).toBe(200);
    expect(idle.closed).toBe(true);
    expect(idle.ms).toBeLessThan(QUICK.keepAliveMs + 1000 + 700);
    // A viewer's MQTT WebSocket outlives every one of these limits.
    const viewer = await mqtt.connectAsync(`${quick.url.replace('http', 'ws')}/mqtt`, { reconnectPeriod: 0, keepalive: 60 });
    await new Promise((resolve) => setTimeout(resolve, 3 * QUICK.requestMs));
    expect(viewer.connected).toBe(true);
    await viewer.subscribeAsync('cimtwin/v1/Observations/open'); // the feed an anonymous (public) viewer may read
    await viewer.endAsync();
  });
});

describe('responses', () => {
  const expectSecurityHeaders = (headers: Record<string, string | string[] | undefined>, what: string): void => {
    expect(headers['x-content-type-options'], what).toBe('nosniff');
    expect(headers['x-frame-options'], what).toBe('SAMEORIGIN');
    expect(headers['content-security-policy'], what).toContain("frame-ancestors 'self'");
    expect(headers['permissions-policy'], what).toMatch(/camera=\(\).*geolocation=\(\).*microphone=\(\)/);
    expect(headers['referrer-policy'], what).toBe('no-referrer');
  };

  it('carry the security headers on every kind of response', async () => {
    const tileset = await httpGet(`${demo.url}/tiles/buildings/tileset.json`);
    const kinds: [string, () => Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>, number][] = [
      ['health', () => httpGet(`${demo.url}/healthz`), 200],
      ['viewer config', () => httpGet(`${demo.url}/config.json`), 200],
      ['SensorThings', () => httpGet(`${demo.url}/v1.1/Things?$top=1`), 200],
      ['live state', () => httpGet(`${demo.url}/api/live/state`), 200],
      ['API 404', () => httpGet(`${demo.url}/v1.1/Nothing`), 404],
      ['API 405', () => httpGet(`${demo.url}/v1.1/Things`, {}, 'POST'), 405],
      ['viewer page', () => httpGet(`${demo.url}/`), 200],
      ['tileset, plain', () => Promise.resolve(tileset), 200],
      ['ground layer, brotli', () => httpGet(`${demo.url}/data/nankai-roads.geojson`, { 'accept-encoding': 'br' }), 200],
      ['not modified', () => httpGet(`${demo.url}/tiles/buildings/tileset.json`, { 'if-none-match': String(tileset.headers['etag']) }), 304],
      ['CORS preflight', () => httpGet(`${demo.url}/tiles/buildings/tileset.json`, {}, 'OPTIONS'), 204],
      ['static 405', () => httpGet(`${demo.url}/tiles/buildings/tileset.json`, {}, 'DELETE'), 405],
      ['static 404', () => httpGet(`${demo.url}/nothing.js`), 404],
      ['hidden 404', () => httpGet(`${demo.url}/tiles/.buildings.builds/`), 404],
    ];
    for (const [what, fetchIt, status] of kinds) {
      const response = await fetchIt();
      expect(response.status, what).toBe(status);
      expectSecurityHeaders(response.headers, what);
    }
    const raw: [string, string, number][] = [
      ['bad target', get('/%zz'), 400],
      ['refused upgrade', get('/foo', websocketHeaders), 404],
      ['unparsable request', 'GET / HTTP/9.9\r\nHost: test\r\n\r\n', 400],
      ['header too large', `GET / HTTP/1.1\r\nHost: test\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
      ['CONNECT', 'CONNECT example.com:443 HTTP/1.1\r\n\r\n', 405],
    ];
    for (const [what, bytes, status] of raw) {
      const answer = await rawHttp(portOf(demo), bytes);
      expect(answer.status, what).toBe(status);
      expectSecurityHeaders(rawHeaders(answer), what);
    }
  });

  it('never serves hidden folders or files (the tileset build folders behind the links)', async () => {
    const build = readlinkSync(join(repo, 'data/tiles/buildings')); // ".buildings.builds/build-…"
    expect(build.startsWith('.')).toBe(true);
    expect((await httpGet(`${demo.url}/tiles/buildings/tileset.json`)).status).toBe(200);
    for (const path of [
      `/tiles/${build}/tileset.json`,
      `/tiles/%2e${build.slice(1)}/tileset.json`,
      `/tiles/${build.replace('/', '%2f')}/tileset.json`,
      '/tiles/.buildings.builds/',
      '/.git/HEAD',
      '/data/.x',
      '/.env',
    ])
      expect((await rawHttp(portOf(demo), get(path))).status, path).toBe(404);
  });

  it('SensorThings links start at the public URL, never at the Host header', async () => {
    // As `internal` (every sensor: datastream 1 is a drainage well's cover), the Host header forged.
    const evil = { host: 'evil.example:666', authorization: `Bearer ${await demo.token('internal')}` };
    const own = await httpGet(`${demo.url}/v1.1/Datastreams?$top=2`, evil);
    const page = JSON.parse(own.body.toString()) as { value: { '@iot.selfLink': string }[]; '@iot.nextLink': string };
    expect(page.value[0]!['@iot.selfLink']).toBe(`${demo.url}/v1.1/Datastreams(1)`);
    expect(page['@iot.nextLink']).toBe(`${demo.url}/v1.1/Datastreams?$top=2&$skip=2`);
    const configured = [
      await httpGet(`${quick.url}/v1.1/Datastreams?$top=2`, evil),
      await httpGet(`${quick.url}/v1.1/Things('S00001')`, evil),
      await httpGet(`${quick.url}/v1.1/Datastreams(1)/Observations`, evil),
      await httpGet(`${quick.url}/v1.1`, evil),
      await httpGet(`http://127.0.0.1:${portOf(quick)}/v1.1/Things?$top=1`, evil),
    ];
    /** Every @iot.selfLink, @iot.navigationLink, @iot.nextLink and service-root url in a document. */
    const linksIn = (value: unknown): string[] =>
      typeof value !== 'object' || value === null
        ? []
        : Object.entries(value).flatMap(([key, v]) => (typeof v === 'string' && /Link$|^url$/.test(key) ? [v] : linksIn(v)));
    for (const response of configured) {
      const text = response.body.toString();
      expect(text).not.toContain('evil.example');
      const links = linksIn(JSON.parse(text));
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) expect(link).toMatch(/^https:\/\/city\.example\/twin\/v1\.1\//);
    }
  });
});

describe('compression', () => {
  it(`compresses a large static file once for 8 parallel brotli requests (${BIG_GEOJSON}), with a bounded memory rise`, async () => {
    const file = readFileSync(join(repo, 'seeds/generated', BIG_GEOJSON));
    expect(file.length).toBeGreaterThan(5e6);
    const before = compressedFiles.compressions;
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 10);
    const responses = await Promise.all(Array.from({ length: 8 }, () => httpGet(`${demo.url}/data/${BIG_GEOJSON}`, { 'accept-encoding': 'br' })));
    clearInterval(sampler);
    const riseMb = (rssPeak - rssBefore) / 1e6;
    console.log(
      `8 parallel brotli requests for ${(file.length / 1e6).toFixed(1)} MB: ${compressedFiles.compressions - before} compression, RSS +${riseMb.toFixed(0)} MB, body ${(responses[0]!.body.length / 1e6).toFixed(2)} MB`,
    );
    expect(compressedFiles.compressions - before).toBe(1);
    // Before: each request read the file and compressed it on its own (+294 MB for these 8).
    expect(riseMb).toBeLessThan(120);
    for (const response of responses) {
      expect(response.headers['content-encoding']).toBe('br');
      expect(response.body.equals(responses[0]!.body)).toBe(true);
    }
    expect(brotliDecompressSync(responses[0]!.body).equals(file)).toBe(true);
    // Kept: the next request does not compress again.
    await httpGet(`${demo.url}/data/${BIG_GEOJSON}`, { 'accept-encoding': 'br' });
    expect(compressedFiles.compressions - before).toBe(1);
  });

  it('keeps compressed bodies within a byte budget and streams files too large to keep', async () => {
    const paths = fixturePaths();
    const source = readFileSync(join(paths.groundDir, 'big.json'));
    const small = new CompressedFiles({ maxBytes: 64 * 1024, maxSourceBytes: 1024 * 1024 });
    const server = createDemoServer(paths, { env: { CIM_LIVE: 'off' }, compressedFiles: small });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const streamed = await httpGet(`${url}/data/big.json`, { 'accept-encoding': 'gzip' });
      expect(source.length).toBeGreaterThan(1024 * 1024);
      expect(streamed.headers['content-length']).toBeUndefined();
      expect(gunzipSync(streamed.body).equals(source)).toBe(true);
      expect(small.compressions).toBe(0);
      expect(small.keptBytes).toBe(0);
      // Bodies that fit are kept, the total within the budget, the least recently used out first.
      const roads = readFileSync(join(repo, 'seeds/generated/nankai-roads.geojson'));
      const tiny = new CompressedFiles({ maxBytes: 64 * 1024 });
      const files = ['nankai-areas.geojson', 'nankai-landmarks.geojson', 'nankai-roads.geojson', 'nankai-poi.geojson'].map((f) =>
        join(repo, 'seeds/generated', f),
      );
      for (const f of files) await tiny.body(f, 'v1', readFileSync(f).length, 'gzip');
      expect(tiny.keptBytes).toBeLessThanOrEqual(64 * 1024);
      const roadsBody = await tiny.body(files[2]!, 'v1', roads.length, 'gzip');
      expect(gunzipSync(roadsBody!).equals(roads)).toBe(true);
    } finally {
      server.closeAllConnections();
      server.close();
      rmSync(paths.root, { recursive: true, force: true });
    }
  });
});

describe('client mistakes are not server failures', () => {
  it('a download the client abandons half-way is not logged; nothing sent in this file was', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = request(`${demo.url}/data/${BIG_GEOJSON}`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
      req.end();
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await httpGet(`${demo.url}/healthz`)).status).toBe(200);
    expect(demoFailures).toEqual([]);
  });
});
