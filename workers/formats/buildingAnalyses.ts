/**
 * Results of the planner's building analyses (workers/planning: heightLimit, sunlight,
 * facadeSunlight, viewshed): plain data, `[lon, lat]` degrees and metres, what the page API
 * returns (`cimTwin.tools.heightLimit`, `.sunlight`, `.viewshed`) and the tools draw.
 */
import type { Feature, FeatureCollection, Polygon } from 'geojson';

/** `planning.loadBuildings`' answer: how many buildings the worker holds, and their extent. */
export interface BuildingsLoaded {
  buildings: number;
  /** [west, south, east, north] degrees. */
  bbox: [number, number, number, number];
}

/** One building over a height limit. */
export interface BuildingOverLimit {
  id: string;
  /** Its top, metres (footprints: above their ground). */
  height: number;
  /** How far the top is above the limit, metres (> 0). */
  excess: number;
  /** The middle of its footprint's bounding box, degrees (where the tool labels it). */
  lon: number;
  lat: number;
}

export interface HeightLimitResult {
  /** Every building with a part of its footprint inside the polygon and its top above the limit, the highest excess first. */
  buildings: BuildingOverLimit[];
  limitMeters: number;
  /** Buildings with a part inside the polygon, over the limit or not. */
  inside: number;
  /** The polygon's horizontal area, m². */
  areaSquareMetres: number;
}

/** The day a sunlight analysis covers: the standard's days (solar terms) or a given date. */
export type SunlightDay = 'dahan' | 'dongzhi' | 'date';

export interface SunlightOptions {
  /**
   * A date (`2027-01-20`, an ISO time or a Date): with `day: 'date'` the day analysed, else the
   * year whose 大寒 (or 冬至) is analysed (a year alone, `'2027'`, will do). Default: now.
   */
  date?: string | number | Date;
  /** 大寒日 (default: GB 50180's day for most of China), 冬至日, or the date itself. */
  day?: SunlightDay;
  /** The building climate zone (GB 50178), for the residential minimum. Default 'II' (Tianjin). */
  climateZone?: ClimateZone;
  /** Large city (大城市) or medium/small (中小城市). Default 'large' (Tianjin). */
  citySize?: CitySize;
  /** Time step in minutes (default 1; at most 10). */
  stepMinutes?: number;
}

export type ClimateZone = 'I' | 'II' | 'III' | 'IV' | 'V' | 'VI' | 'VII';
export type CitySize = 'large' | 'medium-small';

/** One row of GB 50180's residential sunlight minimum (see workers/standards/gb50180Sunlight.ts). */
export interface SunlightRule {
  zones: readonly ClimateZone[];
  citySize: CitySize | 'any';
  /** The day the minimum is counted on. */
  day: 'dahan' | 'dongzhi';
  /** At least this many hours of sun inside the effective window. */
  minHours: number;
}

export interface SunlightResult {
  /** Sunrise to sunset (the sun's upper limb at the horizon, with refraction), hours. */
  sunriseToSunsetHours: number;
  /** Hours of direct sun at the point over the whole day (astronomical sunshine). */
  sunlitHours: number;
  /** Hours of direct sun inside the standard's effective window (true solar time). */
  effectiveHours: number;
  /** Effective hours ≥ the standard's minimum; null when the standard sets none for this day in this zone. */
  meetsStandard: boolean | null;
  /** The day analysed, `YYYY-MM-DD` (China Standard Time), and what it is. */
  date: string;
  day: SunlightDay;
  /** ISO times (UTC). */
  sunrise: string;
  sunset: string;
  /** The effective window in UTC ISO times (8:00–16:00 true solar time on 大寒日, 9:00–15:00 on 冬至日). */
  window: [string, string];
  /** The minimum that applies (hours), or null. */
  requiredHours: number | null;
  /** Where the minimum comes from. */
  standard: string;
  /** Sunlit intervals (ISO UTC start and end). */
  sunlit: [string, string][];
}

/** One façade sample: a point on a wall, just outside it. */
export interface FacadeSample {
  /** The wall it is on: its index along the building's outer rings (`wall` option of facadeSunlight). */
  wall: number;
  lon: number;
  lat: number;
  height: number;
  /** The wall's outward direction, degrees clockwise from north. */
  facing: number;
  sunlitHours: number;
  effectiveHours: number;
}

export interface FacadeSunlightResult extends Omit<SunlightResult, 'sunlitHours' | 'effectiveHours' | 'meetsStandard' | 'sunlit'> {
  buildingId: string;
  samples: FacadeSample[];
  /** Samples whose effective hours meet the minimum (null without one). */
  meetingStandard: number | null;
  /** The best and worst sample's effective hours. */
  maxEffectiveHours: number;
  minEffectiveHours: number;
}

export interface ViewshedCellProperties {
  kind: 'ground';
  visible: boolean;
}

export interface ViewshedFaceProperties {
  kind: 'face';
  buildingId: string;
  /** The share of the face's samples seen from the eye, 0…1. */
  visibleFraction: number;
  visible: boolean;
  base: number;
  top: number;
}

export interface ViewshedResult {
  /** Ground cells (squares at the ground) and building faces (upright polygons: [lon, lat, height] corners), each visible or hidden. */
  geojson: FeatureCollection<Polygon, ViewshedCellProperties | ViewshedFaceProperties>;
  /** Visible share of the ground cells in the radius (outside buildings), percent. */
  groundVisiblePercent: number;
  /** Visible share of the building face samples in the radius, percent. */
  facesVisiblePercent: number;
  /** Visible share of every sample (ground and faces), percent. */
  visiblePercent: number;
  eye: { lon: number; lat: number; height: number };
  radius: number;
  cellSize: number;
}

export type ViewshedFeature = Feature<Polygon, ViewshedCellProperties | ViewshedFaceProperties>;
