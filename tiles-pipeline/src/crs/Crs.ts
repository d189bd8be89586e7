/** A coordinate reference system the pipeline can read, with its conversion to WGS84 lon/lat. */
export interface Crs {
  /** Stable, human-readable identifier, e.g. "EPSG:4548" or "GCJ02". */
  readonly id: string;
  readonly isGeographic: boolean;
  /** Converts one (x, y) in this CRS into WGS84 [lon, lat] degrees, written to `out`. */
  toWgs84(x: number, y: number, out: Float64Array): void;
}
