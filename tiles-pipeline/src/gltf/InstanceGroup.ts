/**
 * Copies of one unit solid (a vertical cylinder of radius 1 from z = 0 to 1) in a tile:
 * per instance a translation (its base, tile-local metres, z up), a scale (radius, radius,
 * height) and a feature id into the tile's property table. One group per colour and surface.
 */
export interface InstanceGroup {
  rgb: readonly [number, number, number];
  /** Surface type of the solid's vertices (wall, roof = cover). */
  surface: number;
  translations: Float32Array;
  scales: Float32Array;
  featureIds: Float32Array;
}
