import {
  OCCUPANCY_DETECTION_TYPES,
  PARKING_PATTERNS,
  PARKING_SITE_KINDS,
  PARKING_SITES_FORMAT,
  PARKING_SITES_VERSION,
  type ParkingSite,
} from '../formats/parking.js';

/** A parking file or site that cannot be read; names the feature and the field. */
export class ParkingSitesError extends Error {
  override name = 'ParkingSitesError';
}

/**
 * The sites of a parking file (seeds/generated/nankai-parking.geojson, written by
 * seeds/generator/generateParking.ts): checks the format and version, and every site's fields —
 * a known kind and pattern, a lon/lat point, at least one level, capacities that add up.
 */
export function parkingSitesFromGeoJson(input: unknown): ParkingSite[] {
  const collection = input as { format?: unknown; version?: unknown; features?: unknown } | null;
  if (collection?.format !== PARKING_SITES_FORMAT || collection.version !== PARKING_SITES_VERSION)
    throw new ParkingSitesError(
      `not a ${PARKING_SITES_FORMAT} v${PARKING_SITES_VERSION} file (format ${String(collection?.format)}, version ${String(collection?.version)})`,
    );
  if (!Array.isArray(collection.features)) throw new ParkingSitesError('no features array');
  const ids = new Set<string>();
  return collection.features.map((raw: unknown, index) => {
    const feature = raw as { properties?: Record<string, unknown>; geometry?: { type?: unknown; coordinates?: unknown } } | null;
    const p = feature?.properties ?? {};
    const where = `feature ${index}${typeof p['id'] === 'string' ? ` (${p['id']})` : ''}`;
    const fail = (what: string): never => {
      throw new ParkingSitesError(`${where}: ${what}`);
    };
    const [lon, lat] = Array.isArray(feature?.geometry?.coordinates) ? (feature.geometry.coordinates as unknown[]) : [];
    if (feature?.geometry?.type !== 'Point' || typeof lon !== 'number' || typeof lat !== 'number' || Math.abs(lon) > 180 || Math.abs(lat) > 90)
      fail('geometry is not a lon/lat Point');
    if (typeof p['id'] !== 'string' || p['id'] === '') fail('no id');
    if (ids.has(p['id'] as string)) fail('id used twice');
    ids.add(p['id'] as string);
    if (typeof p['name'] !== 'string') fail('no name');
    if (!PARKING_SITE_KINDS.includes(p['kind'] as never)) fail(`kind ${String(p['kind'])} is not one of ${PARKING_SITE_KINDS.join(', ')}`);
    if (!PARKING_PATTERNS.includes(p['pattern'] as never)) fail(`pattern ${String(p['pattern'])} is not one of ${PARKING_PATTERNS.join(', ')}`);
    if (!OCCUPANCY_DETECTION_TYPES.includes(p['occupancyDetectionType'] as never)) fail('occupancyDetectionType is not a FIWARE value');
    const levels = p['levels'] as ParkingSite['levels'] | undefined;
    if (!Array.isArray(levels) || levels.length === 0) fail('no levels');
    const capacity = p['capacity'];
    if (!Number.isInteger(capacity) || (capacity as number) <= 0) fail('capacity is not a positive whole number');
    if (levels!.some((l) => typeof l.id !== 'string' || !Number.isInteger(l.capacity) || l.capacity < 0 || !Number.isInteger(l.storey)))
      fail('a level lacks an id, a storey or a capacity');
    if (levels!.reduce((sum, l) => sum + l.capacity, 0) !== capacity) fail('the levels’ capacities do not add up to the capacity');
    const tariff = p['tariff'] as ParkingSite['tariff'] | undefined;
    if (!tariff || typeof tariff.firstHourYuan !== 'number' || typeof tariff.perHourAfterYuan !== 'number' || typeof tariff.freeMinutes !== 'number')
      fail('tariff lacks freeMinutes, firstHourYuan or perHourAfterYuan');
    const hours = p['openingHours'] as ParkingSite['openingHours'];
    if (hours !== undefined && !(Number.isInteger(hours.opens) && Number.isInteger(hours.closes) && hours.opens >= 0 && hours.closes <= 1440))
      fail('openingHours are not minutes of the day');
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { source, ...site } = p;
    return { ...(site as unknown as Omit<ParkingSite, 'lon' | 'lat'>), lon: lon as number, lat: lat as number };
  });
}
