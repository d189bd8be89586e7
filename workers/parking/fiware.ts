import {
  OCCUPANCY_DETECTION_TYPES,
  PARKING_PATTERNS,
  PARKING_SITE_KINDS,
  type ParkingLevel,
  type ParkingSite,
  type ParkingState,
  type ParkingStatus,
  type ParkingTariff,
} from '../formats/parking.js';
import { parkingStatus } from './parkingStatus.js';

/**
 * Parking sites and their state as FIWARE NGSI-LD entities (Smart Data Models, dataModel.Parking):
 * a site is an OffStreetParking (lots, garages, under-bridge) or an OnStreetParking (berth groups);
 * each of its levels is a ParkingGroup that names its parent (`refParentParking`) and is named
 * back (`refParkingGroup`).
 *
 * **Normalized, not keyValues**: the outdated rule needs the time each count was made, and in
 * NGSI-LD that is the `observedAt` of the property itself — keyValues drops it (it keeps only
 * values). Normalized is also what a context broker (Orion-LD, Scorpio, Stellio) accepts on
 * `POST /ngsi-ld/v1/entities`, so the same JSON can be pushed upstream unchanged. The cost is
 * size (about 2× keyValues), which 1,354 sites afford.
 *
 * What the model has no attribute for travels in application-specific attributes (NGSI-LD allows
 * them): `parkingSiteKind`, `neighbourhoodPattern`, `tariff`, `storey` (of a ParkingGroup),
 * `openingHours` ({opens, closes} as local "HH:MM").
 */
export const NGSI_LD_CONTEXT = [
  'https://raw.githubusercontent.com/smart-data-models/dataModel.Parking/master/context.jsonld',
  'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld',
] as const;

export interface NgsiProperty<T = unknown> {
  type: 'Property';
  value: T;
  observedAt?: string;
}
export interface NgsiRelationship {
  type: 'Relationship';
  object: string | string[];
}
export interface NgsiGeoProperty {
  type: 'GeoProperty';
  value: { type: 'Point'; coordinates: [number, number] };
}
export interface NgsiEntity {
  id: string;
  type: 'OffStreetParking' | 'OnStreetParking' | 'ParkingGroup';
  '@context'?: readonly string[];
  [attribute: string]: NgsiProperty | NgsiRelationship | NgsiGeoProperty | string | readonly string[] | undefined;
}

/** FIWARE OffStreetParking `status` (a list) for each status shown. */
const FIWARE_STATUS: Record<ParkingStatus, string[]> = {
  free: ['open', 'spacesAvailable'],
  almostFull: ['open', 'almostFull'],
  full: ['open', 'full'],
  closed: ['closed'],
  unknown: ['unknown'],
};

const LAYOUT: Record<ParkingSite['kind'], string[]> = {
  onStreet: ['openSpace'],
  surfaceLot: ['surface', 'singleLevel'],
  underground: ['multiLevel'],
  multiStorey: ['multiStorey', 'multiLevel'],
  underBridge: ['covered', 'singleLevel'],
};

export const siteUrn = (site: Pick<ParkingSite, 'id' | 'kind'>): string =>
  `urn:ngsi-ld:${site.kind === 'onStreet' ? 'OnStreetParking' : 'OffStreetParking'}:${site.id}`;
export const levelUrn = (siteId: string, levelId: string): string => `urn:ngsi-ld:ParkingGroup:${siteId}:${levelId}`;

const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const minutesOf = (text: string, what: string): number => {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) throw new FiwareParkingError(`${what}: "${text}" is not a local time HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
};
const iso = (ms: number): string => new Date(ms).toISOString();

/** A FIWARE document that cannot be read as a parking site; names the entity. */
export class FiwareParkingError extends Error {
  override name = 'FiwareParkingError';
}

/**
 * The site and its levels as NGSI-LD entities (normalized), the site first. `status` is judged
 * at `now` by parkingStatus (unknown when the state is missing or outdated); the counts keep
 * the time they were made as `observedAt`.
 */
export function parkingToFiware(site: ParkingSite, state: ParkingState | null, now: number): NgsiEntity[] {
  if (state && state.siteId !== site.id) throw new RangeError(`parking: state of ${state.siteId} given for site ${site.id}`);
  const observedAt = state ? iso(state.observedAt) : undefined;
  const shown = parkingStatus(site, state, now);
  const counted = (value: number): NgsiProperty<number> => ({ type: 'Property', value, ...(observedAt ? { observedAt } : {}) });
  const property = <T>(value: T): NgsiProperty<T> => ({ type: 'Property', value });
  const entity: NgsiEntity = {
    id: siteUrn(site),
    type: site.kind === 'onStreet' ? 'OnStreetParking' : 'OffStreetParking',
    '@context': NGSI_LD_CONTEXT,
    name: property(site.name),
    location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [site.lon, site.lat] } },
    category: property(
      site.kind === 'onStreet' ? ['feeCharged', 'shortTerm'] : ['public', 'feeCharged', site.kind === 'underground' ? 'underground' : 'parkingLot'],
    ),
    layout: property(LAYOUT[site.kind]),
    parkingSiteKind: property(site.kind),
    neighbourhoodPattern: property(site.pattern),
    totalSpotNumber: property(site.capacity),
    occupancyDetectionType: property([site.occupancyDetectionType]),
    status: { type: 'Property', value: FIWARE_STATUS[shown.status], observedAt: iso(now) },
    tariff: property(site.tariff),
    refParkingGroup: { type: 'Relationship', object: site.levels.map((level) => levelUrn(site.id, level.id)) },
  };
  if (site.poi !== undefined) entity['seeAlso'] = property(site.poi);
  if (site.openingHours) entity['openingHours'] = property({ opens: hhmm(site.openingHours.opens), closes: hhmm(site.openingHours.closes) });
  if (state) {
    entity['availableSpotNumber'] = counted(state.availableSpotNumber);
    entity['occupiedSpotNumber'] = counted(site.capacity - state.availableSpotNumber);
    entity['occupancy'] = counted(site.capacity > 0 ? round4(1 - state.availableSpotNumber / site.capacity) : 1);
  }
  const levels = site.levels.map((level): NgsiEntity => {
    const levelState = state?.levels?.find((l) => l.levelId === level.id);
    const group: NgsiEntity = {
      id: levelUrn(site.id, level.id),
      type: 'ParkingGroup',
      '@context': NGSI_LD_CONTEXT,
      name: property(level.name),
      refParentParking: { type: 'Relationship', object: siteUrn(site) },
      storey: property(level.storey),
      totalSpotNumber: property(level.capacity),
    };
    if (levelState) {
      group['availableSpotNumber'] = counted(levelState.availableSpotNumber);
      group['occupancy'] = counted(level.capacity > 0 ? round4(1 - levelState.availableSpotNumber / level.capacity) : 1);
    }
    return group;
  });
  return [entity, ...levels];
}

/**
 * The site and its state back from its NGSI-LD entities (the site entity and its ParkingGroups,
 * in any order). The state is null when the site carries no `availableSpotNumber`. Throws a
 * FiwareParkingError naming the entity and attribute that is missing or wrong.
 */
export function parkingFromFiware(entities: readonly NgsiEntity[]): { site: ParkingSite; state: ParkingState | null } {
  const main = entities.find((e) => e.type === 'OffStreetParking' || e.type === 'OnStreetParking');
  if (!main) throw new FiwareParkingError('no OffStreetParking or OnStreetParking entity');
  const id = main.id.split(':').at(-1) ?? '';
  const value = <T>(entity: NgsiEntity, attribute: string, check: (v: unknown) => boolean): T => {
    const held = entity[attribute] as NgsiProperty | undefined;
    if (!held || typeof held !== 'object' || !('value' in held) || !check(held.value))
      throw new FiwareParkingError(`${entity.id}: attribute ${attribute} is missing or malformed`);
    return held.value as T;
  };
  const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  const isText = (v: unknown): boolean => typeof v === 'string';
  const oneOf =
    (allowed: readonly string[]) =>
    (v: unknown): boolean =>
      typeof v === 'string' && allowed.includes(v);
  const location = main['location'] as NgsiGeoProperty | undefined;
  const coordinates = location?.value?.coordinates;
  if (!Array.isArray(coordinates) || typeof coordinates[0] !== 'number' || typeof coordinates[1] !== 'number')
    throw new FiwareParkingError(`${main.id}: location is not a GeoJSON Point`);
  const refs = main['refParkingGroup'] as NgsiRelationship | undefined;
  const groupIds = refs ? [refs.object].flat() : [];
  const groups = groupIds.map((urn) => {
    const group = entities.find((e) => e.id === urn);
    if (!group) throw new FiwareParkingError(`${main.id}: ParkingGroup ${urn} is not among the entities`);
    return group;
  });
  const levels: ParkingLevel[] = groups.map((group) => ({
    id: group.id.split(':').at(-1) ?? '',
    name: value<string>(group, 'name', isText),
    storey: value<number>(group, 'storey', (v) => Number.isInteger(v)),
    capacity: value<number>(group, 'totalSpotNumber', isCount),
  }));
  const detection = value<string[]>(main, 'occupancyDetectionType', (v) => Array.isArray(v) && oneOf(OCCUPANCY_DETECTION_TYPES)(v[0]));
  const hours = main['openingHours'] as NgsiProperty<{ opens: string; closes: string }> | undefined;
  const poi = main['seeAlso'] as NgsiProperty<string> | undefined;
  const site: ParkingSite = {
    id,
    name: value<string>(main, 'name', isText),
    kind: value<ParkingSite['kind']>(main, 'parkingSiteKind', oneOf(PARKING_SITE_KINDS)),
    lon: coordinates[0],
    lat: coordinates[1],
    capacity: value<number>(main, 'totalSpotNumber', isCount),
    levels,
    ...(hours
      ? { openingHours: { opens: minutesOf(hours.value.opens, `${main.id} openingHours`), closes: minutesOf(hours.value.closes, `${main.id} openingHours`) } }
      : {}),
    tariff: value<ParkingTariff>(main, 'tariff', (v) => typeof v === 'object' && v !== null && typeof (v as ParkingTariff).firstHourYuan === 'number'),
    pattern: value<ParkingSite['pattern']>(main, 'neighbourhoodPattern', oneOf(PARKING_PATTERNS)),
    occupancyDetectionType: detection[0] as ParkingSite['occupancyDetectionType'],
    ...(poi ? { poi: poi.value } : {}),
  };
  const available = main['availableSpotNumber'] as NgsiProperty<number> | undefined;
  if (!available) return { site, state: null };
  const observedAt = Date.parse(available.observedAt ?? '');
  if (!isCount(available.value) || !Number.isFinite(observedAt))
    throw new FiwareParkingError(`${main.id}: availableSpotNumber needs a count and an ISO 8601 observedAt`);
  const levelStates = groups.flatMap((group, i) => {
    const held = group['availableSpotNumber'] as NgsiProperty<number> | undefined;
    return held && isCount(held.value) ? [{ levelId: levels[i]!.id, availableSpotNumber: held.value }] : [];
  });
  return { site, state: { siteId: id, observedAt, availableSpotNumber: available.value, ...(levelStates.length > 0 ? { levels: levelStates } : {}) } };
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
