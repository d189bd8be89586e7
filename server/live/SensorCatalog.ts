import { readFileSync } from 'node:fs';
import { SENSOR_TYPES, sensorType, type SensorType } from '../../workers/live/sensorTypes.js';
import { pipeCategoryOf } from '../../workers/standards/cjj61Categories.js';

/**
 * The category of a sensor on a pipe asset whose category the sites file does not say, or says
 * in a way nobody knows: CJJ 61 其他 (QT, 不明管线), which only roles that see every category
 * may read — an unlabelled underground asset is controlled, never public.
 */
export const UNKNOWN_PIPE_CATEGORY = 'QT';

/** One SensorThings Datastream with its Thing and Location folded in (ids are SensorThings @iot.id values). */
export interface CatalogEntry {
  /** Datastream id (1-based, dense: also the index + 1 into the live arrays). */
  id: number;
  thingId: string;
  name: string;
  type: SensorType;
  lon: number;
  lat: number;
  /** The seed feature the sensor sits on (well, hydrant, network node…). */
  feature: string;
  /**
   * The CJJ 61 category code of the pipe asset it sits on (PS for a drainage well or storm
   * inlet, JS for a hydrant or water-network node…), or null on no pipe asset (air, river):
   * who may read the sensor is who may see that network (server/live/SensorAccess.ts).
   */
  category: string | null;
}

/**
 * The district's sensors from the seeds' sensor sites (real wells, hydrants and network nodes),
 * optionally scaled up to `count` for load tests (extra sensors copy a site's type a few metres
 * away, named as copies).
 */
export function loadSensorCatalog(sitesFile: string, count?: number): CatalogEntry[] {
  const sites = (
    JSON.parse(readFileSync(sitesFile, 'utf8')) as {
      features: { properties: Record<string, string | undefined>; geometry: { coordinates: [number, number] } }[];
    }
  ).features;
  const entries: CatalogEntry[] = [];
  for (const site of sites) {
    const type = sensorType(site.properties['type'] ?? '');
    if (!type) continue;
    const [lon, lat] = site.geometry.coordinates;
    entries.push({
      id: entries.length + 1,
      thingId: site.properties['id']!,
      name: site.properties['name'] ?? site.properties['id']!,
      type,
      lon,
      lat,
      feature: site.properties['feature'] ?? '',
      category: categoryOfSite(site.properties),
    });
  }
  const real = entries.length;
  for (let i = 0; count !== undefined && entries.length < count; i++) {
    const base = entries[i % real]!;
    const copy = Math.floor(i / real) + 1;
    const angle = (i * 2.399963) % (2 * Math.PI);
    entries.push({
      ...base,
      id: entries.length + 1,
      thingId: `${base.thingId}-${copy}`,
      name: `${base.name} #${copy}`,
      lon: base.lon + (Math.cos(angle) * 8 * copy) / 86_000,
      lat: base.lat + (Math.sin(angle) * 8 * copy) / 111_000,
    });
  }
  return count !== undefined ? entries.slice(0, count) : entries;
}

/**
 * A site's category: its `category` (a CJJ 61 code or sub-type as surveys write it, e.g. YS is
 * PS) when it sits on a pipe feature; UNKNOWN_PIPE_CATEGORY for a pipe feature without a
 * known one (fail closed); null for a site on no feature. The seed generator writes it.
 */
function categoryOfSite(properties: Record<string, string | undefined>): string | null {
  const category = properties['category'];
  if (category) return pipeCategoryOf(category)?.code ?? UNKNOWN_PIPE_CATEGORY;
  return properties['feature'] ? UNKNOWN_PIPE_CATEGORY : null;
}

/** SensorThings JSON of a Datastream (with its Thing's id and its thresholds in `properties`). */
export function datastreamJson(entry: CatalogEntry, base: string): object {
  return {
    '@iot.id': entry.id,
    '@iot.selfLink': `${base}/v1.1/Datastreams(${entry.id})`,
    name: `${entry.name} · ${entry.type.nameZh}`,
    description: `${entry.type.nameEn} at ${entry.feature || entry.thingId}`,
    observationType: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement',
    unitOfMeasurement: entry.type.unit,
    ObservedProperty: { name: entry.type.observedProperty, definition: `urn:cim-twin:property:${entry.type.id}` },
    properties: {
      sensorType: entry.type.id,
      thresholds: entry.type.thresholds,
      periodSeconds: entry.type.periodSeconds,
      feature: entry.feature,
      pipeCategory: entry.category,
    },
    'Thing@iot.navigationLink': `${base}/v1.1/Things('${entry.thingId}')`,
    'Observations@iot.navigationLink': `${base}/v1.1/Datastreams(${entry.id})/Observations`,
  };
}

export function thingJson(entry: CatalogEntry, base: string): object {
  return {
    '@iot.id': entry.thingId,
    name: entry.name,
    description: entry.type.nameZh,
    properties: { feature: entry.feature, sensorType: entry.type.id, pipeCategory: entry.category },
    Locations: [{ name: entry.name, encodingType: 'application/geo+json', location: { type: 'Point', coordinates: [entry.lon, entry.lat] } }],
    'Datastreams@iot.navigationLink': `${base}/v1.1/Things('${entry.thingId}')/Datastreams`,
  };
}

export { SENSOR_TYPES };
