/** What building one tile's content produced. */
export interface TileContentResult {
  glb: Uint8Array;
  features: number;
  vertices: number;
  triangles: number;
  /** Lowest and highest point of the content, metres above the ellipsoid. */
  minHeight: number;
  maxHeight: number;
}
