/**
 * Where an on-street berth group is drawn: a short line along the kerb — through the site's
 * point, parallel to the nearest road segment — as long as its berths parked end to end
 * (6 m a berth, 12 to 80 m). Pure: road lines and points in degrees in, lines in degrees out.
 * A grid of ~100 m cells keeps it linear for 1,330 groups and a district's roads.
 */

export interface KerbLine {
  /** [lon, lat] of the two ends. */
  from: [number, number];
  to: [number, number];
  /** Metres from the site's point to the road's centre line. */
  offsetMetres: number;
}

const METRES_PER_DEGREE = 111_320;
const BERTH_METRES = 6;

export function kerbLines(
  roads: readonly (readonly (readonly number[])[])[],
  sites: readonly { lon: number; lat: number; capacity: number }[],
  searchMetres = 60,
): (KerbLine | undefined)[] {
  if (sites.length === 0) return [];
  const lat0 = sites.reduce((sum, s) => sum + s.lat, 0) / sites.length;
  const kx = METRES_PER_DEGREE * Math.cos((lat0 * Math.PI) / 180);
  const ky = METRES_PER_DEGREE;
  const cell = Math.max(searchMetres, 50);
  // Segments as x0,y0,x1,y1 in metres (relative to lon 0 / lat 0 scaled: differences are what count).
  const segments: number[] = [];
  const grid = new Map<string, number[]>();
  const keyOf = (x: number, y: number): string => `${Math.floor(x / cell)},${Math.floor(y / cell)}`;
  for (const line of roads)
    for (let k = 1; k < line.length; k++) {
      const a = line[k - 1]!;
      const b = line[k]!;
      const x0 = a[0]! * kx,
        y0 = a[1]! * ky,
        x1 = b[0]! * kx,
        y1 = b[1]! * ky;
      const s = segments.length / 4;
      segments.push(x0, y0, x1, y1);
      const cx0 = Math.floor(Math.min(x0, x1) / cell),
        cx1 = Math.floor(Math.max(x0, x1) / cell),
        cy0 = Math.floor(Math.min(y0, y1) / cell),
        cy1 = Math.floor(Math.max(y0, y1) / cell);
      for (let cx = cx0; cx <= cx1; cx++)
        for (let cy = cy0; cy <= cy1; cy++) {
          const key = `${cx},${cy}`;
          const list = grid.get(key);
          if (list) list.push(s);
          else grid.set(key, [s]);
        }
    }
  return sites.map((site) => {
    const px = site.lon * kx;
    const py = site.lat * ky;
    let best = -1;
    let bestDistance = searchMetres;
    const [gx, gy] = keyOf(px, py).split(',').map(Number) as [number, number];
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (const s of grid.get(`${gx + dx},${gy + dy}`) ?? []) {
          const d = distanceToSegment(px, py, segments, s);
          if (d < bestDistance) {
            bestDistance = d;
            best = s;
          }
        }
    if (best < 0) return undefined;
    const ux = segments[best * 4 + 2]! - segments[best * 4]!;
    const uy = segments[best * 4 + 3]! - segments[best * 4 + 1]!;
    const length = Math.hypot(ux, uy);
    if (length === 0) return undefined;
    const half = Math.min(80, Math.max(12, site.capacity * BERTH_METRES)) / 2;
    const ex = ((ux / length) * half) / kx;
    const ey = ((uy / length) * half) / ky;
    return { from: [site.lon - ex, site.lat - ey], to: [site.lon + ex, site.lat + ey], offsetMetres: bestDistance };
  });
}

function distanceToSegment(px: number, py: number, segments: readonly number[], s: number): number {
  const x0 = segments[s * 4]!,
    y0 = segments[s * 4 + 1]!,
    x1 = segments[s * 4 + 2]!,
    y1 = segments[s * 4 + 3]!;
  const dx = x1 - x0,
    dy = y1 - y0;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / lengthSquared));
  return Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy));
}
