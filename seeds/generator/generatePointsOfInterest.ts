import type { GeneratedBuilding, GeneratedDistrict } from './generateNankai.js';
import type { SeedPipePoint } from './generatePipes.js';
import { ringCentroid } from './generateServiceConnections.js';
import { WEIJIN_RIVER, WATER_PARK, CHANGHONG_PARK, ZONES } from './nankaiPlan.js';
import type { Random } from '../../workers/random/Random.js';

export interface PointOfInterest {
  id: string;
  kind: 'hospital' | 'fire_station' | 'police' | 'school' | 'parking_lot' | 'onstreet_berths' | 'care_home';
  name: string;
  x: number;
  y: number;
  capacity?: number;
  /** The building it occupies (its id in the buildings tileset): hospitals, schools and care homes. */
  building?: string;
}

export interface SensorSite {
  id: string;
  /** manhole_cover, well_water_level, hydrant_pressure, network_pressure, network_flow, waterlogging, air_quality, river_quality, river_level, gas_in_well */
  type: string;
  name: string;
  x: number;
  y: number;
  /** The seed feature it sits on (a pipe point id), when it sits on one. */
  feature?: string;
  /**
   * The CJJ 61 category code of that feature (PS for a drainage well or storm inlet, JS for a
   * hydrant or water-network node…): who may see the sensor is who may see that network
   * (workers/formats/dataAccess.ts). Absent when the sensor sits on no pipe asset.
   */
  category?: string;
}

const FIRE_STATIONS = ['南开消防救援站', '王顶堤消防救援站', '长虹消防救援站'];
const CARE_HOMES = ['南开区社会福利院', '长虹养老院', '王顶堤敬老院', '华苑颐养中心', '学府街养老院', '鼓楼老年公寓'];
const POLICE = ['南开公安分局', '万兴街派出所', '学府街派出所', '体育中心派出所'];

/**
 * Points of interest and sensor sites the live layers need: hospitals and schools where the
 * district has them, fire and police stations at arterial corners, car parks and on-street
 * berths with capacities; sensors on real seed features (manholes, hydrants, water-network
 * junctions), at low points (waterlogging), schools and parks (air), and on the river.
 */
export function generatePointsOfInterest(
  district: GeneratedDistrict,
  pipePoints: readonly SeedPipePoint[],
  random: Random,
): { pois: PointOfInterest[]; sensors: SensorSite[] } {
  const { frame } = district;
  const pois: PointOfInterest[] = [];
  let n = 0;
  const poiId = (): string => `POI${String(++n).padStart(4, '0')}`;
  // Hospitals and schools occupy the nearest building of their use (points and ids unchanged).
  const taken = new Set<string>();
  const occupied = (use: string, x: number, y: number, reach: number): { building?: string } => {
    const building = nearestBuilding(district.buildings, x, y, reach, (b) => b.properties.use === use && !taken.has(b.properties.id));
    if (!building) return {};
    taken.add(building.properties.id);
    return { building: building.properties.id };
  };
  for (const zone of ZONES.filter((z) => z.kind === 'hospital')) {
    const [x, y] = frame.fromLonLat(zone.lon, zone.lat);
    pois.push({ id: poiId(), kind: 'hospital', name: zone.name, x, y, ...occupied('hospital', x, y, zone.radius + 150) });
  }
  district.schools.forEach(([x, y], i) => pois.push({ id: poiId(), kind: 'school', name: `南开区第${i + 1}学校`, x, y, ...occupied('school', x, y, 400) }));
  const arterials = district.roads.filter((r) => r.roadClass === 'arterial' && r.line.length > 8);
  const corner = (k: number): [number, number] => {
    const road = arterials[(k * 3) % arterials.length]!;
    const p = road.line[Math.floor(road.line.length * random.range(0.2, 0.8))]!;
    return [p[0] + 25, p[1] + 25];
  };
  FIRE_STATIONS.forEach((name, k) => pois.push({ id: poiId(), kind: 'fire_station', name, ...xy(corner(k)) }));
  POLICE.forEach((name, k) => pois.push({ id: poiId(), kind: 'police', name, ...xy(corner(k + 5)) }));
  for (let k = 0; k < 24; k++) {
    const road = district.roads[random.int(0, district.roads.length - 1)]!;
    const p = road.line[random.int(0, road.line.length - 1)]!;
    pois.push({
      id: poiId(),
      kind: 'parking_lot',
      name: `${road.name}停车场${k + 1}`,
      x: p[0] + road.width,
      y: p[1] + road.width,
      capacity: random.int(5, 40) * 10,
    });
  }
  for (const road of district.roads.filter((r) => r.roadClass === 'local')) {
    for (let i = 2; i + 2 < road.line.length; i += 8) {
      const p = road.line[i]!;
      pois.push({
        id: poiId(),
        kind: 'onstreet_berths',
        name: `${road.name}路侧泊位`,
        x: p[0] + road.width / 2 - 1,
        y: p[1] + road.width / 2 - 1,
        capacity: random.int(8, 30),
      });
    }
  }

  // Care homes in ordinary mid-rise residential buildings spread over the district (added after
  // the other points, without drawing from `random`, so those keep their ids and places).
  const residential = district.buildings.filter((b) => b.properties.use === 'residential' && b.properties.floors >= 5 && b.properties.floors <= 7);
  CARE_HOMES.forEach((name, k) => {
    const building = residential[Math.floor(((k + 0.5) * residential.length) / CARE_HOMES.length)];
    if (!building) return;
    const [x, y] = ringCentroid(building.rings[0]!);
    pois.push({ id: poiId(), kind: 'care_home', name, x, y, building: building.properties.id });
  });

  const sensors: SensorSite[] = [];
  let s = 0;
  const sensorId = (): string => `S${String(++s).padStart(5, '0')}`;
  const every = <T>(items: readonly T[], step: number): T[] => items.filter((_, i) => i % step === 0);
  /** A sensor on pipe point `p`: named after it, in its network's category. */
  const onPoint = (p: SeedPipePoint, type: string, name: string): SensorSite => ({
    id: sensorId(),
    type,
    name,
    x: p.x,
    y: p.y,
    feature: p.id,
    category: p.category,
  });
  const manholes = pipePoints.filter((p) => p.appurtenance === '检修井' && p.category === 'PS');
  for (const p of every(manholes, 12)) sensors.push(onPoint(p, 'manhole_cover', `井盖 ${p.id}`));
  for (const p of every(manholes, 25)) sensors.push(onPoint(p, 'well_water_level', `井内水位 ${p.id}`));
  for (const p of every(
    pipePoints.filter((q) => q.appurtenance === '消防栓'),
    4,
  ))
    sensors.push(onPoint(p, 'hydrant_pressure', `消防栓压力 ${p.id}`));
  const junctions = pipePoints.filter((p) => p.category === 'JS' && (p.feature === '四通' || p.appurtenance === '阀门井'));
  for (const p of every(junctions, 6)) sensors.push(onPoint(p, 'network_pressure', `管网压力 ${p.id}`));
  for (const p of every(junctions, 15)) sensors.push(onPoint(p, 'network_flow', `管网流量 ${p.id}`));
  for (const p of every(
    pipePoints.filter((q) => q.appurtenance === '雨水箅'),
    40,
  ))
    sensors.push(onPoint(p, 'waterlogging', `积水监测 ${p.id}`));
  for (const p of every(
    pipePoints.filter((q) => (q.category === 'RQ' || q.category === 'DL') && q.appurtenance === '检修井'),
    20,
  )) {
    sensors.push(onPoint(p, 'gas_in_well', `井内可燃气体 ${p.id}`));
  }
  for (const [x, y] of every(district.schools, 2)) sensors.push({ id: sensorId(), type: 'air_quality', name: '空气质量 学校', x, y });
  for (const park of [WATER_PARK, CHANGHONG_PARK]) {
    const [x, y] = frame.fromLonLat(park.lon, park.lat);
    sensors.push({ id: sensorId(), type: 'air_quality', name: `空气质量 ${park.name}`, x: x + 200, y });
  }
  WEIJIN_RIVER.points.forEach(([lon, lat], i) => {
    const [x, y] = frame.fromLonLat(lon, lat);
    sensors.push({
      id: sensorId(),
      type: i % 2 === 0 ? 'river_quality' : 'river_level',
      name: `${WEIJIN_RIVER.name} ${i % 2 === 0 ? '水质' : '水位'}${i + 1}`,
      x,
      y,
    });
  });
  // The markup canary of the sensors (seeds README): a name carrying HTML must render as text.
  const canary = sensors.find((sensor) => sensor.type === 'manhole_cover');
  if (canary) canary.name = SENSOR_MARKUP_CANARY_NAME;
  return { pois, sensors };
}

export const SENSOR_MARKUP_CANARY_NAME = '<img src=x onerror="window.__cimTwinInjected=3">井盖 标记测试';

/** The building of `accept` whose centroid is nearest to (x, y) within `reach` metres. */
function nearestBuilding(
  buildings: readonly GeneratedBuilding[],
  x: number,
  y: number,
  reach: number,
  accept: (b: GeneratedBuilding) => boolean,
): GeneratedBuilding | undefined {
  let best: GeneratedBuilding | undefined;
  let bestDistance = reach;
  for (const building of buildings) {
    if (!accept(building)) continue;
    const [cx, cy] = ringCentroid(building.rings[0]!);
    const distance = Math.hypot(cx - x, cy - y);
    if (distance <= bestDistance) [best, bestDistance] = [building, distance];
  }
  return best;
}

function xy([x, y]: [number, number]): { x: number; y: number } {
  return { x, y };
}
