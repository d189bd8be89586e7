/** Surface semantics carried per vertex (CityJSON semantic surface types we keep). */
export const SURFACE_TYPES = ['RoofSurface', 'WallSurface', 'GroundSurface', 'OtherSurface'] as const;
export type SurfaceType = (typeof SURFACE_TYPES)[number];
export const ROOF = 0;
export const WALL = 1;
export const GROUND = 2;
export const OTHER_SURFACE = 3;

/**
 * Growable, flat-shaded triangle mesh for one tile: float positions in local metres,
 * unit normals, a feature id and a surface type per vertex, 32-bit indices.
 */
export class MeshAccumulator {
  positions: Float32Array;
  normals: Float32Array;
  featureIds: Uint32Array;
  surfaces: Uint8Array;
  /** RGBA per vertex, written to the tile only when `hasColors` (pipes: CJJ 61 colours). */
  colors: Uint8Array;
  hasColors = false;
  /** Colour given to the vertices appended from now on. */
  private rgba = [255, 255, 255, 255];
  indices: Uint32Array;
  vertexCount = 0;
  indexCount = 0;

  /** `expectedVertices`: a size estimate, to grow (and copy) less often. */
  constructor(expectedVertices = 1024) {
    const n = Math.max(16, expectedVertices);
    this.positions = new Float32Array(3 * n);
    this.normals = new Float32Array(3 * n);
    this.featureIds = new Uint32Array(n);
    this.surfaces = new Uint8Array(n);
    this.colors = new Uint8Array(4 * n);
    this.indices = new Uint32Array(3 * n);
  }

  reserve(extraVertices: number, extraIndices: number): void {
    const needV = this.vertexCount + extraVertices;
    if (needV > this.featureIds.length) {
      const cap = Math.max(needV, this.featureIds.length * 2);
      this.positions = grow(this.positions, cap * 3);
      this.normals = grow(this.normals, cap * 3);
      this.featureIds = grow(this.featureIds, cap);
      this.surfaces = grow(this.surfaces, cap);
      this.colors = grow(this.colors, cap * 4);
    }
    const needI = this.indexCount + extraIndices;
    if (needI > this.indices.length) this.indices = grow(this.indices, Math.max(needI, this.indices.length * 2));
  }

  /** Appends a vertex (caller reserved room) and returns its index. */
  vertex(x: number, y: number, z: number, nx: number, ny: number, nz: number, featureId: number, surface: number): number {
    const v = this.vertexCount++;
    const p = v * 3;
    this.positions[p] = x;
    this.positions[p + 1] = y;
    this.positions[p + 2] = z;
    this.normals[p] = nx;
    this.normals[p + 1] = ny;
    this.normals[p + 2] = nz;
    this.featureIds[v] = featureId;
    this.surfaces[v] = surface;
    const c = v * 4;
    this.colors[c] = this.rgba[0]!;
    this.colors[c + 1] = this.rgba[1]!;
    this.colors[c + 2] = this.rgba[2]!;
    this.colors[c + 3] = this.rgba[3]!;
    return v;
  }

  /** Sets the colour of the vertices that follow, and turns vertex colours on. */
  setColor(r: number, g: number, b: number, a = 255): void {
    this.rgba = [r, g, b, a];
    this.hasColors = true;
  }

  triangle(a: number, b: number, c: number): void {
    const i = this.indexCount;
    this.indices[i] = a;
    this.indices[i + 1] = b;
    this.indices[i + 2] = c;
    this.indexCount = i + 3;
  }
}

function grow<T extends Float32Array | Uint32Array | Uint8Array>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array);
  return next;
}
