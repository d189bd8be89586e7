import { describe, expect, it } from 'vitest';
import { CrsError } from './CrsError.js';
import { resolveCrs } from './resolveCrs.js';

const out = new Float64Array(2);
const convert = (crs: string, x: number, y: number): [number, number] => {
  resolveCrs(crs).toWgs84(x, y, out);
  return [out[0]!, out[1]!];
};

describe('resolveCrs', () => {
  // GRS80 meridian arc length from the equator (Helmert series), independent of proj4.
  const a = 6378137;
  const e2 = 0.0066943800229;
  const meridianArc = (latDeg: number): number => {
    const p = (latDeg * Math.PI) / 180;
    const e4 = e2 * e2,
      e6 = e4 * e2;
    return (
      a *
      ((1 - e2 / 4 - (3 * e4) / 64 - (5 * e6) / 256) * p -
        ((3 * e2) / 8 + (3 * e4) / 32 + (45 * e6) / 1024) * Math.sin(2 * p) +
        ((15 * e4) / 256 + (45 * e6) / 1024) * Math.sin(4 * p) -
        ((35 * e6) / 3072) * Math.sin(6 * p))
    );
  };

  it('CGCS2000 3-degree Gauss-Krüger CM 117E (EPSG:4548): on the central meridian northing is the meridian arc', () => {
    const [lon, lat] = convert('EPSG:4548', 500000, meridianArc(39.1));
    expect(lon).toBeCloseTo(117, 9);
    expect(lat).toBeCloseTo(39.1, 7);
  });
  it('EPSG:4548 1 km east of the meridian: 1000 m / (N cos φ) of longitude', () => {
    const lat0 = 39.1;
    const s = Math.sin((lat0 * Math.PI) / 180);
    const n = a / Math.sqrt(1 - e2 * s * s);
    const [lon] = convert('EPSG:4548', 501000, meridianArc(lat0));
    expect(lon).toBeCloseTo(117 + ((1000 / (n * Math.cos((lat0 * Math.PI) / 180))) * 180) / Math.PI, 6);
  });
  it('6-degree zone with zone prefix (EPSG:4498, zone 20, CM 117E) and without (EPSG:4508, CM 111E)', () => {
    expect(convert('EPSG:4498', 20500000, meridianArc(39.1))).toEqual([expect.closeTo(117, 9), expect.closeTo(39.1, 7)]);
    expect(convert('EPSG:4508', 500000, meridianArc(30))).toEqual([expect.closeTo(111, 9), expect.closeTo(30, 7)]);
  });
  it('3-degree zone with zone prefix (EPSG:4527, zone 39)', () => {
    const [lon] = convert('EPSG:4527', 39500000, 4330000);
    expect(lon).toBeCloseTo(117, 9);
  });
  it('RD New (EPSG:28992 and compound EPSG:7415): Amersfoort origin in WGS84', () => {
    for (const code of ['EPSG:28992', 'EPSG:7415', 'https://www.opengis.net/def/crs/EPSG/0/7415']) {
      const [lon, lat] = convert(code, 155000, 463000);
      expect(lon).toBeCloseTo(5.38720621, 4);
      expect(lat).toBeCloseTo(52.1551744, 4);
    }
  });
  it('GCJ-02 back to WGS84: Tianjin offset of a few hundred metres, round trip within a metre', () => {
    const [lon, lat] = convert('GCJ02', 117.2, 39.1);
    // GCJ-02 here is ~0.006° east and ~0.0013° north of WGS84.
    expect(117.2 - lon).toBeGreaterThan(0.005);
    expect(117.2 - lon).toBeLessThan(0.008);
    expect(39.1 - lat).toBeGreaterThan(0.0005);
    expect(39.1 - lat).toBeLessThan(0.002);
  });
  it('WGS84 spellings and WKT with an EPSG authority', () => {
    for (const spec of ['CRS84', 'EPSG:4326', 'urn:ogc:def:crs:OGC:1.3:CRS84', 'urn:ogc:def:crs:EPSG::4326', '4490', 'CGCS2000']) {
      expect(convert(spec, 117.2, 39.1)).toEqual([expect.closeTo(117.2, 9), expect.closeTo(39.1, 9)]);
    }
    const wkt =
      'PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 117E",GEOGCS["China Geodetic Coordinate System 2000"],PROJECTION["Transverse_Mercator"],AUTHORITY["EPSG","4548"]]';
    expect(resolveCrs(wkt).id).toBe('EPSG:4548');
  });
  it('refuses what it cannot know, with a hint', () => {
    expect(() => resolveCrs('EPSG:999999')).toThrow(CrsError);
    expect(() => resolveCrs('Beijing54-ish')).toThrow(/--crs/);
    expect(() => resolveCrs('')).toThrow(CrsError);
  });
});

describe('resolveCrs: proj4 strings are checked, not taken on trust', () => {
  it('refuses parameters proj4js would read as NaN or replace with a default', () => {
    for (const [spec, message] of [
      ['+proj=tmerc +k=abc', /\+k=abc is not a number/],
      ['+proj=tmerc +lon_0=117x +x_0=500000', /\+lon_0=117x is not a number/],
      ['+proj=tmerc +lat_0=95', /\+lat_0=95 is out of range/],
      ['+proj=tmerc +k=0', /\+k=0 is out of range/],
      ['+proj=utm +zone=abc', /\+zone=abc is not a UTM zone/],
      ['+proj=tmerc +towgs84=1,2,x', /\+towgs84=1,2,x/],
      ['+proj=tmerc +ellps=GRS8O', /\+ellps=GRS8O is not a known ellps/],
      ['+proj=tmerc +datum=xyz', /\+datum=xyz is not a known datum/],
      ['+proj=tmerc +units=furlong', /\+units=furlong is not a known units/],
      ['+proj=tmerc +pm=atlantis', /\+pm=atlantis/],
      ['+proj=tmerc lon_0=117', /is not a \+parameter/],
    ] as const) {
      expect(() => resolveCrs(spec), spec).toThrow(CrsError);
      expect(() => resolveCrs(spec), spec).toThrow(message);
    }
  });
  it('accepts well-formed strings, names matched as proj4js matches them, and every EPSG definition it uses', () => {
    expect(convert('+proj=tmerc +lon_0=117 +k=1 +x_0=500000 +ellps=GRS80 +units=m +no_defs +type=crs', 500000, 0)[0]).toBeCloseTo(117, 9);
    expect(() => resolveCrs('+proj=utm +zone=50 +datum=WGS84 +units=m +south')).not.toThrow();
    expect(() => resolveCrs('+proj=tmerc +lon_0=117 +ellps=krass +towgs84=15.8,-154.4,-82.3 +pm=greenwich')).not.toThrow();
    for (const code of ['EPSG:4548', 'EPSG:4498', 'EPSG:2385', 'EPSG:32650', 'EPSG:3857', 'EPSG:28992', 'EPSG:5514', 'EPSG:2056'])
      expect(() => resolveCrs(code), code).not.toThrow();
  });
});
