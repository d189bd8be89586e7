import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildingFootprintsFromDocument } from '../../workers/formats/buildingFootprints.js';
import { facadeSunlight } from '../../workers/planning/facadeSunlight.js';
import { heightLimit } from '../../workers/planning/heightLimit.js';
import { type PlanningBuildings, planningBuildingsFrom } from '../../workers/planning/planningBuildings.js';
import { sunlight } from '../../workers/planning/sunlight.js';
import { viewshed } from '../../workers/planning/viewshed.js';
import { metresPerDegree } from '../../workers/geometry/geodesy.js';
import { Random } from '../../workers/random/Random.js';
import { type BenchContext, type BenchLeg, type BenchRow, timeRuns } from './benchLeg.js';

/** The seed district's footprints.json, loaded into the kernels' columns once. */
function seedBuildings(context: BenchContext): { buildings: PlanningBuildings; loadMs: number } {
  const text = readFileSync(join(context.root, 'data/tiles/buildings/footprints.json'), 'utf8');
  const started = performance.now();
  const buildings = planningBuildingsFrom(buildingFootprintsFromDocument(JSON.parse(text)));
  return { buildings, loadMs: performance.now() - started };
}

/** Buildings' centres, picked at random among those with at least `minTop` m (fixed seed). */
function sampleBuildings(buildings: PlanningBuildings, count: number, seed: number, minTop = 0): number[] {
  const random = new Random(seed);
  const candidates = Array.from({ length: buildings.count }, (_, b) => b).filter((b) => buildings.top[b]! >= minTop);
  return Array.from({ length: count }, () => candidates[Math.floor(random.next() * candidates.length)]!);
}

function centreOf(buildings: PlanningBuildings, b: number): [number, number] {
  return [(buildings.bbox[b * 4]! + buildings.bbox[b * 4 + 2]!) / 2, (buildings.bbox[b * 4 + 1]! + buildings.bbox[b * 4 + 3]!) / 2];
}

export const buildingToolLegs: BenchLeg = {
  name: 'building tools (height limit, sunlight, viewshed)',
  run(context): BenchRow[] {
    const { buildings, loadMs } = seedBuildings(context);
    const rows: BenchRow[] = [
      { case: `load footprints.json (${buildings.count} buildings)`, median: loadMs, p95: loadMs, max: loadMs, note: 'once per worker' },
    ];

    // Height limit over 5 km²: a square of 2,236 m a side around random buildings.
    const side = Math.sqrt(5e6);
    const squares = sampleBuildings(buildings, context.runs, 16).map((b) => {
      const [lon, lat] = centreOf(buildings, b);
      const scale = metresPerDegree(lat);
      const dx = side / 2 / scale.lon,
        dy = side / 2 / scale.lat;
      return [
        [lon - dx, lat - dy],
        [lon + dx, lat - dy],
        [lon + dx, lat + dy],
        [lon - dx, lat + dy],
      ];
    });
    let found = 0;
    const limit = timeRuns(squares, (polygon) => (found += heightLimit(buildings, polygon, 24).buildings.length));
    rows.push({
      case: 'height limit over 5 km² (24 m)',
      ...limit,
      targetMs: 100,
      note: `${Math.round(found / (squares.length + 10))} buildings over on average`,
    });

    // Sunlight over 大寒日 in 1-minute steps on buildings of 18 m or more (a residential block's): the wall
    // facing closest to south (one façade), and every wall of the building.
    const blocks = sampleBuildings(buildings, Math.min(context.runs, 20), 17, 18);
    const southWall = (b: number): number => {
      const walls = facadeSunlight(buildings, buildings.ids[b]!, { spacing: 50, date: '2027-01-01', stepMinutes: 10 }).samples;
      return walls.reduce((best, s) => (Math.abs(s.facing - 180) < Math.abs(best.facing - 180) ? s : best)).wall;
    };
    const facades = blocks.map((b) => ({ b, wall: southWall(b) }));
    let samples = 0;
    const facade = timeRuns(
      facades,
      ({ b, wall }) => (samples += facadeSunlight(buildings, buildings.ids[b]!, { date: '2027-01-01', wall }).samples.length),
      2,
    );
    rows.push({
      case: 'sunlight for one façade over a day (大寒日, 1-min steps, 3 m grid)',
      ...facade,
      targetMs: 2000,
      note: `the south-most wall: ${Math.round(samples / (facades.length + 2))} samples`,
    });
    let allSamples = 0;
    const whole = timeRuns(blocks, (b) => (allSamples += facadeSunlight(buildings, buildings.ids[b]!, { date: '2027-01-01' }).samples.length), 2);
    rows.push({
      case: "sunlight for every wall of a building (the tool's façade colouring)",
      ...whole,
      note: `${Math.round(allSamples / (blocks.length + 2))} samples`,
    });

    const points = sampleBuildings(buildings, context.runs, 18).map((b) => {
      const [lon, lat] = centreOf(buildings, b);
      return { lon, lat: lat - 30 / metresPerDegree(lat).lat, height: 1.5 };
    });
    rows.push({ case: 'sunlight at a point over a day (1-min steps)', ...timeRuns(points, (p) => sunlight(buildings, p, { date: '2027-01-01' })) });
    const eyes = points.slice(0, Math.min(context.runs, 30));
    rows.push({ case: 'viewshed, 300 m radius (7.5 m cells, wall faces)', ...timeRuns(eyes, (p) => viewshed(buildings, p, 1.6, 300), 3) });
    return rows;
  },
};
