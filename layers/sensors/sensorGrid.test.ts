import { describe, expect, it } from 'vitest';
import { buildSensorGrid, chooseDetailedCells } from './sensorGrid.js';

describe('sensor grid (level of detail)', () => {
  it('puts sensors within ~500 m into one cell with the mean position as its marker', () => {
    // Two sensors 100 m apart, a third 2 km east.
    const lon = [117.15, 117.15116, 117.1732];
    const lat = [39.1, 39.1, 39.1];
    const grid = buildSensorGrid(lon, lat, 3);
    expect(grid.cells).toHaveLength(2);
    expect(grid.cellOf[0]).toBe(grid.cellOf[1]);
    expect(grid.cellOf[2]).not.toBe(grid.cellOf[0]);
    const near = grid.cells[grid.cellOf[0]!]!;
    expect(near.members).toEqual([0, 1]);
    expect(near.lon).toBeCloseTo(117.15058, 5);
    expect(grid.cells.reduce((n, c) => n + c.members.length, 0)).toBe(3);
    // Cells 2 km apart fall into one group of 4 × 4 cells (2 km) or two, never more.
    expect(grid.groups.reduce((n, g) => n + g.members.length, 0)).toBe(3);
    expect(grid.groupOf[grid.cellOf[0]!]).toBe(0);
    expect(buildSensorGrid(lon, lat, 3, 500, 8).groups).toHaveLength(1);
  });

  it('details the cells near the camera, with a margin before it clusters them again', () => {
    const centres = Float64Array.from([0, 0, 0, 1000, 0, 0, 5000, 0, 0]);
    const detailed = new Uint8Array(3);
    expect(chooseDetailedCells(centres, { x: 0, y: 0, z: 0 }, 2000, detailed)).toBe(true);
    expect([...detailed]).toEqual([1, 1, 0]);
    expect(chooseDetailedCells(centres, { x: 0, y: 0, z: 0 }, 2000, detailed)).toBe(false);
    // Cell 1 at 2,200 m: past the limit but inside the 15% margin, it stays detailed.
    expect(chooseDetailedCells(centres, { x: -1200, y: 0, z: 0 }, 2000, detailed)).toBe(false);
    expect(chooseDetailedCells(centres, { x: -1400, y: 0, z: 0 }, 2000, detailed)).toBe(true);
    expect([...detailed]).toEqual([1, 0, 0]);
  });
});
