/**
 * footprints.json: every building of a buildings tileset as a footprint and its base and top
 * heights — what the planner's building tools (height limit, sunlight, viewshed) analyse, without
 * reading geometry back from the tiles. Columnar (one array per field) so it stays compact and
 * parses straight into typed arrays. Written beside tileset.json and search-index.json by the
 * pipeline (tiles-pipeline/src/buildings/BuildingFootprintsWriter.ts), read by the planning
 * worker (`planning.loadBuildings`, through `buildingFootprintsFromDocument`).
 *
 * Rings are open (the last point is not the first repeated), lon/lat in degrees (7 decimals).
 * A building has one or more rings: each polygon's outer ring, then its holes (`holes[r] = 1`).
 * Heights are metres in the tiles' vertical reference: footprints stand on their ground at 0, so
 * `top` is the building's height above the ground; a 3D model keeps its own elevations.
 */
export interface BuildingFootprintsDocument {
  format: 'cim-twin-building-footprints';
  version: 1;
  count: number;
  /** Feature ids, equal to the tiles' `id` property and search-index.json's. */
  ids: string[];
  /** Bottom and top of each building, metres. */
  base: number[];
  top: number[];
  /** Building b's rings are ringOffsets[b] … ringOffsets[b + 1] − 1 (count + 1 entries). */
  ringOffsets: number[];
  /** Ring r's points are pointOffsets[r] … pointOffsets[r + 1] − 1 (rings + 1 entries). */
  pointOffsets: number[];
  /** 1 where the ring is a hole of the outer ring before it, else 0 (one per ring). */
  holes: number[];
  /** lon, lat pairs of every point, ring after ring. */
  lonLat: number[];
}

export const BUILDING_FOOTPRINTS_FORMAT = 'cim-twin-building-footprints';
/** The file's name in the tileset folder. */
export const BUILDING_FOOTPRINTS_FILE = 'footprints.json';

/** The document's columns as typed arrays: what moves into the planning worker (on the transfer list). */
export interface BuildingFootprints {
  count: number;
  ids: string[];
  base: Float64Array;
  top: Float64Array;
  ringOffsets: Uint32Array;
  pointOffsets: Uint32Array;
  holes: Uint8Array;
  lonLat: Float64Array;
}

/** Thrown for a document that is not a footprint document of a version this code reads, or whose columns disagree. */
export class BuildingFootprintsError extends Error {
  override name = 'BuildingFootprintsError';
}

/** Checks a parsed footprints.json and turns its columns into typed arrays. */
export function buildingFootprintsFromDocument(value: unknown): BuildingFootprints {
  const d = value as Partial<BuildingFootprintsDocument> | null;
  if (!d || typeof d !== 'object' || d.format !== BUILDING_FOOTPRINTS_FORMAT) {
    throw new BuildingFootprintsError(`not a building footprint document (format "${String(d?.format)}", expected "${BUILDING_FOOTPRINTS_FORMAT}")`);
  }
  if (d.version !== 1) throw new BuildingFootprintsError(`footprint document version ${String(d.version)} is not supported (this viewer reads version 1)`);
  const count = d.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw new BuildingFootprintsError(`count ${String(count)} is not a whole number`);
  const column = (name: keyof BuildingFootprintsDocument, length: number): unknown[] => {
    const c = d[name];
    if (!Array.isArray(c) || c.length !== length)
      throw new BuildingFootprintsError(`${name} has ${Array.isArray(c) ? c.length : 'no'} entries, expected ${length}`);
    return c;
  };
  const ids = column('ids', count).map(String);
  const base = Float64Array.from(column('base', count) as number[]);
  const top = Float64Array.from(column('top', count) as number[]);
  const ringOffsets = Uint32Array.from(column('ringOffsets', count + 1) as number[]);
  const rings = ringOffsets[count]!;
  const pointOffsets = Uint32Array.from(column('pointOffsets', rings + 1) as number[]);
  const holes = Uint8Array.from(column('holes', rings) as number[]);
  const lonLat = Float64Array.from(column('lonLat', pointOffsets[rings]! * 2) as number[]);
  for (let b = 0; b < count; b++) {
    if (!(ringOffsets[b + 1]! > ringOffsets[b]!)) throw new BuildingFootprintsError(`building ${ids[b]} has no ring`);
    if (!(top[b]! > base[b]!)) throw new BuildingFootprintsError(`building ${ids[b]}: top ${top[b]} m is not above its base ${base[b]} m`);
  }
  for (let r = 0; r < rings; r++) {
    if (!(pointOffsets[r + 1]! - pointOffsets[r]! >= 3)) throw new BuildingFootprintsError(`ring ${r} has fewer than 3 points`);
  }
  for (const v of lonLat) if (!Number.isFinite(v)) throw new BuildingFootprintsError('lonLat holds a value that is not a finite number');
  return { count, ids, base, top, ringOffsets, pointOffsets, holes, lonLat };
}

/** The typed arrays' buffers: the transfer list of `planning.loadBuildings`. */
export function buildingFootprintsBuffers(footprints: BuildingFootprints): ArrayBuffer[] {
  const { base, top, ringOffsets, pointOffsets, holes, lonLat } = footprints;
  return [base, top, ringOffsets, pointOffsets, holes, lonLat].map((a) => a.buffer as ArrayBuffer);
}
