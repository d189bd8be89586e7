import { describe, expect, it } from 'vitest';
import type { BuildingFootprintsDocument } from '../formats/buildingFootprints.js';
import { buildingToolHandlers } from './buildingToolHandlers.js';

const bytes = (text: string): ArrayBuffer => new TextEncoder().encode(text).buffer as ArrayBuffer;

describe('buildingToolHandlers', () => {
  it('refuses analyses before the footprints are loaded, and a document that is not JSON or not footprints', () => {
    const handlers = buildingToolHandlers();
    expect(() => handlers['planning.heightLimit']({ polygon: [], limitMeters: 1 })).toThrow(/planning.loadBuildings first/);
    expect(() => handlers['planning.loadBuildings']({ document: bytes('{oops') })).toThrow(/footprints.json is not JSON/);
    expect(() => handlers['planning.loadBuildings']({ document: bytes('{"format":"x"}') })).toThrow(/not a building footprint document/);
  });

  it('loads footprints once and answers from them', async () => {
    const handlers = buildingToolHandlers();
    const document: BuildingFootprintsDocument = {
      format: 'cim-twin-building-footprints',
      version: 1,
      count: 1,
      ids: ['A'],
      base: [0],
      top: [50],
      ringOffsets: [0, 1],
      pointOffsets: [0, 4],
      holes: [0],
      lonLat: [117.17, 39.1, 117.171, 39.1, 117.171, 39.101, 117.17, 39.101],
    };
    expect(handlers['planning.loadBuildings']({ document: bytes(JSON.stringify(document)) })).toEqual({ buildings: 1, bbox: [117.17, 39.1, 117.171, 39.101] });
    const polygon = [
      [117.169, 39.099],
      [117.172, 39.099],
      [117.172, 39.102],
      [117.169, 39.102],
    ];
    expect((await handlers['planning.heightLimit']({ polygon, limitMeters: 30 })).buildings).toEqual([
      { id: 'A', height: 50, excess: 20, lon: 117.1705, lat: 39.1005 },
    ]);
    expect(
      (await handlers['planning.sunlight']({ point: { lon: 117.1705, lat: 39.0995, height: 1 }, options: { date: '2027-01-01' } })).effectiveHours,
    ).toBeCloseTo(8, 2);
    expect((await handlers['planning.facadeSunlight']({ buildingId: 'A' })).samples.length).toBeGreaterThan(0);
    expect(
      (await handlers['planning.viewshed']({ point: { lon: 117.1705, lat: 39.0995, height: 0 }, eyeHeight: 1.6, radius: 200 })).groundVisiblePercent,
    ).toBeGreaterThan(0);
  });
});
