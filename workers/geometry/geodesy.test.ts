import { describe, expect, it } from 'vitest';
import { ecefFromDegrees, enuToEcefMatrix, geodeticFromEcef, invertRigid, multiplyMatrices } from './geodesy.js';

describe('geodesy', () => {
  it('converts a known point to ECEF (Greenwich, equator) and back', () => {
    const out = new Float64Array(3);
    ecefFromDegrees(0, 0, 0, out);
    expect(out[0]).toBeCloseTo(6378137, 6);
    ecefFromDegrees(117.2, 39.1, 35, out);
    const [lon, lat, h] = geodeticFromEcef(out[0]!, out[1]!, out[2]!);
    expect(lon).toBeCloseTo(117.2, 10);
    expect(lat).toBeCloseTo(39.1, 10);
    expect(h).toBeCloseTo(35, 6);
  });
  it('builds an ENU frame whose inverse undoes it', () => {
    const m = enuToEcefMatrix(117.2, 39.1, 0);
    const identity = multiplyMatrices(invertRigid(m), m);
    for (let i = 0; i < 16; i++) expect(identity[i]).toBeCloseTo(i % 5 === 0 ? 1 : 0, 9);
    // The frame's up axis is the ellipsoid normal: z column has lat's sine as its z.
    expect(m[10]).toBeCloseTo(Math.sin((39.1 * Math.PI) / 180), 12);
  });
});
