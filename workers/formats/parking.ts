/**
 * Smart parking (issue 15): the parking site model, its live state and the status shown for it.
 * One home for these shapes; written by the seeds (seeds/generator/generateParking.ts →
 * seeds/generated/nankai-parking.geojson), read by workers/parking/ (status, forecast, guidance,
 * FIWARE and GA/T 1302 conversion) and next by the server's /api/parking and the viewer layer.
 *
 * Field names follow the FIWARE Smart Data Models for parking (dataModel.Parking:
 * OffStreetParking, OnStreetParking, ParkingGroup) where one exists — `totalSpotNumber`,
 * `availableSpotNumber`, `occupancy`, `status`, `observedAt`, `occupancyDetectionType` — so the
 * conversion in workers/parking/fiware.ts is a renaming, not a remodelling.
 *
 * Times are ms since the epoch. Opening hours and tariff periods are minutes after local
 * midnight in China Standard Time (UTC+8, no daylight saving).
 */

export const PARKING_SITES_FORMAT = 'cim-twin-parking-sites';
export const PARKING_SITES_VERSION = 1;

/** China Standard Time: the local clock of opening hours, tariffs and the daily patterns. */
export const LOCAL_UTC_OFFSET_MINUTES = 480;

/**
 * on-street berth group (路侧泊位), surface lot (地面停车场), underground garage with floors
 * (地下车库), multi-storey garage (立体/多层停车楼), under a viaduct (桥下停车场).
 */
export const PARKING_SITE_KINDS = ['onStreet', 'surfaceLot', 'underground', 'multiStorey', 'underBridge'] as const;
export type ParkingSiteKind = (typeof PARKING_SITE_KINDS)[number];

/**
 * The neighbourhood whose rhythm a site follows (workers/parking/occupancyModel.ts): homes fill
 * at night, offices and malls by day, hospitals stay tight, schools peak at pick-up time, the
 * stadium on event evenings; `mixed` is a blend.
 */
export const PARKING_PATTERNS = ['residential', 'office', 'mall', 'hospital', 'school', 'stadium', 'mixed'] as const;
export type ParkingPattern = (typeof PARKING_PATTERNS)[number];

/** FIWARE / DATEX II OccupancyDetectionTypeEnum: gate counts (balancing) for garages, berth detectors on-street. */
export const OCCUPANCY_DETECTION_TYPES = ['balancing', 'singleSpaceDetection', 'modelBased', 'manual', 'none'] as const;
export type OccupancyDetectionType = (typeof OCCUPANCY_DETECTION_TYPES)[number];

/** A zone or floor of a site (a FIWARE ParkingGroup): floors of garages, one zone elsewhere. */
export interface ParkingLevel {
  /** Unique in the site (`B1`, `B2`, `F1`, `A`). */
  id: string;
  name: string;
  /** Storey: 0 ground, −1 the first basement (B1), 1 the first floor above ground (F2). */
  storey: number;
  capacity: number;
}

/** Opening hours in local minutes after midnight; `closes` ≤ `opens` runs past midnight. Absent: always open. */
export interface OpeningHours {
  opens: number;
  closes: number;
}

/** 元 (CNY) per period: the first hour, each hour after it, and a cap on the night's parking. */
export interface ParkingTariff {
  freeMinutes: number;
  firstHourYuan: number;
  perHourAfterYuan: number;
  /** Most a night (nightFrom → nightTo local minutes) costs; absent: no cap. */
  nightCapYuan?: number;
  nightFrom?: number;
  nightTo?: number;
}

/** A parking site: what the seeds hold and the API will list. */
export interface ParkingSite {
  /** `P` + the POI id it was made from (`PPOI0054`). */
  id: string;
  name: string;
  kind: ParkingSiteKind;
  lon: number;
  lat: number;
  /** totalSpotNumber: the sum of the levels' capacities. */
  capacity: number;
  /** At least one; a garage has its floors, other kinds one zone. */
  levels: ParkingLevel[];
  openingHours?: OpeningHours;
  tariff: ParkingTariff;
  pattern: ParkingPattern;
  occupancyDetectionType: OccupancyDetectionType;
  /** The seed point of interest it came from. */
  poi?: string;
}

/** Occupancy of one level as last observed. */
export interface ParkingLevelState {
  levelId: string;
  availableSpotNumber: number;
}

/** The live state of a site: the last observation, not yet judged (parkingStatus does that). */
export interface ParkingState {
  siteId: string;
  /** When the count was made (ms), not when it arrived. */
  observedAt: number;
  availableSpotNumber: number;
  /** Per level, when the site reports per level (garages by floor). */
  levels?: ParkingLevelState[];
}

/** The status shown: FIWARE's values for a site (OffStreetParking `status`), `unknown` when outdated or never heard. */
export const PARKING_STATUSES = ['free', 'almostFull', 'full', 'closed', 'unknown'] as const;
export type ParkingStatus = (typeof PARKING_STATUSES)[number];

/** The rules parkingStatus applies (workers/parking/parkingStatus.ts). */
export interface ParkingStatusRules {
  /** A value older than this (ms) is outdated: status unknown, never shown as current. */
  outdatedAfterMs: number;
  /** almostFull from this occupancy share on … */
  almostFullOccupancy: number;
  /** … or when this few spaces or fewer are free (a berth group of 8 with 2 free is almost full). */
  almostFullSpaces: number;
}

export const DEFAULT_PARKING_STATUS_RULES: ParkingStatusRules = {
  outdatedAfterMs: 30 * 60_000,
  almostFullOccupancy: 0.9,
  almostFullSpaces: 2,
};

/** What a site is shown as at a time. */
export interface ParkingSiteStatus {
  status: ParkingStatus;
  /** The observation is older than the rules allow (status is then unknown, or closed by the hours). */
  outdated: boolean;
  /** Occupied share 0–1 of the last observation; null when there is none or it is outdated. */
  occupancy: number | null;
  availableSpotNumber: number | null;
}

/** The seeds' parking file: a GeoJSON FeatureCollection of Points, the site's fields (but lon/lat) as properties. */
export interface ParkingSitesCollection {
  type: 'FeatureCollection';
  name: 'nankai_parking';
  format: typeof PARKING_SITES_FORMAT;
  version: typeof PARKING_SITES_VERSION;
  source: 'synthetic';
  features: {
    type: 'Feature';
    id: string;
    properties: Omit<ParkingSite, 'lon' | 'lat'> & { source: 'synthetic' };
    geometry: { type: 'Point'; coordinates: [number, number] };
  }[];
}

/**
 * A site's forecast (workers/parking/forecast.ts): occupied spaces at `from + (k + 1) × step`
 * for k = 0 … steps − 1, with an 80 % band (lo, hi: the 10th and 90th percentiles).
 */
export interface ParkingForecast {
  from: number;
  stepMs: number;
  capacity: number;
  mean: Float32Array;
  lo: Float32Array;
  hi: Float32Array;
  /** Standard deviation of the forecast error at each step (spaces): probabilities come from it. */
  sigma: Float32Array;
}

/** One answer of the guidance (cimTwin.parking.guide), best first. */
export interface ParkingGuidanceEntry {
  siteId: string;
  name: string;
  /** Free spaces expected on arrival (the forecast's mean). */
  expectedFree: number;
  /** Chance of at least one free space on arrival, 0–1. */
  probabilityFree: number;
  /** Walking distance from the site to the destination over the streets. */
  walkMeters: number;
  driveSeconds: number;
  /** The drive over the road graph, every vertex on a road: from the start's point on the road to the site's. */
  route: { lengthMeters: number; coordinates: [number, number][] };
}

// ---------------------------------------------------------------------------------------------
// The server's parking API and live feed (server/parking/ writes them, layers/parking/ reads them).

/**
 * `GET /api/parking/sites[?at=ISO]`: every site with its state at `at` (default now; a past time
 * inside the history's retention replays), as FIWARE NGSI-LD entities, normalized
 * (workers/parking/fiware.ts `parkingToFiware`): a flat JSON array, each site's entity followed by
 * its levels' ParkingGroup entities; `Content-Type: application/ld+json`. A reader groups them
 * with `parkingFromFiware`. The header `CIM-Parking-At` gives the time the states are for (ms).
 */
export const PARKING_SITES_PATH = '/api/parking/sites';

/**
 * The live feed: MQTT topic (read-only for viewers) on which the server publishes, at most once a
 * second, the sites whose count changed since the last message, as JSON `ParkingUpdate`.
 */
export const PARKING_TOPIC = 'cimtwin/v1/parking';

export interface ParkingUpdate {
  /** When the server published it (ms). */
  at: number;
  states: ParkingState[];
}

/**
 * `GET /api/parking/sites/{siteId}/history?from=ISO&to=ISO`: the site's counts from the history
 * store (raw inside raw retention, the aggregates' mean beyond), oldest first.
 */
export interface ParkingHistoryDocument {
  siteId: string;
  capacity: number;
  /** ms since the epoch. */
  time: number[];
  /** Free spaces of the whole site at each time. */
  available: number[];
  /** Per level, when the site reports per level: free spaces at the same times. */
  levels?: { levelId: string; available: number[] }[];
}

/**
 * `GET /api/parking/forecast`: every site's forecast of the next hour (workers/parking/forecast.ts),
 * recomputed by the server as counts arrive; arrays are plain numbers (occupied spaces).
 */
export interface ParkingForecastsDocument {
  /** Start of the forecasts (ms): step k is for from + (k + 1) × stepMs. */
  from: number;
  stepMs: number;
  sites: { siteId: string; capacity: number; mean: number[]; lo: number[]; hi: number[]; sigma: number[] }[];
}
export const PARKING_FORECAST_PATH = '/api/parking/forecast';
