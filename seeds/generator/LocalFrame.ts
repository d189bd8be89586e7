import { metresPerDegree } from '../../workers/geometry/geodesy.js';

/** A local metric frame (east, north metres) around a point: fine for a 10 km district. */
export class LocalFrame {
  private readonly scale: { lon: number; lat: number };

  constructor(
    readonly lon0: number,
    readonly lat0: number,
  ) {
    this.scale = metresPerDegree(lat0);
  }

  toLonLat(x: number, y: number): [number, number] {
    return [round(this.lon0 + x / this.scale.lon), round(this.lat0 + y / this.scale.lat)];
  }

  fromLonLat(lon: number, lat: number): [number, number] {
    return [(lon - this.lon0) * this.scale.lon, (lat - this.lat0) * this.scale.lat];
  }
}

/** 1e-7 degrees (~1 cm): compact, stable output. */
function round(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}
