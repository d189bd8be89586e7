import type { Crs } from '../crs/Crs.js';
import type { FeatureIssue } from '../report/FeatureIssue.js';
import type { RepairCode, SkipCode } from '../report/IssueCode.js';
import type { AttributeValue, GeometryFeature } from '../readers/SourceFeature.js';
import { type PipeCategory, pipeCategoryOf } from '../../../workers/standards/cjj61Categories.js';
import { type FieldMapping, fieldValues, type PipeField } from './pipeFields.js';
import type { PipePoint, PipeSegment } from './PipeFeatures.js';

/** Deeper than any utility is buried in a city (deep tunnels excepted): a unit error. */
export const MAX_DEPTH = 30;
export const MAX_DIAMETER = 5;
/** Ground heights on Earth, metres: the Dead Sea shore (−430 m) to Everest (8,849 m). */
export const GROUND_ELEVATION_RANGE = { min: -500, max: 9000 } as const;
/** Typical cover and size per category, used (and reported) when a survey leaves them out. */
export const TYPICAL: Record<string, { depth: number; diameter: number }> = {
  JS: { depth: 1.2, diameter: 0.2 },
  PS: { depth: 2.5, diameter: 0.5 },
  RQ: { depth: 1.0, diameter: 0.15 },
  RL: { depth: 1.5, diameter: 0.3 },
  DL: { depth: 0.9, diameter: 0.15 },
  TX: { depth: 0.8, diameter: 0.1 },
  GY: { depth: 1.2, diameter: 0.2 },
  ZH: { depth: 3.0, diameter: 3.0 },
  QT: { depth: 1.0, diameter: 0.2 },
};

/** What CJJ 61 §3.0.2 requires of every pipe line (alternatives joined): the completeness report. */
export const REQUIRED_LINE_FIELDS: readonly (readonly PipeField[])[] = [
  ['startDepth'],
  ['endDepth'],
  ['diameter', 'section'],
  ['material'],
  ['burial'],
  ['owner'],
  ['year'],
];

export interface PipeContext {
  crs: Crs;
  mapping: FieldMapping;
  /** Category of the whole layer (from its file name or --category), if any. */
  layerCategory: PipeCategory | undefined;
  /** Sub-type the layer name gives (雨水 YS, 污水 WS, 合流 HS), if any. */
  layerSubType?: string | undefined;
}

export type PipeResult =
  { ok: true; items: (PipeSegment | PipePoint)[]; repairs: FeatureIssue[] } | { ok: false; issue: FeatureIssue; repairs: FeatureIssue[] };

class Skip extends Error {
  constructor(
    readonly code: SkipCode,
    message: string,
  ) {
    super(message);
  }
}

/** Validates one pipe line or point feature against CJJ 61 conventions and converts it to WGS84. */
export function normalizePipeFeature(feature: GeometryFeature, context: PipeContext): PipeResult {
  const values = fieldValues(feature.attributes, context.mapping);
  // Messages name the feature as the survey does (管线编号, 物探点号), as its segment or point id will.
  const surveyId = feature.geometryType === 'Point' ? values.pointId : values.id;
  const name = surveyId !== undefined ? String(surveyId) : (feature.origin.id ?? `#${feature.origin.index}`);
  const repairs: FeatureIssue[] = [];
  const repair = (code: RepairCode, message: string): void => {
    if (!repairs.some((r) => r.code === code)) repairs.push({ file: feature.origin.file, feature: name, code, message });
  };
  const value = (field: PipeField): AttributeValue | undefined => values[field];
  try {
    const categoryValue = value('category');
    const category = categoryValue !== undefined ? pipeCategoryOf(String(categoryValue)) : context.layerCategory;
    if (!category) {
      throw new Skip(
        'CATEGORY_UNKNOWN',
        categoryValue !== undefined
          ? `category "${String(categoryValue)}" is not a CJJ 61 code (JS, PS/YS/WS/HS, RQ, RL, DL, TX, GY, ZH, QT)`
          : 'no category column and none from the layer name or --category',
      );
    }
    const subTypeValue = value('subType') ?? (categoryValue !== undefined && String(categoryValue).toUpperCase() !== category.code ? categoryValue : undefined);
    const subType = subTypeValue === undefined ? context.layerSubType : String(subTypeValue);
    if (feature.geometryType === 'Point') {
      const [lon, lat] = toWgs84(feature.coordinates, context.crs, 'the point');
      const depth = optionalDepth(value('pointDepth'), 'depth');
      const id = String(value('pointId') ?? feature.origin.id ?? `#${feature.origin.index}`);
      const point: PipePoint = {
        kind: 'point',
        id,
        origin: feature.origin,
        category: category.code,
        lon,
        lat,
        feature: text(value('feature')),
        appurtenance: text(value('appurtenance')),
        groundElevation: groundElevation(value('groundElevation')),
        depth,
        attributes: feature.attributes,
      };
      return { ok: true, items: [point], repairs };
    }
    if (feature.geometryType !== 'LineString' && feature.geometryType !== 'MultiLineString') {
      throw new Skip('GEOMETRY_UNSUPPORTED', `a ${feature.geometryType} is not a pipe line or point (LineString, MultiLineString or Point expected)`);
    }
    const lines = (feature.geometryType === 'LineString' ? [feature.coordinates] : feature.coordinates) as unknown[];
    if (!Array.isArray(lines)) throw new Skip('GEOMETRY_MISSING', 'no coordinates');
    if (lines.length === 0) throw new Skip('GEOMETRY_MISSING', `the ${feature.geometryType} has no lines`);
    const typical = TYPICAL[category.code]!;
    let startDepth = optionalDepth(value('startDepth'), 'start depth (起点埋深)');
    let endDepth = optionalDepth(value('endDepth'), 'end depth (终点埋深)');
    if (startDepth === undefined && endDepth === undefined) {
      repair('DEPTH_DEFAULTED', `no depth; the typical ${typical.depth} m for ${category.nameZh} was used`);
      startDepth = endDepth = typical.depth;
    }
    startDepth ??= endDepth;
    endDepth ??= startDepth;
    const size = sizeOf(value('diameter'), value('section'), context.mapping, repair);
    let diameter = size.diameter;
    if (diameter === undefined && size.width === undefined) {
      repair('SIZE_DEFAULTED', `no 管径 or 断面; the typical ${typical.diameter * 1000} mm for ${category.nameZh} was used`);
      diameter = typical.diameter;
    }
    const missing = missingFields(values);
    const baseId = String(value('id') ?? feature.origin.id ?? `#${feature.origin.index}`);
    const items: PipeSegment[] = lines.map((line, k) => {
      if (!Array.isArray(line)) throw new Skip('GEOMETRY_MISSING', `line ${k} is not an array of positions`);
      const lonLat = new Float64Array(line.length * 2);
      let n = 0;
      for (let p = 0; p < line.length; p++) {
        toWgs84Into(line[p], context.crs, lonLat, n, k, p);
        // A repeated position adds nothing to a line.
        if (n < 2 || lonLat[n - 2] !== lonLat[n] || lonLat[n - 1] !== lonLat[n + 1]) n += 2;
      }
      if (n < 4) throw new Skip('LINE_TOO_SHORT', `line ${k} has ${n / 2} distinct point(s); a pipe needs two`);
      return {
        kind: 'segment',
        id: lines.length > 1 ? `${baseId}-${k + 1}` : baseId,
        origin: feature.origin,
        category: category.code,
        subType,
        fromPoint: k === 0 ? text(value('fromPoint')) : undefined,
        toPoint: k === lines.length - 1 ? text(value('toPoint')) : undefined,
        lonLat: n === lonLat.length ? lonLat : lonLat.slice(0, n),
        startDepth,
        endDepth,
        diameter,
        width: size.width,
        height: size.height,
        material: text(value('material')),
        missing,
        attributes: feature.attributes,
      };
    });
    return { ok: true, items, repairs };
  } catch (error) {
    if (!(error instanceof Skip)) throw error;
    return { ok: false, issue: { file: feature.origin.file, feature: name, code: error.code, message: error.message }, repairs };
  }
}

function sizeOf(
  diameterValue: AttributeValue | undefined,
  sectionValue: AttributeValue | undefined,
  mapping: FieldMapping,
  repair: (code: RepairCode, message: string) => void,
): { diameter?: number; width?: number; height?: number } {
  if (sectionValue !== undefined) {
    const match = /^\s*(\d+(?:\.\d+)?)\s*[×xX*]\s*(\d+(?:\.\d+)?)\s*$/.exec(String(sectionValue));
    if (match) {
      const scale = mapping.units.section === 'mm' ? 0.001 : 1;
      const width = toMetres(Number(match[1]), scale);
      const height = toMetres(Number(match[2]), scale);
      if (!(width > 0 && height > 0)) throw new Skip('SECTION_INVALID', `断面 "${String(sectionValue)}" has a zero side`);
      if (Math.max(width, height) > 20) throw new Skip('SECTION_INVALID', `断面 "${String(sectionValue)}" is more than 20 m wide: a unit error`);
      return { width, height };
    }
    // A single number in the section column is a diameter (e.g. 断面 "300").
    if (!/^\s*\d+(\.\d+)?\s*$/.test(String(sectionValue))) throw new Skip('SECTION_INVALID', `断面 "${String(sectionValue)}" is not "width×height"`);
    diameterValue ??= sectionValue;
  }
  if (diameterValue === undefined) return {};
  const raw = Number(String(diameterValue).replace(/^\s*(DN|De|Φ|φ)\s*/i, ''));
  if (!Number.isFinite(raw) || raw <= 0) throw new Skip('DIAMETER_INVALID', `管径 is ${JSON.stringify(diameterValue)}; it must be a positive number`);
  let diameter = mapping.units.diameter === 'mm' ? toMetres(raw, 0.001) : raw;
  if (mapping.units.diameter === 'mm' && raw < 5) {
    repair('DIAMETER_UNIT_GUESSED', `管径 ${raw} read as metres: no pipe is ${raw} mm wide`);
    diameter = raw;
  }
  if (diameter > MAX_DIAMETER) throw new Skip('DIAMETER_ABSURD', `管径 ${raw} is ${diameter} m: a unit error?`);
  return { diameter };
}

/** mm to m without binary noise (2800 × 0.001 is 2.8000000000000003): micrometre precision. */
function toMetres(value: number, scale: number): number {
  return Math.round(value * scale * 1e6) / 1e6;
}

function optionalDepth(value: AttributeValue | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const depth = Number(value);
  if (!Number.isFinite(depth) || depth < 0) throw new Skip('DEPTH_INVALID', `${what} is ${JSON.stringify(value)}; depths are metres below ground, 0 or more`);
  if (depth > MAX_DEPTH) throw new Skip('DEPTH_ABSURD', `${what} is ${depth} m: centimetres given as metres?`);
  return depth;
}

/** 地面高程: absent or not a number leaves it unknown (the survey's median is used); a height off the Earth (1e9, 1e309) skips the point. */
function groundElevation(value: AttributeValue | undefined): number | undefined {
  const elevation = value === undefined ? NaN : Number(value);
  if (Number.isNaN(elevation)) return undefined;
  if (!(elevation >= GROUND_ELEVATION_RANGE.min && elevation <= GROUND_ELEVATION_RANGE.max)) {
    throw new Skip(
      'ELEVATION_ABSURD',
      `地面高程 (ground elevation) is ${elevation} m, not a height on Earth (${GROUND_ELEVATION_RANGE.min}…${GROUND_ELEVATION_RANGE.max} m): a unit error?`,
    );
  }
  return elevation;
}

function text(value: AttributeValue | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

function toWgs84(position: unknown, crs: Crs, label: string): [number, number] {
  const out = new Float64Array(2);
  toWgs84Into(position, crs, out, 0, 0, 0, label);
  return [out[0]!, out[1]!];
}

const converted = new Float64Array(2);

/** Converts one position into `into` at `at` (lon, lat); errors name it by `label` or as position p of line k. */
function toWgs84Into(position: unknown, crs: Crs, into: Float64Array, at: number, k: number, p: number, label?: string): void {
  if (
    !Array.isArray(position) ||
    position.length < 2 ||
    typeof position[0] !== 'number' ||
    typeof position[1] !== 'number' ||
    !Number.isFinite(position[0]) ||
    !Number.isFinite(position[1])
  ) {
    throw new Skip(
      'COORDINATE_NOT_FINITE',
      `${label ?? `line ${k} position ${p}`} is ${JSON.stringify(position)?.slice(0, 60)}: coordinates must be finite numbers`,
    );
  }
  const [x, y] = position as [number, number];
  if (crs.isGeographic && (Math.abs(x) > 180 || Math.abs(y) > 90)) {
    throw new Skip(
      'COORDINATES_LOOK_PROJECTED',
      `${label ?? `line ${k} position ${p}`} is (${x}, ${y}): metres in a lon/lat file? Pass the right --crs (e.g. EPSG:4548)`,
    );
  }
  crs.toWgs84(x, y, converted);
  const lon = converted[0]!;
  const lat = converted[1]!;
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    throw new Skip('COORDINATE_OUT_OF_RANGE', `${label ?? `line ${k} position ${p}`} (${x}, ${y}) in ${crs.id} is not on Earth: wrong --crs?`);
  }
  into[at] = lon;
  into[at + 1] = lat;
}

/** CJJ 61 fields a line lacks, as labels for the completeness report; one shared list per combination. */
function missingFields(values: Partial<Record<PipeField, AttributeValue>>): readonly string[] {
  let bits = 0;
  REQUIRED_LINE_FIELDS.forEach((fields, bit) => {
    if (fields.every((f) => values[f] === undefined)) bits |= 1 << bit;
  });
  return (MISSING_LISTS[bits] ??= REQUIRED_LINE_FIELDS.filter((_, bit) => (bits & (1 << bit)) !== 0).map((fields) => fields.join('|')));
}

const MISSING_LISTS: (readonly string[])[] = [];
