import { WGS84_A, WGS84_F } from '../geometry/geodesy.js';

const E2 = WGS84_F * (2 - WGS84_F);
const DEG = Math.PI / 180;

/**
 * A flat plane in metres around a reference point (east x, north y), scaled by the WGS84
 * ellipsoid's radii of curvature at the reference latitude. Over a district (±10 km) distances
 * are off by less than 0.1 %, which is what routing and area queries need; exact geodesy is
 * in workers/geometry/geodesy.ts.
 */
export class LocalPlane {
  readonly metresPerDegreeLon: number;
  readonly metresPerDegreeLat: number;

  constructor(
    readonly originLon: number,
    readonly originLat: number,
  ) {
    if (!Number.isFinite(originLon) || !Number.isFinite(originLat) || Math.abs(originLat) > 89)
      throw new RangeError(`LocalPlane: origin (${originLon}, ${originLat}) is not a usable longitude/latitude`);
    const sinLat = Math.sin(originLat * DEG);
    const w = Math.sqrt(1 - E2 * sinLat * sinLat);
    const primeVertical = WGS84_A / w;
    const meridional = (WGS84_A * (1 - E2)) / (w * w * w);
    this.metresPerDegreeLon = primeVertical * Math.cos(originLat * DEG) * DEG;
    this.metresPerDegreeLat = meridional * DEG;
  }

  /** A plane centred on the bounding box of the given coordinates. */
  static around(lon: ArrayLike<number>, lat: ArrayLike<number>): LocalPlane {
    let minLon = Infinity;
    let maxLon = -Infinity;
    let minLat = Infinity;
    let maxLat = -Infinity;
    for (let i = 0; i < lon.length; i++) {
      minLon = Math.min(minLon, lon[i]!);
      maxLon = Math.max(maxLon, lon[i]!);
      minLat = Math.min(minLat, lat[i]!);
      maxLat = Math.max(maxLat, lat[i]!);
    }
    if (lon.length === 0) throw new RangeError('LocalPlane.around: no coordinates');
    return new LocalPlane((minLon + maxLon) / 2, (minLat + maxLat) / 2);
  }

  x(lon: number): number {
    return (lon - this.originLon) * this.metresPerDegreeLon;
  }

  y(lat: number): number {
    return (lat - this.originLat) * this.metresPerDegreeLat;
  }

  lon(x: number): number {
    return this.originLon + x / this.metresPerDegreeLon;
  }

  lat(y: number): number {
    return this.originLat + y / this.metresPerDegreeLat;
  }
}
