import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPaths, prepareDemo } from '../server/prepareDemo.js';
import { HydraulicModel, NodeKind } from '../workers/hydraulics/HydraulicModel.js';
import { AffectedBy, hydraulicWhatIf } from '../workers/hydraulics/hydraulicWhatIf.js';
import { linksClosedByIsolation } from '../workers/hydraulics/linksClosedByIsolation.js';
import { isolateBurst } from '../workers/network/isolateBurst.js';
import { type NetworkDocument, networkGraphFromDocument } from '../workers/network/networkGraphFromDocument.js';

const root = join(import.meta.dirname, '..');
const epanetDir = join(import.meta.dirname, 'fixtures', 'epanet');

describe('epanet-js against EPANET’s own results', () => {
  it('Net1 pressures at 0, 6, 12, 13, 18, 23 and 24 h match EPANET 2.00.12’s report within 0.02 psi', async () => {
    const reference = JSON.parse(readFileSync(join(epanetDir, 'Net1-reference-pressures.json'), 'utf8')) as {
      unit: string;
      hours: Record<string, Record<string, number>>;
    };
    const model = await HydraulicModel.fromInp(readFileSync(join(epanetDir, 'Net1.inp')));
    try {
      expect(model.pressureUnit).toBe(reference.unit);
      const hours = Object.keys(reference.hours).map(Number);
      const snapshots = model.pressuresAt(hours.map((h) => h * 3600));
      let compared = 0;
      let worst = 0;
      hours.forEach((hour, k) => {
        for (const [node, expected] of Object.entries(reference.hours[String(hour)]!)) {
          const got = snapshots[k]!.pressure[model.nodeIndexOf(node)!]!;
          worst = Math.max(worst, Math.abs(got - expected));
          expect(got, `node ${node} at ${hour}:00`).toBeCloseTo(expected, 1);
          compared++;
        }
      });
      console.log(`Net1: ${compared} pressures compared with EPANET 2.00.12, largest difference ${worst.toFixed(4)} psi`);
      expect(compared).toBe(69);
      expect(worst).toBeLessThan(0.02);
    } finally {
      model.close();
    }
  });

  it('every EPANET example network solves, and closing one pipe changes pressures somewhere', async () => {
    for (const name of ['Net1.inp', 'Net2.inp', 'Net3.inp', 'Net6.inp']) {
      const model = await HydraulicModel.fromInp(readFileSync(join(epanetDir, name)));
      try {
        const pipe = model.linkIds.find(
          (_, l) => model.nodeKinds[model.linkFrom[l]!] === NodeKind.junction && model.nodeKinds[model.linkTo[l]!] === NodeKind.junction,
        )!;
        const result = hydraulicWhatIf(model, [pipe]);
        expect(result.pressureBefore.every(Number.isFinite), name).toBe(true);
        expect(
          result.pressureAfter.some((p, n) => Math.abs(p - result.pressureBefore[n]!) > 1e-3),
          name,
        ).toBe(true);
      } finally {
        model.close();
      }
    }
  });
});

describe('what-if on the seed water model (the burst isolation’s valves closed)', () => {
  let doc: NetworkDocument;
  let model: HydraulicModel;
  beforeAll(async () => {
    await prepareDemo(demoPaths(root), () => undefined);
    doc = JSON.parse(readFileSync(join(root, 'data/tiles/pipes/network.json'), 'utf8')) as NetworkDocument;
    model = await HydraulicModel.fromInp(readFileSync(join(root, 'seeds/generated/nankai-water.inp')));
  });
  afterAll(() => model?.close());

  it('supplies the district at a normal pressure before any valve is closed', () => {
    const [snapshot] = model.pressuresAt([0]);
    const junctionPressures = Array.from(snapshot!.pressure).filter((_, n) => model.nodeKinds[n] === NodeKind.junction && !snapshot!.cutOff[n]);
    expect(junctionPressures.length).toBeGreaterThan(10_000);
    expect(Math.min(...junctionPressures)).toBeGreaterThan(20);
    expect(Math.max(...junctionPressures)).toBeLessThan(35);
  });

  it('the isolated pipes’ nodes lose supply, the valve nodes and the rest keep it, in well under a second', () => {
    const { graph, edgeIds, nodeIds } = networkGraphFromDocument(doc, 'JS');
    const burst = edgeIds.indexOf('JSL029818');
    expect(burst).toBeGreaterThanOrEqual(0);
    const isolation = isolateBurst(graph, burst);
    const close = linksClosedByIsolation(graph, isolation, edgeIds);
    expect(close.length).toBeGreaterThan(0);
    const result = hydraulicWhatIf(model, close);
    expect(result.unknownLinks).toEqual([]);
    const valves = new Set(Array.from(isolation.valveNodes, (n) => nodeIds[n]!));
    const inside = new Set<string>();
    for (const e of isolation.isolatedEdges) for (const n of [graph.edgeFrom[e]!, graph.edgeTo[e]!]) if (!valves.has(nodeIds[n]!)) inside.add(nodeIds[n]!);
    for (const id of inside) expect(result.affected[model.nodeIndexOf(id)!], id).toBe(AffectedBy.cutOff);
    for (const id of valves) expect(result.affected[model.nodeIndexOf(id)!], id).toBe(0);
    expect(result.counts.cutOff).toBe(inside.size);
    console.log(
      `seed what-if: ${close.length} links closed, ${result.counts.affected} of ${result.counts.junctions} junctions affected, ${result.solveMs.toFixed(0)} ms`,
    );
    expect(result.solveMs).toBeLessThan(1000);
  });
});
