import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { LiveStateDocument } from '../../workers/formats/liveState.js';
import { demoPaths, prepareDemo } from '../../server/prepareDemo.js';
import { cameraPath, measure, printLiveLayerCost, type RunResult, VIEWPORT } from '../viewer/measureViewer.js';
import { launchBrowser } from '../../harness/launchBrowser.js';
import { type HugePublishResult, startNonReaders, streamHugePublish } from '../../harness/mqttAttacks.js';
import { openViewer, type CimTwinApi } from '../../harness/viewerPage.js';
import type { LatencySummary } from '../../workers/live/LatencyHistogram.js';
import { datastreamOfTopic } from '../../workers/live/sensorTypes.js';
import { decodeObservationBatch, observationFeedTopic } from '../../workers/live/ObservationBatch.js';
import { signTestToken, TEST_AUTH_SECRET } from '../../harness/roleTokens.js';

/**
 * `npm run bench:live`: `npm start` in a child process (broker + simulator, 20k sensors) at
 * 2k, 5k and 10k observations/s, with 1 and 20 subscribers over WebSocket at /mqtt (QoS 1),
 * each for DURATION seconds, plus the viewer itself in headless Chromium (BROWSER=off: Node
 * clients only). The viewer reports publish→render, the age of each live reading when the
 * frame that shows it is drawn; the Node clients read the same feed: publish→receive. Then, at
 * 5k/s, the viewer's frame time along bench:viewer's camera path with the live layer on vs off
 * (FRAME_RUNS alternating runs each; 0 skips it). Also last values lost, server CPU and RSS over time. Latencies are stamped
 * at publish (phenomenonTime) and read on the same machine clock.
 * ATTACK=on (default) repeats each row under attack, as issue 18 probed the broker: 4 subscribers
 * that never read (1 TCP, 3 WebSocket, subscribed to everything readable) from the start of the
 * measured window and one 100 MB PUBLISH over TCP a third of the way in; it prints the normal
 * clients' figures against the row without attack, and the broker's counters (ATTACK=off: none).
 */
const DURATION = Number(process.env['DURATION'] ?? 60);
const RATES = (process.env['RATES'] ?? '2000,5000,10000').split(',').map(Number);
const CLIENTS = (process.env['CLIENTS'] ?? '1,20').split(',').map(Number);
const SENSORS = Number(process.env['SENSORS'] ?? 20000);
/** What the subscribers read: the batched viewers' feed (default) or every SensorThings topic (FEED=sensorthings). */
const FEED = process.env['FEED'] === 'sensorthings' ? 'sensorthings' : 'batched';
const WITH_BROWSER = process.env['BROWSER'] !== 'off';
const FRAME_RUNS = WITH_BROWSER ? Number(process.env['FRAME_RUNS'] ?? 2) : 0;
const WITH_ATTACK = process.env['ATTACK'] !== 'off';
const HUGE_PUBLISH_BYTES = 100 * 1024 * 1024;
const root = join(import.meta.dirname, '../..');
type Win = { cimTwin: CimTwinApi };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startServer(rate: number): Promise<{ child: ChildProcess; url: string; mqttPort: number }> {
  const [port, mqttPort] = [await freePort(), await freePort()];
  // One process (tsx as an import hook, not its CLI wrapper), so /proc shows the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--sensors', String(SENSORS), '--rate', String(rate)], {
    cwd: root,
    // A known token secret: the viewers read as the demo's admin (every sensor), with tokens signed here.
    env: { ...process.env, PORT: String(port), MQTT_PORT: String(mqttPort), CIM_AUTH_SECRET: TEST_AUTH_SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Live:') && resolve());
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, mqttPort };
}

/** CPU seconds and RSS of a process, from /proc. */
function processUsage(pid: number): { cpuSeconds: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuSeconds: ticks / 100, rssMb: Number(rss) / 1024 };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : Number.NaN;
}

/** The broker's counters that an attack moves (/api/live/stats). */
interface AttackCounters {
  accepted: number;
  slowClientsDropped: number;
  oversizedPackets: number;
}

interface Row {
  rate: number;
  clients: number;
  /** Under attack: what the attack did and what the broker counted. */
  attack?: { hugePublish: HugePublishResult; counters: AttackCounters };
  /** Observations the broker accepted per second during the row. */
  acceptedPerSecond: number;
  received: number;
  p50: number;
  p95: number;
  p99: number;
  lost: number;
  /** The viewer's publish→render percentiles (ms), when a browser took part. */
  render?: LatencySummary | null;
  cpu: number;
  rss: number[];
  /** MB the history store (last hour of observations) grew during the row: growth by design until the hour is full. */
  historyGrowth: number;
}

async function run(rate: number, clientCount: number, attack: boolean): Promise<Row> {
  const { child, url, mqttPort } = await startServer(rate);
  const ws = `${url.replace('http', 'ws')}/mqtt`;
  const latencies: number[] = [];
  const lastTime: Map<number, number>[] = [];
  const clients: MqttClient[] = [];
  const browser = WITH_BROWSER ? await launchBrowser() : undefined;
  if (browser) {
    const { page } = await openViewer(browser, url, { width: 480, height: 300 }, { role: 'admin' });
    await page.waitForFunction(() => (window as unknown as Win).cimTwin.stats().live.sensors > 0, null, { timeout: 60_000 });
  }
  for (let c = 0; c < clientCount; c++) {
    const client = await mqtt.connectAsync(ws, { reconnectPeriod: 0, username: 'bearer', password: await signTestToken('admin') });
    const last = new Map<number, number>();
    lastTime.push(last);
    const seen = (id: number, time: number, now: number): void => {
      latencies.push(now - time);
      if (time > (last.get(id) ?? 0)) last.set(id, time);
    };
    client.on('message', (topic, payload) => {
      const now = Date.now();
      if (FEED === 'sensorthings') {
        seen(datastreamOfTopic(topic)!, Date.parse((JSON.parse(payload.toString()) as { phenomenonTime: string }).phenomenonTime), now);
        return;
      }
      const batch = decodeObservationBatch(payload);
      for (let i = 0; i < batch.count; i++) seen(batch.datastream[i]!, batch.time[i]!, now);
    });
    await client.subscribeAsync(FEED === 'sensorthings' ? 'v1.1/+/Observations' : observationFeedTopic('+'), { qos: 1 });
    clients.push(client);
  }
  // Warm-up, then measure.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  latencies.length = 0;
  if (browser && DURATION < 60) process.stderr.write('note: the viewer reports the last 30–60 s; with DURATION < 60 its figure includes warm-up\n');
  const stats = async (): Promise<AttackCounters & { history: { bytes: number } }> =>
    // The counters are the operations desk's (docs/access.md): read as the demo's admin.
    (await (await fetch(`${url}/api/live/stats`, { headers: { Authorization: `Bearer ${await signTestToken('admin')}` } })).json()) as AttackCounters & {
      history: { bytes: number };
    };
  const historyBytes = async (): Promise<number> => (await stats()).history.bytes / 1048576;
  const countersBefore = await stats();
  const nonReaders = attack ? await startNonReaders({ tcpPort: mqttPort, webSocketUrl: ws }, 1, 3) : undefined;
  const hugePublish = attack
    ? new Promise((resolve) => setTimeout(resolve, (DURATION * 1000) / 3)).then(() => streamHugePublish(mqttPort, HUGE_PUBLISH_BYTES))
    : undefined;
  const history: number[] = [];
  const start = processUsage(child.pid!);
  const rss: number[] = [];
  for (let t = 0; t < DURATION; t += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    rss.push(processUsage(child.pid!).rssMb);
    history.push(await historyBytes());
  }
  const end = processUsage(child.pid!);
  const countersAfter = await stats();
  const receivedInWindow = latencies.length; // what arrives later (in flight, the last-values check) is not the window's
  nonReaders?.close();
  const hugePublishResult = await hugePublish; // done long before: the broker closes it on the header
  const historyGrowth = history.at(-1)! - history[0]!; // over the same span as the RSS drift
  // The viewer's own figure covers the last 30–60 s: inside the measured window.
  const render = browser
    ? await browser
        .contexts()[0]!
        .pages()[0]!
        .evaluate(() => (window as unknown as Win).cimTwin.stats().live.ageAtRenderMs)
    : undefined;
  await browser?.close();
  // Let in-flight messages land, then compare each client's last values with the server's.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const state = (await (await fetch(`${url}/api/live/state`)).json()) as LiveStateDocument;
  let lost = 0;
  for (const last of lastTime)
    state.ids.forEach((id, i) => {
      const serverTime = state.time[i];
      if (serverTime !== null && serverTime !== undefined && (last.get(id) ?? 0) < serverTime && Date.now() - serverTime > 2000) lost++;
    });
  await Promise.all(clients.map((c) => c.endAsync()));
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  const sorted = Float64Array.from(latencies.slice(0, receivedInWindow)).sort();
  const counted = (key: keyof AttackCounters): number => countersAfter[key] - countersBefore[key];
  return {
    rate,
    clients: clientCount,
    ...(hugePublishResult
      ? {
          attack: {
            hugePublish: hugePublishResult,
            counters: { accepted: counted('accepted'), slowClientsDropped: counted('slowClientsDropped'), oversizedPackets: counted('oversizedPackets') },
          },
        }
      : {}),
    acceptedPerSecond: counted('accepted') / DURATION,
    received: receivedInWindow,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    lost,
    render,
    historyGrowth,
    cpu: (end.cpuSeconds - start.cpuSeconds) / DURATION,
    rss,
  };
}

const target = (p99: number, rate: number): string => (rate === 5000 ? (p99 < 250 ? '✓' : '✗ (target p99 < 250 at 5k/s)') : '');

// Build what the demo needs first, so no row pays for (or measures the memory of) a build.
await prepareDemo(demoPaths(root), () => undefined);
const rows: Row[] = [];
for (const rate of RATES)
  for (const clients of CLIENTS)
    for (const attack of WITH_ATTACK ? [false, true] : [false]) {
      rows.push(await run(rate, clients, attack));
      process.stderr.write(`${rate}/s × ${clients} clients${attack ? ' under attack' : ''} done\n`);
    }
console.log(
  `\nLive backbone — ${SENSORS.toLocaleString()} sensors, ${DURATION} s per row after 5 s warm-up, ${FEED} feed over WebSocket (QoS 1)` +
    `${WITH_BROWSER ? ', plus the viewer in Chromium (software WebGL, 480×300)' : ''}\n`,
);
console.log(
  '| rate (obs/s) | Node clients | attack | accepted/s | received/s per client | publish→receive p50 / p95 / p99 (ms) | publish→render p50 / p95 / p99 (ms) | last values lost | server CPU (cores) | server RSS every 10 s (MB) | RSS drift | history store growth | RSS drift net of history |',
);
console.log('|---:|---:|---|---:|---:|---|---|---:|---:|---|---:|---:|---:|');
for (const r of rows) {
  const drift = r.rss.length > 1 ? ((r.rss.at(-1)! - r.rss[0]!) / r.rss[0]!) * 100 : 0;
  const netDrift = r.rss.length > 1 ? ((r.rss.at(-1)! - r.rss[0]! - r.historyGrowth) / r.rss[0]!) * 100 : 0;
  console.log(
    `| ${r.rate} | ${r.clients} | ${r.attack ? 'yes' : '–'} | ${Math.round(r.acceptedPerSecond)} | ${Math.round(r.received / r.clients / DURATION)} | ${r.p50.toFixed(0)} / ${r.p95.toFixed(0)} / ${r.p99.toFixed(0)} ${target(r.p99, r.rate)} | ${
      r.render ? `${r.render.p50} / ${r.render.p95} / ${r.render.p99} ${target(r.render.p99, r.rate)}` : '–'
    } | ${r.lost} | ${r.cpu.toFixed(2)} | ${r.rss.map((m) => m.toFixed(0)).join(' ')} | ${drift.toFixed(1)}% | ${r.historyGrowth.toFixed(1)} MB | ${netDrift.toFixed(1)}% ${Math.abs(netDrift) <= 10 ? '✓' : '✗'} |`,
  );
}

// Each row under attack against the same row without: the normal clients' share of the feed and their latency.
const attacked = rows.filter((r) => r.attack);
if (attacked.length > 0) {
  console.log(
    `\nUnder attack — 4 subscribers that never read (1 TCP, 3 WebSocket) for the whole row, one ${HUGE_PUBLISH_BYTES / 1048576} MB PUBLISH over TCP after ${Math.round(DURATION / 3)} s; ratios attack ÷ without\n`,
  );
  console.log(
    '| rate (obs/s) | Node clients | accepted/s (ratio) | received/s per client (ratio) | publish→receive p50 / p95 / p99 (ms), without → with attack | p99 ratio | slow clients cut | oversized packets refused | 100 MB PUBLISH: bytes taken before the close, time to close |',
  );
  console.log('|---:|---:|---:|---:|---|---:|---:|---:|---|');
  const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : '–');
  for (const r of attacked) {
    const quiet = rows.find((q) => !q.attack && q.rate === r.rate && q.clients === r.clients)!;
    const { hugePublish, counters } = r.attack!;
    console.log(
      `| ${r.rate} | ${r.clients} | ${Math.round(r.acceptedPerSecond)} (${ratio(r.acceptedPerSecond, quiet.acceptedPerSecond)}) | ${Math.round(r.received / r.clients / DURATION)} (${ratio(r.received, quiet.received)}) | ` +
        `${quiet.p50.toFixed(0)} / ${quiet.p95.toFixed(0)} / ${quiet.p99.toFixed(0)} → ${r.p50.toFixed(0)} / ${r.p95.toFixed(0)} / ${r.p99.toFixed(0)} ${r.p99 < 250 ? '✓' : '✗ (target p99 < 250)'} | ${ratio(r.p99, quiet.p99)} | ` +
        `${counters.slowClientsDropped} of 4 | ${counters.oversizedPackets} | ${(hugePublish.sentBytes / 1048576).toFixed(1)} MB, ${hugePublish.closed ? `closed after ${hugePublish.closedAfterMs} ms` : 'not closed ✗'} |`,
    );
  }
}

// The live layer's cost to the frame: same path, 20k sensors streaming at 5k/s, layer on vs off.
if (FRAME_RUNS > 0) {
  const { child, url } = await startServer(5000);
  const browser = await launchBrowser();
  const path = cameraPath();
  const frames: Record<'on' | 'off', RunResult[]> = { on: [], off: [] };
  try {
    for (let run = 0; run < FRAME_RUNS; run++)
      for (const variant of run % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        frames[variant].push(await measure(browser, `${url}/?live=1${variant === 'off' ? '&layers=-sensors' : ''}`, 'app', path));
        process.stderr.write(`frame time run ${run + 1}/${FRAME_RUNS} layer ${variant} done\n`);
      }
  } finally {
    await browser.close();
    child.kill('SIGTERM');
  }
  console.log(
    `\nViewer frame time, live layer on vs off — ${SENSORS.toLocaleString()} sensors at 5,000 obs/s, ${path.length}-frame camera path, ${VIEWPORT.width}×${VIEWPORT.height}, median of ${FRAME_RUNS} runs\n`,
  );
  printLiveLayerCost(frames);
}
