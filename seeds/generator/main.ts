import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import proj4 from 'proj4';
import { createRequire } from 'node:module';
import type { Position } from 'geojson';
import { generateNankai, type GeneratedBuilding } from './generateNankai.js';
import { writeShapefile } from './writeShapefile.js';
import { generatePipes } from './generatePipes.js';
import { writePipeSeeds } from './writePipeSeeds.js';
import { generatePointsOfInterest } from './generatePointsOfInterest.js';
import { generateServiceConnections } from './generateServiceConnections.js';
import { generateParking, parkingCollectionText } from './generateParking.js';
import { writeRoadGraph } from './writeRoadGraph.js';
import { Random } from '../../workers/random/Random.js';
import { SEED } from './nankaiPlan.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
export const SEEDS_DIR = join(here, '..');
export const GENERATED_DIR = join(SEEDS_DIR, 'generated');
/** The 华苑 area west of this longitude is delivered as a GBK Shapefile in CGCS2000 GK zone 39. */
const HUAYUAN_WEST_OF = 117.136;

/** Generates the seed inputs into seeds/generated (written beside, then swapped in). */
export function generateSeeds(): {
  buildings: number;
  shapefileBuildings: number;
  roads: number;
  areas: number;
  pipeSegments: number;
  pipePoints: number;
  pointsOfInterest: number;
  sensorSites: number;
  serviceConnections: number;
  parkingSites: number;
} {
  const boundaryFile = JSON.parse(readFileSync(join(SEEDS_DIR, 'source/nankai-boundary-gcj02.geojson'), 'utf8')) as {
    features: { geometry: { coordinates: Position[][] } }[];
  };
  const district = generateNankai(boundaryFile.features[0]!.geometry.coordinates[0]!);
  const { frame } = district;
  const staging = `${GENERATED_DIR}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });

  const lonLatRing = (ring: [number, number][]): number[][] => {
    const coordinates = ring.map(([x, y]) => frame.toLonLat(x, y));
    coordinates.push(coordinates[0]!);
    return coordinates;
  };
  const isHuayuan = (b: GeneratedBuilding): boolean => frame.toLonLat(...b.rings[0]![0]!)[0] < HUAYUAN_WEST_OF;
  const geojsonBuildings = district.buildings.filter((b) => !isHuayuan(b));
  const shapefileBuildings = district.buildings.filter(isHuayuan);

  const featureCollection = (name: string, features: object[]): string =>
    `{"type":"FeatureCollection","name":"${name}","source":"synthetic","generator":"CIM Twin seeds","features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
  writeFileSync(
    join(staging, 'nankai-buildings.geojson'),
    featureCollection(
      'nankai_buildings',
      geojsonBuildings.map((b) => ({
        type: 'Feature',
        id: b.properties.id,
        properties: b.properties,
        geometry: { type: 'Polygon', coordinates: b.rings.map(lonLatRing) },
      })),
    ),
  );

  // CGCS2000 / 3-degree Gauss-Kruger CM 117E (EPSG:4548): the CRS of Tianjin survey deliveries.
  const gk = require('epsg-index/s/4548.json') as { proj4: string; wkt: string };
  const toGk = proj4('EPSG:4326', gk.proj4);
  writeShapefile(
    join(staging, 'nankai-buildings-huayuan'),
    [
      { name: '编号', type: 'C', length: 12 },
      { name: '名称', type: 'C', length: 60 },
      { name: '地址', type: 'C', length: 80 },
      { name: '用途', type: 'C', length: 16 },
      { name: '层数', type: 'N', length: 4 },
      { name: '高度', type: 'N', length: 8, decimals: 1 },
      { name: '建成年代', type: 'N', length: 4 },
      { name: '数据来源', type: 'C', length: 12 },
    ],
    shapefileBuildings.map((b) => ({
      // ESRI rings: outer clockwise, holes counter-clockwise, closed.
      rings: b.rings.map((ring) =>
        lonLatRing(ring)
          .map(([lon, lat]) => toGk.forward([lon!, lat!]).map((v) => Math.round(v * 1000) / 1000))
          .reverse(),
      ),
      values: [
        b.properties.id,
        b.properties.name,
        b.properties.address,
        b.properties.use,
        b.properties.floors,
        b.properties.height,
        b.properties.year,
        'synthetic',
      ],
    })),
    gk.wkt,
    'gbk',
  );

  writeFileSync(
    join(staging, 'nankai-roads.geojson'),
    featureCollection(
      'nankai_roads',
      district.roads.map((r) => ({
        type: 'Feature',
        properties: { name: r.name, class: r.roadClass, width: r.width, source: 'synthetic' },
        geometry: { type: 'LineString', coordinates: r.line.map(([x, y]) => frame.toLonLat(x, y)) },
      })),
    ),
  );
  // The streets noded into a routable graph (workers/formats/roadGraph.ts), for the analysis worker.
  writeRoadGraph(staging);
  writeFileSync(
    join(staging, 'nankai-areas.geojson'),
    featureCollection(
      'nankai_areas',
      district.areas.map((a) => ({
        type: 'Feature',
        properties: { kind: a.kind, name: a.name, source: 'synthetic' },
        geometry: { type: 'Polygon', coordinates: [lonLatRing(a.ring)] },
      })),
    ),
  );
  writeFileSync(
    join(staging, 'nankai-landmarks.geojson'),
    featureCollection(
      'nankai_landmarks',
      district.landmarks.map((l) => ({
        type: 'Feature',
        properties: { name: l.name, name_en: l.nameEn, kind: l.kind, height: l.height },
        geometry: { type: 'Point', coordinates: [l.lon, l.lat] },
      })),
    ),
  );
  writeFileSync(
    join(staging, 'nankai-boundary.geojson'),
    featureCollection('nankai_boundary', [
      {
        type: 'Feature',
        properties: { name: '南开区', name_en: 'Nankai District', crs_note: 'converted from GCJ-02 (DataV.GeoAtlas) to WGS84' },
        geometry: { type: 'Polygon', coordinates: [district.boundary] },
      },
    ]),
  );
  const pipes = generatePipes(district, new Random(SEED + 1));
  const gkForward = (lonLat: [number, number]): [number, number] => toGk.forward(lonLat).map((v) => Math.round(v * 1000) / 1000) as [number, number];
  writePipeSeeds(staging, frame, pipes.lines, pipes.points, gkForward, gk.wkt);
  writeFileSync(join(staging, 'planted-conflicts.json'), `${JSON.stringify(pipes.planted, null, 2)}\n`);
  const { pois, sensors } = generatePointsOfInterest(district, pipes.points, new Random(SEED + 2));
  // Points of interest and sensor sites: local metres to lon/lat, labelled synthetic.
  const pointCollection = (name: string, items: readonly { id: string; x: number; y: number }[]): string =>
    featureCollection(
      name,
      items.map(({ x, y, ...properties }) => ({
        type: 'Feature',
        id: properties.id,
        properties: { ...properties, source: 'synthetic' },
        geometry: { type: 'Point', coordinates: frame.toLonLat(x, y) },
      })),
    );
  writeFileSync(join(staging, 'nankai-poi.geojson'), pointCollection('nankai_poi', pois));
  writeFileSync(join(staging, 'nankai-sensor-sites.geojson'), pointCollection('nankai_sensor_sites', sensors));
  // Parking sites (issue 15) from the car parks and berth groups: their own random stream, so nothing above changes.
  const parking = generateParking(district, pois, new Random(SEED + 3));
  writeFileSync(join(staging, 'nankai-parking.geojson'), parkingCollectionText(parking));
  // The water service-connection survey: the service pipe (building → 接入点) where recorded, the building's point where not.
  const services = generateServiceConnections(district.buildings, district.roads, pipes.lines, pipes.points);
  writeFileSync(
    join(staging, 'nankai-water-services.geojson'),
    featureCollection(
      'nankai_water_services',
      services.map((s) => ({
        type: 'Feature',
        properties: { 建筑编号: s.building, 接入点: s.node ?? null, 道路名称: s.street ?? null, 管径: s.diameter, 数据来源: 'synthetic' },
        geometry: s.to
          ? { type: 'LineString', coordinates: [frame.toLonLat(...s.from), frame.toLonLat(...s.to)] }
          : { type: 'Point', coordinates: frame.toLonLat(...s.from) },
      })),
    ),
  );
  const counts = {
    buildings: district.buildings.length,
    shapefileBuildings: shapefileBuildings.length,
    roads: district.roads.length,
    areas: district.areas.length,
    pipeSegments: pipes.lines.length,
    pipePoints: pipes.points.length,
    pointsOfInterest: pois.length,
    sensorSites: sensors.length,
    serviceConnections: services.length,
    parkingSites: parking.features.length,
  };
  writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify({ source: 'synthetic', generatorVersion: generatorVersion(), ...counts }, null, 2)}\n`);
  rmSync(GENERATED_DIR, { recursive: true, force: true });
  renameSync(staging, GENERATED_DIR);
  return counts;
}

/** A hash of the generator's own sources: the seeds are stale when it changes. */
export function generatorVersion(): string {
  const hash = createHash('sha256');
  // Every generator source, the district outline and the clearance table the pipes follow.
  const files = [
    ...readdirSync(here)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .sort(),
    '../source/nankai-boundary-gcj02.geojson',
    '../../workers/standards/gb50289Clearances.ts',
    '../../workers/random/Random.ts',
    // The road graph file is built by these.
    '../../workers/routing/buildRoadGraph.ts',
    '../../workers/routing/RoadLines.ts',
    '../../workers/routing/RoadGraph.ts',
    '../../workers/routing/roadGraphDocument.ts',
    '../../workers/formats/roadGraph.ts',
    '../../workers/spatial/LocalPlane.ts',
    '../../workers/formats/parking.ts',
  ];
  for (const file of files) hash.update(file).update(readFileSync(join(here, file)));
  return hash.digest('hex').slice(0, 16);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const counts = generateSeeds();
  console.log(
    `seeds: ${counts.buildings} buildings (${counts.shapefileBuildings} in the GBK Shapefile), ${counts.roads} roads, ${counts.areas} areas, ${counts.pipeSegments} pipe segments, ${counts.pipePoints} pipe points in ${((performance.now() - started) / 1000).toFixed(1)} s -> ${GENERATED_DIR}`,
  );
}
