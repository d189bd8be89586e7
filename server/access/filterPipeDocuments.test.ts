import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NetworkDocument } from '../../workers/formats/networkDocument.js';
import { userTileset, UserTilesetError } from '../deployment/userTilesets.js';
import { DataAudit } from './DataAudit.js';
import { buildReportForRole, networkForRole } from './filterPipeDocuments.js';

/** Two networks side by side: water J1–J2–J3 (a valve at J2, a house on J1–J2) and gas G1–G2, whose G1 end meets the water at J3. */
const network: NetworkDocument = {
  format: 'cim-twin-network',
  version: 1,
  crs: 'EPSG:4326',
  categories: { JS: { name: '给水', nameEn: 'water supply', rgb: [0, 255, 255] }, RQ: { name: '燃气', nameEn: 'gas', rgb: [255, 0, 255] } },
  nodes: {
    id: ['G2', 'J1', 'J2', 'J3'],
    lon: [0, 1, 2, 3],
    lat: [0, 0, 0, 0],
    category: ['RQ', 'JS', 'JS', 'JS'],
    feature: ['G2', 'J1', 'J2', null],
    kind: ['阀门', null, '阀门', null],
  },
  edges: {
    id: ['GL1', 'JL1', 'JL2'],
    from: [3, 1, 2],
    to: [0, 2, 3],
    length: [10, 20, 30],
    diameter: [0.1, 0.3, 0.3],
    category: ['RQ', 'JS', 'JS'],
    type: ['pipe', 'pipe', 'pipe'],
    owner: ['天津能源燃气', '天津水务', '天津水务'],
  },
  valves: [
    { id: 'G2', node: 0 },
    { id: 'J2', node: 2 },
  ],
  services: { building: ['B1'], node: [1], edge: [1], how: ['table'], lon: [1.5], lat: [0], length: [5] },
};

describe('network.json per role', () => {
  it('water: its edges and nodes re-indexed, its valve and service connection; nothing of the gas network', () => {
    const water = networkForRole(network, 'water');
    expect(water.edges.id).toEqual(['JL1', 'JL2']);
    expect(water.nodes.id).toEqual(['J1', 'J2', 'J3']);
    expect(water.edges.from.map((n) => water.nodes.id[n])).toEqual(['J1', 'J2']);
    expect(water.edges.to.map((n) => water.nodes.id[n])).toEqual(['J2', 'J3']);
    expect(water.valves).toEqual([{ id: 'J2', node: 1 }]);
    expect(water.services).toMatchObject({ building: ['B1'], node: [0], edge: [0] });
    expect(Object.keys(water.categories)).toEqual(['JS']);
    expect(JSON.stringify(water)).not.toMatch(/G2|GL1|燃气/);
  });

  it("gas: a water node at its pipe's end keeps its position, not its point id or kind; no service connections", () => {
    const gas = networkForRole(network, 'gas');
    expect(gas.edges.id).toEqual(['GL1']);
    expect(gas.nodes.id).toEqual(['G2', 'J3']);
    expect(gas.nodes.feature).toEqual(['G2', null]);
    expect(gas.valves).toEqual([{ id: 'G2', node: 0 }]);
    expect(gas.services).toBeUndefined();
  });

  it('public: nothing; internal and admin: everything', () => {
    expect(networkForRole(network, 'public').edges.id).toEqual([]);
    expect(networkForRole(network, 'internal').edges.id).toEqual(network.edges.id);
    expect(networkForRole(network, 'admin')).toEqual(network);
  });
});

describe('build-report.json per role', () => {
  const report = {
    command: 'cim-twin pipes secret-inputs.shp',
    inputs: [{ file: 'secret-inputs.shp' }],
    categories: { JS: { features: 3 }, RQ: { features: 1 } },
    completeness: { JS: { segments: 2 }, RQ: { segments: 1 } },
    topology: {
      byCode: { DANGLING_NEAR: 2 },
      issues: [
        { code: 'DANGLING_NEAR', element: 'JL1', message: '' },
        { code: 'DANGLING_NEAR', element: 'GL1', message: '' },
      ],
      truncated: false,
    },
    repairs: { byCode: { DEPTH_DEFAULTED: 2 }, listed: [{ feature: 'J1' }, { feature: 'G2' }] },
    clearance: {
      source: 'GB 50289',
      pairsChecked: 3,
      found: 1,
      conflicts: [
        { type: 'horizontal' as const, a: 'GL1', b: 'JL2', categories: ['RQ', 'JS'] as [string, string], required: 1, actual: 0.4, lon: 2.5, lat: 0 },
      ],
    },
    skipped: [{ feature: 'X' }],
  };

  it('water: its completeness, findings and repairs; the conflict with the gas main kept with the gas pipe withheld; no inputs or skipped', () => {
    const water = buildReportForRole(report, network, 'water');
    expect(water['inputs']).toBeUndefined();
    expect(water['command']).toBeUndefined();
    expect(water['skipped']).toBeUndefined();
    expect(Object.keys(water.completeness!)).toEqual(['JS']);
    expect(water.topology!.issues.map((i) => i.element)).toEqual(['JL1']);
    expect(water.repairs!.listed).toEqual([{ feature: 'J1' }]);
    expect(water.clearance!.conflicts).toEqual([{ ...report.clearance.conflicts[0], a: '', b: 'JL2' }]);
    expect(JSON.stringify(water)).not.toMatch(/GL1|G2|secret/);
  });

  it('telecom (no pipe in either network): no conflict; internal: the whole report', () => {
    expect(buildReportForRole(report, network, 'telecom').clearance!.conflicts).toEqual([]);
    expect(buildReportForRole(report, network, 'internal')).toBe(report);
  });
});

describe('data audit', () => {
  it('one entry per user, source and target in 10 minutes; the events between counted in the next entry', async () => {
    const written: { target: string; detail: string }[] = [];
    const audit = new DataAudit(async (entry) => void written.push(entry));
    const who = { username: 'anonymous', role: 'public' as const, source: '10.0.0.1' };
    for (let i = 0; i < 50; i++) await audit.record(who, 'data.refused', 'tiles:/tiles/pipes/RQ', {}, 1000 + i);
    await audit.record({ ...who, source: '10.0.0.2' }, 'data.refused', 'tiles:/tiles/pipes/RQ', {}, 2000);
    expect(written.length).toBe(2);
    await audit.record(who, 'data.refused', 'tiles:/tiles/pipes/RQ', {}, 1000 + 10 * 60_000);
    expect(written.length).toBe(3);
    expect(JSON.parse(written[2]!.detail)).toEqual({ since: 50 });
  });
});

describe('--tileset pipe folders', () => {
  it('a pipe tileset from before the per-category layout is refused with a sentence saying to rebuild it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cim-legacy-pipes-'));
    writeFileSync(
      join(dir, 'tileset.json'),
      JSON.stringify({
        asset: { version: '1.1' },
        schema: { classes: { pipe: {} } },
        geometricError: 1,
        root: { boundingVolume: { region: [0, 0, 0.001, 0.001, -5, 0] }, geometricError: 0 },
      }),
    );
    expect(() => userTileset(dir, 1)).toThrow(UserTilesetError);
    expect(() => userTileset(dir, 1)).toThrow(/older pipeline.*build it again/);
  });
});
