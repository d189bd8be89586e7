import geodesic from 'geographiclib-geodesic';
import { describe, expect, it } from 'vitest';
import { depthLabelStep, depthStaff } from './depthTicks.js';

describe('depth staff labels', () => {
  it('label every metre up close and fewer as the staff gets short on screen', () => {
    expect(depthLabelStep(40, 20)).toBe(1);
    expect(depthLabelStep(12, 20)).toBe(2);
    expect(depthLabelStep(5, 20)).toBe(5);
    expect(depthLabelStep(0.5, 20)).toBe(10);
  });
});

describe('depth staff ticks', () => {
  const ground = (a: readonly number[], b: readonly number[]): number => geodesic.Geodesic.WGS84.Inverse(a[1]!, a[0]!, b[1]!, b[0]!).s12!;

  it('point east and are as long on the ground as asked, at Tianjin’s latitude and at the equator and 60° N', () => {
    for (const lat of [39.1377, 0, 60]) {
      const staff = depthStaff(117.1708, lat, 4, 2, { labelled: 0.8, plain: 0.4, label: 1 });
      expect(staff.ticks.map((t) => [t.depth, t.labelled])).toEqual([
        [0, true],
        [1, false],
        [2, true],
        [3, false],
        [4, true],
      ]);
      for (const tick of staff.ticks) {
        // Geodesic length on the WGS84 ellipsoid (Karney) within a millimetre; east: same latitude, larger longitude.
        expect(ground(tick.from, tick.to)).toBeCloseTo(tick.labelled ? 0.8 : 0.4, 3);
        expect(tick.to[1]).toBe(lat);
        expect(tick.to[0]).toBeGreaterThan(tick.from[0]);
        expect(tick.to[2]).toBe(-tick.depth);
      }
      for (const label of staff.labels) expect(ground([117.1708, lat], label.at)).toBeCloseTo(1, 3);
    }
  });

  it('label a depth that is not whole at the bottom', () => {
    const staff = depthStaff(117.17, 39.14, 2.5, 1, { labelled: 0.8, plain: 0.4, label: 1 });
    expect(staff.labels.map((l) => l.depth)).toEqual([0, 1, 2, 2.5]);
    expect(staff.ticks.at(-1)).toMatchObject({ depth: 2.5, labelled: true, from: [117.17, 39.14, -2.5] });
  });
});
