import type { ParkingSite } from '../../workers/formats/parking.js';

/** A test site: a garage with a floor per capacity given (one capacity: an on-street berth group). */
export function parkingSite(id: string, capacities: number[], pattern: ParkingSite['pattern'] = 'mall'): ParkingSite {
  return {
    id,
    name: id,
    kind: capacities.length > 1 ? 'multiStorey' : 'onStreet',
    lon: 117.15,
    lat: 39.1,
    capacity: capacities.reduce((a, b) => a + b, 0),
    levels: capacities.map((capacity, i) => ({ id: `F${i + 1}`, name: `F${i + 1}`, storey: i, capacity })),
    tariff: { freeMinutes: 15, firstHourYuan: 5, perHourAfterYuan: 2 },
    pattern,
    occupancyDetectionType: capacities.length > 1 ? 'balancing' : 'singleSpaceDetection',
  };
}
