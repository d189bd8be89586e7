import { booleanPointInPolygon, point as turfPoint } from '@turf/turf';
import type { Feature, Polygon, Position } from 'geojson';
import { resolveCrs } from '../../tiles-pipeline/src/index.js';
import { LocalFrame } from './LocalFrame.js';
import { Random } from '../../workers/random/Random.js';
import {
  CHANGHONG_PARK,
  COMMUNITIES,
  EAST_WEST_ARTERIALS,
  GRID_ANGLE,
  LANDMARKS,
  LOCAL_STREETS,
  NORTH_SOUTH_ARTERIALS,
  SEED,
  WATER_PARK,
  WEIJIN_RIVER,
  ZONES,
  type Zone,
} from './nankaiPlan.js';

/** A building footprint in the local frame (metres) with its attributes. */
export interface GeneratedBuilding {
  rings: [number, number][][];
  properties: {
    id: string;
    name: string;
    address: string;
    use: string;
    floors: number;
    height: number;
    min_height?: number;
    year: number;
    district: string;
    source: 'synthetic';
    name_en?: string;
  };
}

export interface GeneratedRoad {
  /** North-south roads run along v at constant u; east-west roads along u at constant v. */
  direction: 'ns' | 'ew';
  /** The road's grid coordinate (u for ns, v for ew) and the run along it, metres. */
  at: number;
  from: number;
  to: number;
  name: string;
  roadClass: 'arterial' | 'secondary' | 'local';
  width: number;
  line: [number, number][];
}

export interface GeneratedArea {
  kind: 'water' | 'green' | 'playground';
  name: string;
  ring: [number, number][];
}

export interface GeneratedDistrict {
  frame: LocalFrame;
  boundary: Position[];
  buildings: GeneratedBuilding[];
  roads: GeneratedRoad[];
  areas: GeneratedArea[];
  landmarks: { name: string; nameEn: string; kind: string; lon: number; lat: number; height: number }[];
  /** Grid rotation (radians): grid (u, v) to local (x, y) is a rotation by this angle. */
  gridAngle: number;
  /** Centres of the named zones' blocks by kind (for points of interest). */
  schools: [number, number][];
}

const ARTERIAL_WIDTH = 40;
const SECONDARY_WIDTH = 24;
const LOCAL_WIDTH = 14;

/**
 * Generates the synthetic Nankai district inside the real district outline (GCJ-02 → WGS84
 * through the pipeline's own CRS support): a rotated street grid with real street names,
 * blocks typed by zone, buildings per block type, water and green space. Deterministic.
 */
export function generateNankai(boundaryGcj02: Position[]): GeneratedDistrict {
  const random = new Random(SEED);
  const gcj = resolveCrs('GCJ02');
  const out = new Float64Array(2);
  const boundary = boundaryGcj02.map(([lon, lat]) => {
    gcj.toWgs84(lon!, lat!, out);
    return [round7(out[0]!), round7(out[1]!)];
  });
  const lons = boundary.map((p) => p[0]!);
  const lats = boundary.map((p) => p[1]!);
  const frame = new LocalFrame(round7((Math.min(...lons) + Math.max(...lons)) / 2), round7((Math.min(...lats) + Math.max(...lats)) / 2));
  const boundaryPolygon: Feature<Polygon> = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [boundary] } };
  const inside = (x: number, y: number): boolean => booleanPointInPolygon(turfPoint(frame.toLonLat(x, y)), boundaryPolygon);

  const angle = (GRID_ANGLE * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const toXY = (u: number, v: number): [number, number] => [u * cos - v * sin, u * sin + v * cos];
  const toUV = (x: number, y: number): [number, number] => [x * cos + y * sin, -x * sin + y * cos];

  // Extent of the district in grid coordinates.
  const uv = boundary.map(([lon, lat]) => toUV(...frame.fromLonLat(lon!, lat!)));
  const uMin = Math.min(...uv.map((p) => p[0])) - 50;
  const uMax = Math.max(...uv.map((p) => p[0])) + 50;
  const vMin = Math.min(...uv.map((p) => p[1])) - 50;
  const vMax = Math.max(...uv.map((p) => p[1])) + 50;

  // Grid lines: arterials every 650-850 m, split by 1-3 local streets.
  type GridLine = { at: number; name: string; roadClass: GeneratedRoad['roadClass']; width: number };
  let streetIndex = 0;
  const streetName = (): string => {
    const base = LOCAL_STREETS[streetIndex % LOCAL_STREETS.length]!;
    const round = Math.floor(streetIndex / LOCAL_STREETS.length);
    streetIndex++;
    return round === 0 ? base : `${base}${['', '二', '三', '四', '五'][round] ?? round}段`;
  };
  const gridLines = (from: number, to: number, arterials: string[]): GridLine[] => {
    const lines: GridLine[] = [];
    let at = from + random.range(100, 300);
    let arterial = 0;
    while (at < to) {
      lines.push({
        at,
        name: arterials[arterial % arterials.length]!,
        roadClass: arterial % 2 === 0 ? 'arterial' : 'secondary',
        width: arterial % 2 === 0 ? ARTERIAL_WIDTH : SECONDARY_WIDTH,
      });
      arterial++;
      const span = random.range(600, 800);
      const locals = random.int(1, 3);
      for (let k = 1; k <= locals; k++) {
        const localAt = at + (span * k) / (locals + 1) + random.range(-25, 25);
        if (localAt < to) lines.push({ at: localAt, name: streetName(), roadClass: 'local', width: LOCAL_WIDTH });
      }
      at += span;
    }
    return lines;
  };
  const uLines = gridLines(uMin, uMax, NORTH_SOUTH_ARTERIALS); // constant u: north-south roads
  const vLines = gridLines(vMin, vMax, EAST_WEST_ARTERIALS); // constant v: east-west roads

  const roads: GeneratedRoad[] = [];
  const clipLine = (line: GridLine, alongU: boolean): void => {
    const from = alongU ? vMin : uMin;
    const to = alongU ? vMax : uMax;
    let run: [number, number][] = [];
    let runFrom = 0;
    let runTo = 0;
    const flush = (): void => {
      if (run.length >= 2)
        roads.push({
          direction: alongU ? 'ns' : 'ew',
          at: line.at,
          from: runFrom,
          to: runTo,
          name: line.name,
          roadClass: line.roadClass,
          width: line.width,
          line: run,
        });
      run = [];
    };
    for (let t = from; t <= to; t += 25) {
      const [x, y] = alongU ? toXY(line.at, t) : toXY(t, line.at);
      if (inside(x, y)) {
        if (run.length === 0) runFrom = t;
        runTo = t;
        run.push([x, y]);
      } else flush();
    }
    flush();
  };
  uLines.forEach((line) => clipLine(line, true));
  vLines.forEach((line) => clipLine(line, false));

  // Water and green space.
  const areas: GeneratedArea[] = [];
  const ellipse = (lon: number, lat: number, rx: number, ry: number, wobble: number): [number, number][] => {
    const [cx, cy] = frame.fromLonLat(lon, lat);
    const ring: [number, number][] = [];
    const phase = random.range(0, Math.PI * 2);
    for (let i = 0; i < 48; i++) {
      const a = (i / 48) * Math.PI * 2;
      const r = 1 + wobble * Math.sin(3 * a + phase) + wobble * 0.5 * Math.cos(5 * a);
      ring.push([cx + Math.cos(a) * rx * r, cy + Math.sin(a) * ry * r]);
    }
    return ring;
  };
  for (const park of [WATER_PARK, CHANGHONG_PARK]) {
    areas.push({ kind: 'green', name: park.name, ring: ellipse(park.lon, park.lat, park.parkRadii[0]!, park.parkRadii[1]!, 0.05) });
    areas.push({ kind: 'water', name: `${park.name}湖`, ring: ellipse(park.lon, park.lat, park.lakeRadii[0]!, park.lakeRadii[1]!, 0.12) });
  }
  const river = riverPolygon(
    WEIJIN_RIVER.points.map(([lon, lat]) => frame.fromLonLat(lon, lat)),
    WEIJIN_RIVER.width,
  );
  areas.push({ kind: 'water', name: WEIJIN_RIVER.name, ring: river });
  // Green strips along the river.
  areas.push({
    kind: 'green',
    name: `${WEIJIN_RIVER.name}绿带`,
    ring: riverPolygon(
      WEIJIN_RIVER.points.map(([lon, lat]) => frame.fromLonLat(lon, lat)),
      WEIJIN_RIVER.width + 40,
    ),
  });

  const parkZones = [WATER_PARK, CHANGHONG_PARK].map((p) => ({ center: frame.fromLonLat(p.lon, p.lat), radii: p.parkRadii }));
  const inPark = (x: number, y: number): boolean =>
    parkZones.some(({ center, radii }) => ((x - center[0]) / radii[0]!) ** 2 + ((y - center[1]) / radii[1]!) ** 2 < 1.05);
  const riverPoints = WEIJIN_RIVER.points.map(([lon, lat]) => frame.fromLonLat(lon, lat));
  const nearRiver = (x: number, y: number): boolean => distanceToPolyline(x, y, riverPoints) < WEIJIN_RIVER.width / 2 + 25;

  const zoneAt = (x: number, y: number): Zone | undefined => {
    for (const zone of ZONES) {
      const [zx, zy] = frame.fromLonLat(zone.lon, zone.lat);
      if (Math.hypot(x - zx, y - zy) < zone.radius) return zone;
    }
    return undefined;
  };

  // Landmarks first: they claim their ground.
  const buildings: GeneratedBuilding[] = [];
  const occupied: [number, number, number, number][] = []; // x/y boxes that blocks must avoid
  let nextId = 1;
  const newId = (): string => `NK${String(nextId++).padStart(6, '0')}`;
  const landmarks: GeneratedDistrict['landmarks'] = [];
  for (const landmark of LANDMARKS) {
    const [cx, cy] = frame.fromLonLat(landmark.lon, landmark.lat);
    if (!inside(cx, cy)) continue;
    const ring: [number, number][] = landmark.radius
      ? Array.from({ length: 32 }, (_, i) => [
          cx + Math.cos((i / 32) * Math.PI * 2) * landmark.radius!,
          cy + Math.sin((i / 32) * Math.PI * 2) * landmark.radius!,
        ])
      : rectangle(cx, cy, landmark.size![0], landmark.size![1], angle);
    buildings.push({
      rings: [ring],
      properties: {
        id: newId(),
        name: landmark.name,
        name_en: landmark.nameEn,
        address: '',
        use: landmark.use,
        floors: landmark.floors,
        height: landmark.height,
        year: landmark.year,
        district: '南开区',
        source: 'synthetic',
      },
    });
    const r = landmark.radius ?? Math.max(...landmark.size!) / 2 + 10;
    occupied.push([cx - r - 15, cy - r - 15, cx + r + 15, cy + r + 15]);
    landmarks.push({ name: landmark.name, nameEn: landmark.nameEn, kind: landmark.use, lon: landmark.lon, lat: landmark.lat, height: landmark.height });
  }

  // Blocks between consecutive grid lines.
  const sortedU = [...uLines].sort((a, b) => a.at - b.at);
  const sortedV = [...vLines].sort((a, b) => a.at - b.at);
  let communityIndex = 0;
  const schools: [number, number][] = [];
  for (let i = 0; i + 1 < sortedU.length; i++) {
    for (let j = 0; j + 1 < sortedV.length; j++) {
      const west = sortedU[i]!,
        east = sortedU[i + 1]!,
        south = sortedV[j]!,
        north = sortedV[j + 1]!;
      const block = {
        u0: west.at + west.width / 2 + 8,
        u1: east.at - east.width / 2 - 8,
        v0: south.at + south.width / 2 + 8,
        v1: north.at - north.width / 2 - 8,
      };
      if (block.u1 - block.u0 < 40 || block.v1 - block.v0 < 40) continue;
      const [cx, cy] = toXY((block.u0 + block.u1) / 2, (block.v0 + block.v1) / 2);
      if (!inside(cx, cy) || inPark(cx, cy)) continue;
      const zone = zoneAt(cx, cy);
      const community = COMMUNITIES[communityIndex++ % COMMUNITIES.length]!;
      const addressRoad = random.chance(0.5) ? south.name : west.name;
      const footprints = layoutBlock(zone?.kind ?? (random.chance(0.05) ? 'school' : 'residential'), block, random);
      let number = 1;
      for (const footprint of footprints) {
        const rings = footprint.rings.map((ring) => ring.map(([u, v]) => toXY(u, v)));
        const outer = rings[0]!;
        if (!outer.every(([x, y]) => inside(x, y) && !inPark(x, y) && !nearRiver(x, y))) continue;
        if (outer.some(([x, y]) => occupied.some(([x0, y0, x1, y1]) => x >= x0 && x <= x1 && y >= y0 && y <= y1))) continue;
        const name =
          footprint.name ??
          (zone ? `${zone.name}${number}号楼` : footprint.use === 'residential' ? `${community}${number}号楼` : `${community}${useLabel(footprint.use)}`);
        buildings.push({
          rings,
          properties: {
            id: newId(),
            name,
            address: `天津市南开区${addressRoad}${number * 2 + (random.chance(0.5) ? 1 : 0)}号`,
            use: footprint.use,
            floors: footprint.floors,
            height: Math.round(footprint.height * 10) / 10,
            ...(footprint.minHeight !== undefined ? { min_height: footprint.minHeight } : {}),
            year: footprint.year,
            district: '南开区',
            source: 'synthetic',
          },
        });
        number++;
      }
      if (footprints.playground) schools.push([cx, cy]);
      if (footprints.playground) {
        const ring = footprints.playground.map(([u, v]) => toXY(u, v));
        if (ring.every(([x, y]) => inside(x, y))) areas.push({ kind: 'playground', name: `${community}学校操场`, ring });
      }
    }
  }
  plantMarkupCanary(buildings);
  return { frame, boundary, buildings, roads, areas, landmarks, gridAngle: angle, schools };
}

interface Footprint {
  rings: [number, number][][];
  use: string;
  floors: number;
  height: number;
  minHeight?: number;
  year: number;
  name?: string;
}

type BlockKind = Zone['kind'] | 'residential' | 'school';
type Block = { u0: number; u1: number; v0: number; v1: number };

/** Buildings for one block, in grid coordinates (u east-ish, v north-ish). */
function layoutBlock(kind: BlockKind, block: Block, random: Random): Footprint[] & { playground?: [number, number][] } {
  const result: Footprint[] & { playground?: [number, number][] } = [];
  const width = block.u1 - block.u0;
  const depth = block.v1 - block.v0;
  const box = (u: number, v: number, w: number, d: number): [number, number][] => [
    [u, v],
    [u + w, v],
    [u + w, v + d],
    [u, v + d],
  ];
  const storeyHeight = (use: string): number => (use === 'residential' ? 2.9 : use === 'commercial' || use === 'office' ? 4.2 : 3.8);
  const push = (ring: [number, number][], use: string, floors: number, year: number, extra: Partial<Footprint> = {}): void => {
    result.push({ rings: [ring], use, floors, height: floors * storeyHeight(use) + random.range(0.5, 2.5), year, ...extra });
  };

  switch (kind) {
    case 'residential': {
      const era = random.next();
      const modern = era < 0.35;
      const lane = era > 0.88; // old 里 lane housing: dense, 2-3 floors
      const year = modern ? random.int(2000, 2022) : lane ? random.int(1920, 1975) : random.int(1978, 1999);
      if (lane) {
        for (let v = block.v0; v + 8 <= block.v1; v += random.range(13, 16)) {
          for (let u = block.u0; u + 8 <= block.u1;) {
            const w = Math.min(random.range(9, 16), block.u1 - u);
            if (w >= 8) push(box(u, v, w, random.range(8, 10)), 'residential', random.int(2, 3), year);
            u += w + random.range(1.5, 3);
          }
        }
      } else if (modern) {
        // Point towers, 18-33 floors, sunlight spacing ~50 m between rows.
        const side = random.range(24, 32);
        for (let v = block.v0; v + side <= block.v1; v += side + random.range(40, 55)) {
          for (let u = block.u0; u + side <= block.u1; u += side + random.range(18, 30)) {
            push(lShape(u, v, side, side * random.range(0.7, 1), random), 'residential', random.int(18, 33), year);
          }
        }
      } else {
        // South-facing slabs, 5-7 floors, 60-70 m long, rows 22-28 m apart.
        const slabDepth = random.range(10.5, 13);
        for (let v = block.v0; v + slabDepth <= block.v1; v += slabDepth + random.range(20, 26)) {
          for (let u = block.u0; u + 30 <= block.u1;) {
            const length = Math.min(random.range(48, 72), block.u1 - u);
            if (length >= 30) push(box(u, v, length, slabDepth), 'residential', random.int(5, 7), year);
            u += length + random.range(8, 14);
          }
        }
      }
      // A few ancillary buildings (bike sheds, substations, shops) at the block edge.
      for (let k = 0; k < random.int(1, 4); k++) {
        const w = random.range(10, 18);
        const u = block.u0 + random.range(0, Math.max(0, width - w));
        push(box(u, block.v0 - 6, w, 5), random.chance(0.5) ? 'commercial' : 'public', random.int(1, 2), year);
      }
      break;
    }
    case 'campus': {
      // Teaching buildings with courtyards, laboratories, dormitories.
      for (let v = block.v0; v + 30 <= block.v1; v += random.range(55, 80)) {
        for (let u = block.u0; u + 30 <= block.u1;) {
          const w = Math.min(random.range(40, 95), block.u1 - u);
          const d = Math.min(random.range(25, 50), block.v1 - v);
          if (w >= 30) {
            const ring = box(u, v, w, d);
            const year = random.int(1955, 2020);
            if (w > 60 && d > 40) {
              const hole = box(u + 12, v + 12, w - 24, d - 24).reverse();
              const floors = random.int(4, 6);
              result.push({ rings: [ring, hole], use: 'education', floors, height: floors * 3.9 + 1.5, year });
            } else push(ring, random.chance(0.3) ? 'dormitory' : 'education', random.int(3, 9), year);
          }
          u += w + random.range(15, 30);
        }
      }
      break;
    }
    case 'commercial': {
      // Podiums with towers standing on them (min_height = the podium's roof).
      for (let v = block.v0; v + 50 <= block.v1; v += random.range(90, 120)) {
        for (let u = block.u0; u + 50 <= block.u1; u += random.range(90, 120)) {
          const w = random.range(60, 85);
          const d = random.range(45, 70);
          const podiumFloors = random.int(3, 5);
          const podiumHeight = podiumFloors * 5;
          const year = random.int(1995, 2021);
          push(box(u, v, w, d), 'commercial', podiumFloors, year, { height: podiumHeight });
          const side = random.range(28, 38);
          const floors = random.int(25, 55);
          result.push({
            rings: [box(u + (w - side) / 2, v + (d - side) / 2, side, side)],
            use: random.chance(0.5) ? 'office' : 'commercial',
            floors,
            height: podiumHeight + floors * 4,
            minHeight: podiumHeight,
            year,
          });
        }
      }
      break;
    }
    case 'oldtown': {
      // Dense low courtyard houses along lanes (古文化街).
      for (let v = block.v0; v + 12 <= block.v1; v += random.range(16, 22)) {
        for (let u = block.u0; u + 10 <= block.u1;) {
          const w = random.range(10, 20);
          push(
            box(u, v, Math.min(w, block.u1 - u), random.range(10, 14)),
            random.chance(0.7) ? 'commercial' : 'heritage',
            random.int(1, 3),
            random.int(1900, 1990),
          );
          u += w + random.range(2, 5);
        }
      }
      break;
    }
    case 'hospital': {
      const year = random.int(1985, 2018);
      push(box(block.u0 + 10, block.v0 + 10, Math.min(70, width - 20), 24), 'hospital', random.int(14, 22), year);
      push(box(block.u0 + 10, block.v0 + 50, Math.min(90, width - 20), Math.min(45, depth - 60)), 'hospital', 5, year);
      push(box(block.u0 + 10, block.v1 - 20, 30, 14), 'public', 2, year);
      break;
    }
    case 'school': {
      const year = random.int(1980, 2020);
      push(box(block.u0 + 5, block.v1 - 20, Math.min(70, width - 10), 16), 'school', random.int(4, 5), year);
      push(box(block.u0 + 5, block.v1 - 50, Math.min(40, width - 10), 14), 'school', random.int(3, 4), year);
      const trackW = Math.min(140, width - 20);
      const trackD = Math.min(80, depth - 70);
      if (trackW > 60 && trackD > 40) result.playground = box(block.u0 + 10, block.v0 + 5, trackW, trackD);
      break;
    }
  }
  return result;
}

/** A rectangle, sometimes with a corner notch (an L-shaped tower). */
function lShape(u: number, v: number, w: number, d: number, random: Random): [number, number][] {
  if (!random.chance(0.3))
    return [
      [u, v],
      [u + w, v],
      [u + w, v + d],
      [u, v + d],
    ];
  const nw = w * random.range(0.3, 0.45);
  const nd = d * random.range(0.3, 0.45);
  return [
    [u, v],
    [u + w, v],
    [u + w, v + d - nd],
    [u + w - nw, v + d - nd],
    [u + w - nw, v + d],
    [u, v + d],
  ];
}

function rectangle(cx: number, cy: number, w: number, d: number, angle: number): [number, number][] {
  const c = Math.cos(angle),
    s = Math.sin(angle);
  return [
    [-w / 2, -d / 2],
    [w / 2, -d / 2],
    [w / 2, d / 2],
    [-w / 2, d / 2],
  ].map(([u, v]) => [cx + u! * c - v! * s, cy + u! * s + v! * c]);
}

function riverPolygon(points: [number, number][], width: number): [number, number][] {
  // Densify with a smooth curve, then offset both banks.
  const dense: [number, number][] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [x0, y0] = points[i]!;
    const [x1, y1] = points[i + 1]!;
    for (let t = 0; t < 1; t += 0.1) dense.push([x0 + (x1 - x0) * t, y0 + (y1 - y0) * t]);
  }
  dense.push(points[points.length - 1]!);
  const left: [number, number][] = [];
  const right: [number, number][] = [];
  dense.forEach(([x, y], i) => {
    const [px, py] = dense[Math.max(0, i - 1)]!;
    const [nx, ny] = dense[Math.min(dense.length - 1, i + 1)]!;
    const dx = nx - px,
      dy = ny - py;
    const length = Math.hypot(dx, dy) || 1;
    const ox = (-dy / length) * (width / 2),
      oy = (dx / length) * (width / 2);
    left.push([x + ox, y + oy]);
    right.push([x - ox, y - oy]);
  });
  return [...right, ...left.reverse()];
}

function distanceToPolyline(x: number, y: number, points: [number, number][]): number {
  let best = Infinity;
  for (let i = 0; i + 1 < points.length; i++) {
    const [x0, y0] = points[i]!;
    const [x1, y1] = points[i + 1]!;
    const dx = x1 - x0,
      dy = y1 - y0;
    const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)));
    best = Math.min(best, Math.hypot(x - (x0 + t * dx), y - (y0 + t * dy)));
  }
  return best;
}

function useLabel(use: string): string {
  return (
    {
      commercial: '商铺',
      public: '配套用房',
      school: '学校',
      hospital: '医院',
      office: '写字楼',
      dormitory: '宿舍楼',
      education: '教学楼',
      heritage: '文保建筑',
    }[use] ?? '配套用房'
  );
}

function round7(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}

/**
 * One ordinary building's name and address carry HTML/script markup, as real survey tables
 * sometimes do (pasted text, or an attack): the viewer must show them as text. Listed in the
 * seeds README; the browser tests search for it and open its info panel.
 */
export const MARKUP_CANARY_NAME = '<img src=x onerror="window.__cimTwinInjected=1">标记测试楼';

function plantMarkupCanary(buildings: GeneratedBuilding[]): void {
  const target = buildings[Math.min(777, buildings.length - 1)];
  if (!target) return;
  target.properties.name = MARKUP_CANARY_NAME;
  target.properties.address = '<script>window.__cimTwinInjected=2</script>天津市南开区';
}
