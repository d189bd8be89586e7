import { describe, expect, it } from 'vitest';
import { kerbLines } from './kerbLines.js';

const M = 1 / 111_320;

describe('kerbLines', () => {
  it('lays a berth group along the nearest road, as long as its berths, through its point', () => {
    // An east–west road at lat 39.1 and a north–south one 200 m east; a group of 6 berths 8 m north of the first.
    const roads = [
      [
        [117.1, 39.1],
        [117.11, 39.1],
      ],
      [
        [117.1 + 200 * M * 1.29, 39.09],
        [117.1 + 200 * M * 1.29, 39.11],
      ],
    ];
    const [line] = kerbLines(roads, [{ lon: 117.102, lat: 39.1 + 8 * M, capacity: 6 }]);
    expect(line).toBeDefined();
    expect(line!.offsetMetres).toBeCloseTo(8, 0);
    // Parallel to the east–west road: both ends on the site's latitude, 36 m apart.
    expect(line!.from[1]).toBeCloseTo(39.1 + 8 * M, 9);
    expect(line!.to[1]).toBeCloseTo(39.1 + 8 * M, 9);
    const metres = (line!.to[0] - line!.from[0]) * 111_320 * Math.cos((39.1 * Math.PI) / 180);
    expect(metres).toBeCloseTo(36, 0);
  });

  it('leaves a site with no road within reach undrawn, and caps long groups at 80 m', () => {
    const roads = [
      [
        [117.1, 39.1],
        [117.2, 39.1],
      ],
    ];
    const [far, long] = kerbLines(roads, [
      { lon: 117.15, lat: 39.1 + 100 * M, capacity: 6 },
      { lon: 117.15, lat: 39.1 + 5 * M, capacity: 40 },
    ]);
    expect(far).toBeUndefined();
    const metres = (long!.to[0] - long!.from[0]) * 111_320 * Math.cos((39.1 * Math.PI) / 180);
    expect(metres).toBeCloseTo(80, 0);
    expect(kerbLines(roads, [])).toEqual([]);
  });
});
