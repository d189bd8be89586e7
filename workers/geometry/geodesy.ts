// WGS84 ellipsoid maths shared by the pipeline (Node) and the viewer's workers.
// Pure functions on numbers and typed arrays; SI units (metres, radians) unless the name says degrees.

export const WGS84_A = 6378137.0;
export const WGS84_F = 1 / 298.257223563;
const E2 = WGS84_F * (2 - WGS84_F);
const DEG = Math.PI / 180;

/** Geodetic (lon, lat in degrees, height in metres) to Earth-centred Earth-fixed metres. */
export function ecefFromDegrees(lonDeg: number, latDeg: number, height: number, out: Float64Array, offset = 0): void {
  const lon = lonDeg * DEG;
  const lat = latDeg * DEG;
  const sinLat = Math.sin(lat);
  const cosLat = Math.cos(lat);
  const n = WGS84_A / Math.sqrt(1 - E2 * sinLat * sinLat);
  out[offset] = (n + height) * cosLat * Math.cos(lon);
  out[offset + 1] = (n + height) * cosLat * Math.sin(lon);
  out[offset + 2] = (n * (1 - E2) + height) * sinLat;
}

/**
 * Column-major 4x4 matrix from a local east-north-up frame at (lon, lat, height) to ECEF,
 * the same matrix as Cesium's Transforms.eastNorthUpToFixedFrame.
 */
export function enuToEcefMatrix(lonDeg: number, latDeg: number, height: number): Float64Array {
  const lon = lonDeg * DEG;
  const lat = latDeg * DEG;
  const sinLon = Math.sin(lon);
  const cosLon = Math.cos(lon);
  const sinLat = Math.sin(lat);
  const cosLat = Math.cos(lat);
  const origin = new Float64Array(3);
  ecefFromDegrees(lonDeg, latDeg, height, origin);
  // prettier-ignore
  return new Float64Array([
    -sinLon, cosLon, 0, 0,
    -sinLat * cosLon, -sinLat * sinLon, cosLat, 0,
    cosLat * cosLon, cosLat * sinLon, sinLat, 0,
    origin[0]!, origin[1]!, origin[2]!, 1,
  ]);
}

/** Inverse of a rigid (rotation + translation) column-major matrix. */
export function invertRigid(m: Float64Array): Float64Array {
  const r = new Float64Array(16);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) r[j * 4 + i] = m[i * 4 + j]!;
  const tx = m[12]!;
  const ty = m[13]!;
  const tz = m[14]!;
  r[12] = -(r[0]! * tx + r[4]! * ty + r[8]! * tz);
  r[13] = -(r[1]! * tx + r[5]! * ty + r[9]! * tz);
  r[14] = -(r[2]! * tx + r[6]! * ty + r[10]! * tz);
  r[15] = 1;
  return r;
}

/** a x b for column-major 4x4 matrices. */
export function multiplyMatrices(a: Float64Array, b: Float64Array): Float64Array {
  const r = new Float64Array(16);
  for (let col = 0; col < 4; col++) {
    for (let row = 0; row < 4; row++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += a[k * 4 + row]! * b[col * 4 + k]!;
      r[col * 4 + row] = sum;
    }
  }
  return r;
}

/**
 * Converts geodetic positions (lon/lat degrees, height metres; stride 3) into a local ENU frame
 * given by its inverse matrix (ECEF -> ENU). Exact, no map projection involved.
 */
export function geodeticToLocal(geodetic: Float64Array, ecefToLocal: Float64Array, out: Float64Array): void {
  const ecef = new Float64Array(3);
  const m = ecefToLocal;
  for (let i = 0; i < geodetic.length; i += 3) {
    ecefFromDegrees(geodetic[i]!, geodetic[i + 1]!, geodetic[i + 2]!, ecef);
    const x = ecef[0]!;
    const y = ecef[1]!;
    const z = ecef[2]!;
    out[i] = m[0]! * x + m[4]! * y + m[8]! * z + m[12]!;
    out[i + 1] = m[1]! * x + m[5]! * y + m[9]! * z + m[13]!;
    out[i + 2] = m[2]! * x + m[6]! * y + m[10]! * z + m[14]!;
  }
}

/**
 * Metres per degree of longitude and latitude at a latitude on WGS84 (series to cm/km level),
 * for local frames, tolerances and plausibility checks; never for placing geometry.
 */
export function metresPerDegree(latDeg: number): { lon: number; lat: number } {
  const lat = latDeg * DEG;
  return {
    lon: 111412.84 * Math.cos(lat) - 93.5 * Math.cos(3 * lat) + 0.118 * Math.cos(5 * lat),
    lat: 111132.954 - 559.822 * Math.cos(2 * lat) + 1.175 * Math.cos(4 * lat),
  };
}

/** ECEF metres to geodetic [lon degrees, lat degrees, height metres] (Bowring, iterated). */
export function geodeticFromEcef(x: number, y: number, z: number): [number, number, number] {
  const lon = Math.atan2(y, x);
  const p = Math.hypot(x, y);
  let lat = Math.atan2(z, p * (1 - E2));
  let height = 0;
  for (let i = 0; i < 6; i++) {
    const sinLat = Math.sin(lat);
    const n = WGS84_A / Math.sqrt(1 - E2 * sinLat * sinLat);
    height = p / Math.cos(lat) - n;
    lat = Math.atan2(z, p * (1 - (E2 * n) / (n + height)));
  }
  return [lon / DEG, lat / DEG, height];
}
