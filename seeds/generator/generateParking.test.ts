import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { generateNankai } from './generateNankai.js';
import { generateParking } from './generateParking.js';
import { generatePipes } from './generatePipes.js';
import { generatePointsOfInterest } from './generatePointsOfInterest.js';
import { SEED } from './nankaiPlan.js';
import { Random } from '../../workers/random/Random.js';
import { parkingSitesFromGeoJson } from '../../workers/parking/parkingSites.js';

const outline = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../source/nankai-boundary-gcj02.geojson'), 'utf8')) as {
    features: { geometry: { coordinates: Position[][] } }[];
  }
).features[0]!.geometry.coordinates[0]!;

describe('the parking seeds', () => {
  // As seeds/generator/main.ts draws them: the district, its pipes (the points of interest need their points), then parking.
  const district = generateNankai(outline);
  const { pois } = generatePointsOfInterest(district, generatePipes(district, new Random(SEED + 1)).points, new Random(SEED + 2));
  const collection = generateParking(district, pois, new Random(SEED + 3));
  const sites = parkingSitesFromGeoJson(collection);

  it('are deterministic', () => {
    const hash = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');
    expect(hash(generateParking(district, pois, new Random(SEED + 3)))).toBe(hash(collection));
  });

  it('make a site of every car park and berth group, at its place and with its capacity, every field present', () => {
    const sources = pois.filter((p) => p.kind === 'parking_lot' || p.kind === 'onstreet_berths');
    expect(sites).toHaveLength(sources.length);
    expect(sites.filter((s) => s.kind === 'onStreet')).toHaveLength(1330);
    sources.forEach((poi, i) => {
      const site = sites[i]!;
      expect(site.poi).toBe(poi.id);
      expect(site.capacity).toBe(poi.capacity);
      expect([site.lon, site.lat]).toEqual(district.frame.toLonLat(poi.x, poi.y));
      expect(site.tariff.firstHourYuan).toBeGreaterThan(0);
      expect(site.levels.length).toBeGreaterThanOrEqual(1);
    });
  });

  it('give the car parks their kinds, garages their floors, and every neighbourhood its pattern', () => {
    const kinds = (kind: string): typeof sites => sites.filter((s) => s.kind === kind);
    expect(kinds('underBridge').length).toBeGreaterThanOrEqual(1);
    expect(kinds('underBridge').length).toBeLessThanOrEqual(2);
    expect(kinds('multiStorey').length).toBeGreaterThan(0);
    expect(kinds('underground').length).toBeGreaterThan(0);
    for (const garage of kinds('underground')) {
      expect(garage.levels.length).toBeGreaterThanOrEqual(1);
      expect(garage.levels.length).toBeLessThanOrEqual(3);
      expect(garage.levels.map((l) => l.storey)).toEqual(garage.levels.map((_, i) => -(i + 1)));
    }
    for (const site of sites.filter((s) => s.kind !== 'onStreet')) expect(site.tariff.nightCapYuan).toBeGreaterThan(0);
    const patterns = new Set(sites.map((s) => s.pattern));
    for (const pattern of ['residential', 'office', 'mall', 'hospital', 'school', 'stadium'] as const) expect(patterns).toContain(pattern);
  });
});
