import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PipeBuildReport } from '../tiles-pipeline/src/pipes/buildPipes.js';
import { buildingRows, pipeSearchIndex } from './support/glbFiles.js';
import { runCli } from './support/runCli.js';

const malformed = join(import.meta.dirname, 'fixtures/pipes/malformed');
const epanet = join(import.meta.dirname, 'fixtures/epanet');

async function pipes(input: string, args: string[]): Promise<{ out: string; code: number; stderr: string; report: PipeBuildReport }> {
  const out = join(mkdtempSync(join(tmpdir(), 'cim-pipes-bad-')), 'out');
  const { code, stderr } = await runCli(['pipes', input, '--out', out, '--jobs', '1', ...args]);
  expect(code, stderr).toBe(0);
  return { out, code, stderr, report: JSON.parse(readFileSync(join(out, 'build-report.json'), 'utf8')) as PipeBuildReport };
}
const json = <T>(out: string, name: string): T => JSON.parse(readFileSync(join(out, name), 'utf8')) as T;

/** What the malformed-corpus cases (test/buildPipes.test.ts) do not show by their code alone. */
describe('pipes: bad input that passes as good (issue 18 §4)', () => {
  it('an EPANET file in GBK keeps its Chinese ids: 4 nodes and 3 pipes (decoded as UTF-8 they collapsed to 2 and 1)', async () => {
    for (const args of [[], ['--encoding', 'gbk']]) {
      const { out } = await pipes(join(malformed, 'gbk-chinese-ids.inp'), ['--origin', '117.16,39.1', ...args]);
      const network = json<{ nodes: { id: string[] }; edges: { id: string[] } }>(out, 'network.json');
      expect([...network.nodes.id].sort()).toEqual(['水厂', '节点一', '节点三', '节点二'].sort());
      expect(network.edges.id).toEqual(['管一', '管二', '管三']);
    }
  });

  it("EPANET's node and link namespaces meet in one tileset: ids made unique (Net1's 7 shared ids), each renamed once", async () => {
    const { out, report } = await pipes(join(epanet, 'Net1.inp'), ['--origin', '117.16,39.1']);
    const search = pipeSearchIndex(out);
    expect(new Set(search.ids).size).toBe(search.ids.length);
    const ids = buildingRows(out).map((row) => String(row['id']));
    expect(new Set(ids).size).toBe(ids.length);
    expect(report.repairs.byCode['ID_DUPLICATE_RENAMED']).toBe(7);
    // Pipes keep their ids (segments come first); the junction that shared one becomes "<id>#2".
    expect(ids).toContain('10');
    expect(ids).toContain('10#2');
  });

  it('two survey points with one 物探点号: both kept, the second renamed, and network.json agrees with the tiles', async () => {
    const { out, report } = await pipes(join(malformed, 'duplicate-point-id.geojson'), []);
    const network = json<{ nodes: { feature: (string | null)[] } }>(out, 'network.json');
    expect(network.nodes.feature).toEqual(expect.arrayContaining(['P1', 'P1#2']));
    expect(report.repairs.listed.find((r) => r.code === 'ID_DUPLICATE_RENAMED')!.message).toContain('"P1#2"');
    const search = pipeSearchIndex(out);
    expect(new Set(search.ids).size).toBe(search.ids.length);
  });

  it('an EPANET node 1e15 units away is left out with its pipe; the rest is placed around the origin as before', async () => {
    const { out, report } = await pipes(join(malformed, 'node-1e15-away.inp'), ['--origin', '117.16,39.1']);
    expect(report.skipped.map((s) => `${s.code} ${s.feature}`)).toEqual(['COORDINATE_OUTLIER J6', 'GEOMETRY_MISSING P5']);
    const network = json<{ nodes: { lon: number[]; lat: number[] } }>(out, 'network.json');
    // J1–J5 span 400 ft around the origin: their centre is on it.
    const lons = network.nodes.lon;
    expect((Math.min(...lons) + Math.max(...lons)) / 2).toBeCloseTo(117.16, 6);
    expect(Math.max(...network.nodes.lat.map((lat) => Math.abs(lat - 39.1)))).toBeLessThan(1e-6);
  });
});
