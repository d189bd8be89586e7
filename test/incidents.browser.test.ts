import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/launchBrowser.js';
import { ARTIFACTS, openViewer, type Win } from '../harness/viewerPage.js';
import type { IncidentsPageApi } from '../layers/incidents/incidentsPlugin.js';
import type { IncidentImpact } from '../layers/incidents/incidentsState.js';
import { demoPaths } from '../server/prepareDemo.js';
import type { Incident, IncidentDraft } from '../workers/formats/incident.js';
import type { NetworkDocument } from '../workers/formats/networkDocument.js';
import type { SearchIndexDocument } from '../workers/formats/searchIndex.js';
import { supplyNetworkFromDocument } from '../workers/network/supplyNetworkFromDocument.js';
import { startDemoServer } from './support/demoServer.js';
import { pipeSearchIndex } from './support/glbFiles.js';

/**
 * Emergency command in the viewer, against the demo server (simulator, broker, incidents store)
 * in Chromium at 1280×720: an operator opens an incident from a pressure alarm and within 3 s
 * the card shows the valves to close and the map draws them; the page API's impact names
 * features that exist in the tilesets; a note's markup stays text; on a wall a level Ⅰ
 * incident takes the screen until released; units are dispatched and moved on from the card.
 */
type Page_ = Win & { cimTwin: Win['cimTwin'] & IncidentsPageApi };
const OPERATOR_PASSWORD = 'operator-test-password-1';
const SHOTS = process.env['CIM_SHOTS_DIR'] ?? ARTIFACTS;
const VIEWPORT = { width: 1280, height: 720 };

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;
let page: Page;
let problems: string[];
let token: string;

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as T };
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startDemoServer({
    live: { simulator: { burstAfterSeconds: null, rainAfterSeconds: null } },
    incidents: { env: { CIM_OPERATOR_PASSWORD: OPERATOR_PASSWORD } },
  });
  token = (
    await (
      await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'operator', password: OPERATOR_PASSWORD }),
      })
    ).json()
  ).token as string;
  browser = await launchBrowser();
  ({ page, problems } = await openViewer(browser, server.url, VIEWPORT));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
}, 30_000);

describe('incidents in the viewer: alarm → incident → impact', () => {
  let incident: Incident;
  let sensorId: number;

  it('an operator opens an incident from a pressure alarm; within 3 s the card shows the valves to close and the map draws them', async () => {
    const signedIn = await page.evaluate((password) => (window as unknown as Page_).cimTwin.signIn('operator', password), OPERATOR_PASSWORD);
    expect(signedIn.role).toBe('operator');
    // Signing in loads the impact's sources into the analysis worker (network, area, roads): the
    // viewer's one-off cost, reported apart from the alarm → impact time.
    type Sources = Record<string, { state: string; ms?: number }>;
    const sources = (): Promise<Sources> =>
      page.evaluate(() => ((window as unknown as Win).cimTwin.stats() as unknown as { incidents: { impactSources: Sources } }).incidents.impactSources);
    await expect.poll(async () => Object.values(await sources()).every((s) => s.state === 'ready'), { timeout: 60_000, interval: 200 }).toBe(true);
    const loaded = await sources();
    console.log(
      `incidents: impact sources loaded after sign-in: network ${loaded['network']!.ms} ms, area ${loaded['area']!.ms} ms, roads ${loaded['roads']!.ms} ms`,
    );
    // A pressure sensor on the water network the simulator reads (an alarm opens from its latest reading).
    const sensor = server.live!.catalog.find((e) => e.type.id === 'network_pressure' && !server.live!.simulator!.silent.has(e.id))!;
    expect(sensor).toBeDefined();
    sensorId = sensor.id;
    await expect.poll(async () => (await api('GET', `/api/incidents/from-alarm?datastream=${sensor.id}`)).status, { timeout: 30_000 }).toBe(200);

    // The operator looks at the alarm first (the alarm list goes to the sensor), then opens the incident from it.
    await page.evaluate((datastream) => (window as unknown as Win).cimTwin.select(String(datastream), 'sensors'), sensor.id);
    await page.evaluate(() => (window as unknown as Win).cimTwin.waitForTiles());
    const started = Date.now();
    // The sensor's "open incident" button (the info panel's; the alarm list has the same one).
    await page.click('#info button[data-action="open-incident"]');
    await page.waitForFunction(
      () => ((window as unknown as Win).cimTwin.getState() as unknown as { incidents: { selected: string | null } }).incidents.selected !== null,
      null,
      { timeout: 20_000, polling: 50 },
    );
    const selected = await page.evaluate(
      () => ((window as unknown as Win).cimTwin.getState() as unknown as { incidents: { selected: string } }).incidents.selected,
    );
    incident = await page.evaluate((id) => (window as unknown as Page_).cimTwin.incidents.get(id)!, selected);
    expect(incident.source).toMatchObject({ kind: 'alarm', datastreamId: sensor.id });
    await page.waitForFunction(
      (id) => {
        const count = document.querySelector(`.incident-card[data-incident="${id}"] [data-count="valves"] .count`);
        return count !== null && Number(count.textContent) > 0;
      },
      incident.id,
      { timeout: 20_000, polling: 50 },
    );
    const elapsed = Date.now() - started;
    const first = await page.evaluate(
      (id) =>
        ((window as unknown as Win).cimTwin.getState() as unknown as { incidents: { impact: unknown } }) &&
        (window as unknown as Page_).cimTwin.incidents.impact(id),
      incident.id,
    );
    console.log(
      `incidents: alarm's button → impact card with valves ${elapsed} ms (` +
        `analysis ${Math.round(first!.tookMs)} ms: burst ${Math.round(first!.timings.burstMs ?? NaN)} ms in the worker round trip)`,
    );
    // The valves (the burst analysis in the worker) within the 3 s; the whole click → card
    // time also holds the page's tile loading on a shared CI machine, so it is printed here and
    // measured in docs/emergency.md rather than asserted.
    expect(first!.timings.burstMs!).toBeLessThan(3000);
    expect(elapsed).toBeLessThan(20_000);
    const drawn = await page.evaluate(
      () => (window as unknown as Win).cimTwin.getState() as unknown as { incidents: { drawn: { incidentId: string; valves: number } } },
    );
    expect(drawn.incidents.drawn.incidentId).toBe(incident.id);
    expect(drawn.incidents.drawn.valves).toBeGreaterThan(0);
    const valvesListed = await page.locator('.incident-card .valve-order li').count();
    expect(valvesListed).toBeGreaterThan(0);
  });

  it('incidents.impact(id) returns plain data whose ids exist in the tilesets, and analyze.burst agrees for its pipe', async () => {
    const impact = (await page.evaluate((id) => (window as unknown as Page_).cimTwin.incidents.impact(id), incident.id)) as IncidentImpact;
    expect(impact.pipe).not.toBeNull();
    expect(impact.valvesToClose.length).toBeGreaterThan(0);
    expect(impact.isolatedEdges).toContain(impact.pipe);
    const paths = demoPaths(join(import.meta.dirname, '..'));
    // The pipes' index is per category (the server merges what a role sees): every category's here.
    const ids = (tileset: string): Set<string> =>
      new Set(
        tileset === 'pipes'
          ? pipeSearchIndex(join(paths.tilesDir, tileset)).ids
          : (JSON.parse(readFileSync(join(paths.tilesDir, tileset, 'search-index.json'), 'utf8')) as SearchIndexDocument).ids,
      );
    const pipes = ids('pipes');
    const buildings = ids('buildings');
    for (const valve of impact.valvesToClose) expect(pipes.has(valve), `valve ${valve}`).toBe(true);
    for (const edge of impact.isolatedEdges) expect(pipes.has(edge), `pipe ${edge}`).toBe(true);
    for (const building of impact.buildings) expect(buildings.has(building), `building ${building}`).toBe(true);
    for (const facility of impact.criticalFacilities) if (facility.building) expect(buildings.has(facility.building)).toBe(true);
    expect(impact.resources.map((r) => r.kind)).toEqual(expect.arrayContaining(['fire', 'medical', 'police']));
    for (const unit of impact.resources) expect(unit.route.length).toBeGreaterThan(1);
    expect(impact.area).not.toBeNull();
    expect(impact.notes).toEqual([]);

    // Any incident, not only the selected one: another opened from the same alarm through the page API.
    const other = await page.evaluate((datastream) => (window as unknown as Page_).cimTwin.incidents.fromAlarm(datastream), sensorId);
    expect(other.id).not.toBe(incident.id);
    const otherImpact = (await page.evaluate((id) => (window as unknown as Page_).cimTwin.incidents.impact(id), other.id)) as IncidentImpact;
    expect(otherImpact.pipe).toBe(impact.pipe);
    expect(otherImpact.valvesToClose).toEqual(impact.valvesToClose);
    expect(
      await page.evaluate(() => ((window as unknown as Win).cimTwin.getState() as unknown as { incidents: { selected: string } }).incidents.selected),
    ).toBe(incident.id);
    await api('POST', `/api/incidents/${other.id}/transitions`, { to: 'cancelled' });
    expect(await page.evaluate(() => (window as unknown as Page_).cimTwin.incidents.impact('INC-NOPE'))).toBeNull();
    // That lookup's 404 is the answer asked for, not a problem of the page.
    await expect.poll(() => problems.filter((p) => p.includes('INC-NOPE')).length).toBe(1);
    problems.splice(0, problems.length, ...problems.filter((p) => !p.includes('INC-NOPE') && !p.includes('status of 404')));

    const burst = await page.evaluate((pipe) => (window as unknown as Page_).cimTwin.analyze.burst(pipe), impact.pipe!);
    expect(burst.valvesToClose).toEqual(impact.valvesToClose);
    expect(burst.buildings).toEqual(impact.buildings);
    const refused = await page.evaluate(() => (window as unknown as Page_).cimTwin.analyze.burst('no-such-pipe').then(String, (e: Error) => e.message));
    expect(refused).toMatch(/no-such-pipe is not a pipe of the water network/);
  });

  it('a burst on the main feeding a hospital: the hospital is called out on the map and the card, its building tinted', async () => {
    // The pipe whose burst cuts the first hospital with a building off (as test/networkAnalysis.test.ts finds it).
    const paths = demoPaths(join(import.meta.dirname, '..'));
    const doc = JSON.parse(readFileSync(join(paths.tilesDir, 'pipes', 'network.json'), 'utf8')) as NetworkDocument;
    const { network, ids } = supplyNetworkFromDocument(doc);
    const hospital = ids.facilities.find((f) => f.kind === 'hospital' && f.building !== null)!;
    const row = ids.buildingIds.indexOf(hospital.building!);
    const tapped = network.services.edge[row]!;
    const node = network.services.node[row]!;
    const pipe = ids.edgeIds[tapped >= 0 ? tapped : network.graph.adjacencyEdges[network.graph.adjacencyStart[node]!]!]!;
    const nodeIndex = doc.edges.from[ids.edgeIndex[ids.edgeIds.indexOf(pipe)]!]!;
    const draft: IncidentDraft = {
      event: '供水管道爆管',
      headline: `供水管道爆管：${pipe}`,
      classification: { category: 'accident', subType: 'public-facility', level: 'III' },
      footprint: { kind: 'point', at: [doc.nodes.lon[nodeIndex]!, doc.nodes.lat[nodeIndex]!] },
      assets: [{ kind: 'pipe', id: pipe }],
    };
    const created = await api<Incident>('POST', '/api/incidents', draft);
    expect(created.status).toBe(201);
    const id = created.body.id;
    await page.evaluate((incidentId) => (window as unknown as Win).cimTwin.select(incidentId, 'incidents'), id);
    await page.waitForSelector(`.incident-card[data-incident="${id}"] .facilities li[data-facility="${hospital.id}"]`, { timeout: 20_000 });
    const state = await page.evaluate(
      () => (window as unknown as Win).cimTwin.getState() as unknown as { incidents: { drawn: { facilities: number; pipes: number } } },
    );
    expect(state.incidents.drawn.facilities).toBeGreaterThan(0);
    expect(state.incidents.drawn.pipes).toBeGreaterThan(0);
    // Frame what the burst shuts in and cuts off, from above at an angle, for the operator's look.
    const impact = (await page.evaluate((incidentId) => (window as unknown as Page_).cimTwin.incidents.impact(incidentId), id)) as IncidentImpact;
    expect(impact.criticalFacilities.map((f) => f.id)).toContain(hospital.id);
    // The hydraulic what-if of closing its valves on the EPANET model: drawn as a coloured network, counted on the card.
    expect(impact.notes).toEqual([]);
    expect(impact.hydraulics).not.toBeNull();
    expect(impact.hydraulics!.closedLinks.length).toBeGreaterThan(0);
    expect(impact.hydraulics!.changed.length).toBeGreaterThan(0);
    // The isolated pipe's ends lose their supply from that side: the burst's own junctions are cut off or below 14 m.
    expect(impact.hydraulics!.cutOffNodes.length + impact.hydraulics!.lowPressureNodes.length).toBeGreaterThan(0);
    await page.waitForSelector(`.incident-card[data-incident="${id}"] .hydraulics`, { timeout: 10_000 });
    await page.waitForFunction(
      () => ((window as unknown as Win).cimTwin.getState() as unknown as { incidents: { drawn: { pressureNodes: number } } }).incidents.drawn.pressureNodes > 0,
    );
    console.log(
      `incidents: hydraulic what-if of the hospital main's closure: ${impact.hydraulics!.closedLinks.length} links closed, ` +
        `${impact.hydraulics!.changed.length} junctions changed, ${impact.hydraulics!.lowPressureNodes.length} low, ${impact.hydraulics!.cutOffNodes.length} cut off, ` +
        `solve ${Math.round(impact.hydraulics!.solveMs)} ms, round trip ${Math.round(impact.timings.hydraulicsMs!)} ms`,
    );
    expect(impact.buildings).toContain(hospital.building);
    // The card's button frames what the burst shuts in and cuts off (with the hospital).
    const cameraBefore = await page.evaluate(() => (window as unknown as Win).cimTwin.getState().camera);
    await page.click(`.incident-card[data-incident="${id}"] .impact-frame`);
    await expect
      .poll(async () => JSON.stringify(await page.evaluate(() => (window as unknown as Win).cimTwin.getState().camera)), { timeout: 20_000 })
      .not.toBe(JSON.stringify(cameraBefore));
    await page.waitForTimeout(1800); // the flight's 1.5 s
    await page.evaluate(() => (window as unknown as Win).cimTwin.waitForTiles());
    await page.screenshot({ path: join(SHOTS, 'incident-burst-impact.png') });
    // The whole card (the info panel scrolls): what the operator reads below the counts.
    await page.evaluate(() => document.querySelector('.incident-card')?.scrollIntoView({ block: 'end' }));
    await page.screenshot({ path: join(SHOTS, 'incident-burst-card.png') });
    await page.evaluate(() => document.querySelector('.incident-card')?.scrollIntoView({ block: 'start' }));
    await page.evaluate(() => (window as unknown as Win).cimTwin.setLanguage('en'));
    await page.screenshot({ path: join(SHOTS, 'incident-burst-impact-en.png') });
    await page.evaluate(() => (window as unknown as Win).cimTwin.setLanguage('zh-CN'));
    await api('POST', `/api/incidents/${id}/transitions`, { to: 'cancelled' });
    await page.evaluate((incidentId) => (window as unknown as Win).cimTwin.select(incidentId, 'incidents'), incident.id);
  });

  it('dispatches the nearest fire station from the card and moves it on: assigned → en route → on scene → released', async () => {
    const unit = page.locator('.incident-card .resources li[data-kind="fire"] button[data-dispatch]').first();
    const unitId = await unit.getAttribute('data-dispatch');
    await unit.click();
    const row = page.locator('.incident-card .dispatches li').first();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 20_000 }).toBe('assigned');
    for (const state of ['en-route', 'on-scene', 'released']) {
      await row.locator(`button[data-dispatch-next="${state}"]`).click();
      await expect.poll(() => row.getAttribute('data-state'), { timeout: 20_000 }).toBe(state);
    }
    const record = (await api<Incident>('GET', `/api/incidents/${incident.id}`)).body;
    expect(record.dispatches[0]!.unitId).toBe(unitId);
    expect(record.dispatches[0]!.history.map((h) => h.to)).toEqual(['assigned', 'en-route', 'on-scene', 'released']);
  });

  it('shows markup in a note as text: no element made, no script run', async () => {
    const markup = '<img src=x onerror="window.__cimTwinInjected=13"><b>bold</b>';
    await page.fill('.incident-card .add-note input[name="note"]', markup);
    await page.click('.incident-card .add-note button[type="submit"]');
    const note = page.locator('.incident-card .notes .note-text').last();
    await expect.poll(() => note.textContent(), { timeout: 20_000 }).toBe(markup);
    expect(await page.locator('.incident-card img, .incident-card .notes b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as Win).__cimTwinInjected)).not.toBe(13);
  });

  it('on a wall a new level Ⅰ incident takes the screen — card shown, camera there — until released', async () => {
    // The same page as a wall (a second viewer would halve the CPU both get): no tour for the test.
    const wall = page;
    await wall.evaluate(() => (window as unknown as Win).cimTwin.setMode('wall', { tour: false }));
    const at: [number, number] = [117.1735, 39.0828]; // the TV tower
    const draft: IncidentDraft = {
      event: '燃气爆炸',
      headline: '燃气爆炸：天塔附近',
      classification: { category: 'accident', subType: 'public-facility', level: 'I' },
      footprint: { kind: 'circle', centre: at, radiusMetres: 300 },
      exercise: true,
    };
    const created = await api<Incident>('POST', '/api/incidents', draft);
    expect(created.status).toBe(201);
    const id = created.body.id;
    await wall.waitForFunction(
      (incidentId) =>
        (window as unknown as { cimTwin: { getState(): { incidents: { takeover: string | null } } } }).cimTwin.getState().incidents.takeover === incidentId,
      id,
      {
        timeout: 20_000,
      },
    );
    await wall.waitForSelector(`.incident-card[data-incident="${id}"]`, { state: 'visible', timeout: 20_000 });
    // The camera looks at the incident once the flight ends: pitched 45° down, north, so it aims
    // its own height north of where it stands — at the incident's latitude.
    await wall.waitForFunction(
      ([lon, lat]) => {
        const camera = (window as unknown as Win).cimTwin.getState().camera;
        const aimLat = camera.lat + camera.height / 111_320;
        return (
          Math.abs(camera.lon - lon!) < 0.01 &&
          Math.abs(aimLat - lat!) < 0.0005 &&
          Math.abs(camera.pitch + 45) < 0.5 &&
          Math.abs(Math.sin((camera.heading * Math.PI) / 180)) < 0.01
        );
      },
      at,
      { timeout: 30_000 },
    );
    // The footprint lies whole in the part of the map beside the card, not under it: where its
    // west and east edges are on screen, from the camera (heading north, Cesium's 60° across).
    const camera = await wall.evaluate(() => (window as unknown as Win).cimTwin.getState().camera);
    const range = camera.height / Math.sin(Math.PI / 4);
    const groundWidth = 2 * range * Math.tan(Math.PI / 6);
    const eastOfAim = (at[0] - camera.lon) * 111_320 * Math.cos((at[1] * Math.PI) / 180);
    const screenX = (metresEast: number): number => VIEWPORT.width * (0.5 + (eastOfAim + metresEast) / groundWidth);
    const cardLeft = await wall.evaluate(() => document.querySelector('#info')!.getBoundingClientRect().left);
    expect(screenX(-300)).toBeGreaterThan(0);
    expect(screenX(300)).toBeLessThan(cardLeft);
    // The release button and the incident's title head the card, in view at once.
    const release = await wall.locator('#release-screen').boundingBox();
    const title = await wall.locator('#info-title').boundingBox();
    expect(release!.y).toBeLessThan(title!.y);
    expect(title!.y + title!.height).toBeLessThan(VIEWPORT.height / 4);
    expect(await wall.locator('#info tr[data-field="exercise"] td').textContent()).toBe('是');
    await wall.screenshot({ path: join(SHOTS, 'incident-wall-takeover.png') });
    await wall.click('#release-screen');
    await wall.waitForFunction(
      () =>
        (window as unknown as { cimTwin: { getState(): { incidents: { takeover: string | null }; tour: { running: boolean } } } }).cimTwin.getState().incidents
          .takeover === null,
    );
    expect(await wall.evaluate(() => (window as unknown as Win).cimTwin.getState().tour.running)).toBe(true);
    await wall.evaluate(() => (window as unknown as Win).cimTwin.setMode('planner'));
    await api('POST', `/api/incidents/${id}/transitions`, { to: 'cancelled' });
  });

  it('raised no console errors or failed requests', () => {
    expect(problems).toEqual([]);
  });
});
