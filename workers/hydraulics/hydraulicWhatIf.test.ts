import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolateBurst } from '../network/isolateBurst.js';
import { networkGraph } from '../network/NetworkGraph.js';
import { HydraulicModel } from './HydraulicModel.js';
import { HydraulicModelCache } from './HydraulicModelCache.js';
import { AffectedBy, hydraulicWhatIf, runHydraulicWhatIf } from './hydraulicWhatIf.js';
import { linksClosedByIsolation } from './linksClosedByIsolation.js';

/**
 * A reservoir at 25 m feeds A; a DN300 main runs A → B → C, a thin DN80 backup (2 km) joins A
 * and C, and a dead end E hangs off B. With P2 closed, B, C and E draw 3 L/s through the
 * backup and lose ~14 m of head (Hazen-Williams): below 14 m, though still connected. With P2
 * and P3 closed, B and E are cut off and C alone (2 L/s, ~6.6 m of loss) stays above 14 m.
 */
const SMALL_NETWORK = `[TITLE]
what-if test network
[JUNCTIONS]
;ID Elev Demand
A 0 0
B 0 0
C 0 2
E 0 1
[RESERVOIRS]
R 25
[PIPES]
;ID From To Length Diameter Roughness MinorLoss Status
P1 R A 10 300 120 0 Open
P2 A B 100 300 120 0 Open
P3 B C 100 300 120 0 Open
P4 A C 2000 80 120 0 Open
P5 B E 50 150 120 0 Open
[OPTIONS]
Units LPS
Headloss H-W
[END]
`;

let model: HydraulicModel;
beforeAll(async () => {
  model = await HydraulicModel.fromInp(SMALL_NETWORK);
});
afterAll(() => model.close());

const at = (result: { nodeIds: string[] }, id: string): number => result.nodeIds.indexOf(id);

describe('hydraulic what-if (EPANET through epanet-js)', () => {
  it('marks nodes below the minimum service pressure as affected, though still connected', () => {
    const result = hydraulicWhatIf(model, ['P2']);
    expect(result.pressureUnit).toBe('m');
    for (const id of ['A', 'B', 'C', 'E']) expect(result.pressureBefore[at(result, id)]).toBeGreaterThan(24);
    for (const id of ['B', 'C', 'E']) {
      expect(result.pressureAfter[at(result, id)]).toBeLessThan(14);
      expect(result.pressureAfter[at(result, id)]).toBeGreaterThan(5);
      expect(result.affected[at(result, id)]).toBe(AffectedBy.lowPressure);
    }
    expect(result.affected[at(result, 'A')]).toBe(0);
    expect(result.counts).toMatchObject({ junctions: 4, affected: 3, lowPressure: 3, cutOff: 0 });
    expect(result.pressureBefore).toBeInstanceOf(Float32Array);
    expect(result.affected).toBeInstanceOf(Uint8Array);
  });

  it('cut-off nodes are affected at pressure 0; a node fed another way stays above the minimum', () => {
    const result = hydraulicWhatIf(model, ['P2', 'P3']);
    for (const id of ['B', 'E']) {
      expect(result.affected[at(result, id)]).toBe(AffectedBy.cutOff);
      expect(result.pressureAfter[at(result, id)]).toBe(0);
    }
    expect(result.pressureAfter[at(result, 'C')]).toBeGreaterThan(14);
    expect(result.pressureAfter[at(result, 'C')]).toBeLessThan(22);
    expect(result.affected[at(result, 'C')]).toBe(0);
    expect(result.counts).toMatchObject({ affected: 2, cutOff: 2, lowPressure: 0 });
    // The minimum is a setting: at 20 m, C counts too.
    expect(hydraulicWhatIf(model, ['P2', 'P3'], { minimumPressureMetres: 20 }).affected[at(result, 'C')]).toBe(AffectedBy.lowPressure);
  });

  it('leaves the model as it was, reports unknown links, refuses a bad minimum', () => {
    const first = hydraulicWhatIf(model, []);
    hydraulicWhatIf(model, ['P2', 'P3']);
    const again = hydraulicWhatIf(model, ['NOPE', 'P2']);
    expect(again.unknownLinks).toEqual(['NOPE']);
    expect(again.closedLinks).toEqual(['P2']);
    expect(Array.from(hydraulicWhatIf(model, []).pressureAfter)).toEqual(Array.from(first.pressureAfter));
    expect(() => hydraulicWhatIf(model, [], { minimumPressureMetres: -1 })).toThrow(/minimum service pressure/);
    expect(() => hydraulicWhatIf(model, [], { atSeconds: 3600 })).toThrow(/past the simulation's duration/);
  });

  it('takes islands (no link to any source) out of the engine instead of failing with error 110', async () => {
    const withIsland = SMALL_NETWORK.replace('[RESERVOIRS]', 'X 0 1\nY 0 1\n[RESERVOIRS]').replace('[OPTIONS]', 'P9 X Y 10 100 120 0 Open\n[OPTIONS]');
    const result = await runHydraulicWhatIf(withIsland, ['P2']);
    expect(result.counts.islands).toBe(2);
    expect(result.pressureBefore[at(result, 'X')]).toBe(0);
    expect(result.affected[at(result, 'X')]).toBe(0); // not the closures' doing
    expect(result.affected[at(result, 'C')]).toBe(AffectedBy.lowPressure);
  });

  it('says which file it cannot read', async () => {
    await expect(HydraulicModel.fromInp('[JUNCTIONS]\nA 0 0\n[PIPES]\nP A B 10 100 120 0 Open\n[END]\n')).rejects.toThrow(/cannot be opened: EPANET Error 200/);
  });

  it('a worker keeps models by key and asks for the text of one it has not seen', async () => {
    const cache = new HydraulicModelCache(1);
    const opened = await cache.get('small', SMALL_NETWORK);
    expect(await cache.get('small')).toBe(opened);
    await expect(cache.get('other')).rejects.toThrow(/not open in this worker/);
    await cache.get('other', SMALL_NETWORK);
    await expect(cache.get('small')).rejects.toThrow(/not open/); // pushed out
  });
});

describe('links closed by a burst isolation', () => {
  it('closes valve links and the isolated pipes that meet a valve node, not the pipes beyond it', () => {
    // 0 —e0— 1(valve) —e1— 2 —e2— 3(valve) —e3— 4, and a valve link e4 from 2 to 5.
    const graph = networkGraph(
      6,
      Uint32Array.from([0, 1, 2, 3, 2]),
      Uint32Array.from([1, 2, 3, 4, 5]),
      Uint8Array.from([0, 1, 0, 1, 0, 0]),
      Uint8Array.from([0, 0, 0, 0, 1]),
    );
    const isolation = isolateBurst(graph, 1);
    expect(linksClosedByIsolation(graph, isolation, ['e0', 'e1', 'e2', 'e3', 'e4'])).toEqual(['e1', 'e2', 'e4']);
  });
});
