import { CRITICAL_FACILITY_KINDS, type CriticalFacilityKind, type NetworkFacilities, type NetworkServices } from '../../../workers/formats/networkDocument.js';
import { metresPerDegree } from '../../../workers/geometry/geodesy.js';
import type { NetworkNode } from './buildPipeNetwork.js';
import { type PlaceRow, placeValue } from './readPlaceTable.js';
import type { FacilityReport } from './ServiceConnections.js';

export const FACILITY_COLUMNS = {
  id: ['id', '编号', 'poi_id', 'ID'],
  name: ['name', '名称', '单位名称'],
  kind: ['kind', 'type', '类型', '类别', 'amenity', 'category'],
  building: ['building', '建筑编号', 'building_id'],
} as const;

/** How kinds are written (OSM amenity values, Chinese names) → the critical facility kind. */
const KIND_WORDS: [RegExp, CriticalFacilityKind][] = [
  [/^(hospital|clinic|医院|卫生院|急救中心)$|医院/i, 'hospital'],
  [/^(school|kindergarten|学校|小学|中学|幼儿园)$|学校|幼儿园|小学|中学/i, 'school'],
  [/^(care_home|nursing_home|social_facility|养老院|敬老院|福利院)$|养老|敬老|福利院|老年公寓/i, 'care_home'],
];

/** A facility is placed on a served building or a water node at most this far away, metres. */
export const FACILITY_REACH = 100;

/**
 * Critical facilities (hospitals, schools, care homes) from a table of points of interest,
 * placed where the burst analysis can find them: in the building the table names when it is
 * served ("named"), else in the nearest served building within FACILITY_REACH of the point
 * ("nearest-building"), else at the nearest water node within reach ("nearest-node"). Other
 * kinds of place are left out; critical ones placed nowhere are reported.
 */
export function matchCriticalFacilities(
  file: string,
  rows: readonly PlaceRow[],
  services: NetworkServices,
  nodes: readonly NetworkNode[],
): { facilities: NetworkFacilities; report: FacilityReport } {
  const facilities: NetworkFacilities = { id: [], name: [], kind: [], building: [], node: [], how: [] };
  const report: FacilityReport = { file, read: rows.length, critical: 0, named: 0, nearestBuilding: 0, nearestNode: 0, unmatched: [] };
  const served = new Set(services.building);
  for (const row of rows) {
    const kindText = placeValue(row.attributes, FACILITY_COLUMNS.kind) ?? '';
    const kind = KIND_WORDS.find(([pattern]) => pattern.test(kindText))?.[1];
    if (!kind || !CRITICAL_FACILITY_KINDS.includes(kind)) continue;
    report.critical++;
    const id = row.id ?? placeValue(row.attributes, FACILITY_COLUMNS.id) ?? row.where;
    const name = placeValue(row.attributes, FACILITY_COLUMNS.name) ?? id;
    const push = (building: string | null, node: number | null, how: NetworkFacilities['how'][number]): void => {
      facilities.id.push(id);
      facilities.name.push(name);
      facilities.kind.push(kind);
      facilities.building.push(building);
      facilities.node.push(node);
      facilities.how.push(how);
    };
    const named = placeValue(row.attributes, FACILITY_COLUMNS.building);
    if (named !== undefined && served.has(named)) {
      push(named, null, 'named');
      report.named++;
      continue;
    }
    if (row.lon === undefined || row.lat === undefined) {
      report.unmatched.push(id);
      continue;
    }
    const scale = metresPerDegree(row.lat);
    const distance = (lon: number, lat: number): number => Math.hypot((lon - row.lon!) * scale.lon, (lat - row.lat!) * scale.lat);
    let best = -1;
    let bestDistance = FACILITY_REACH;
    services.building.forEach((_, s) => {
      const lon = services.lon[s];
      const lat = services.lat[s];
      if (lon === null || lon === undefined || lat === null || lat === undefined) return;
      const d = distance(lon, lat);
      if (d <= bestDistance) [best, bestDistance] = [s, d];
    });
    if (best >= 0) {
      push(services.building[best]!, null, 'nearest-building');
      report.nearestBuilding++;
      continue;
    }
    nodes.forEach((node, n) => {
      if (node.category !== 'JS') return;
      const d = distance(node.lon, node.lat);
      if (d <= bestDistance) [best, bestDistance] = [n, d];
    });
    if (best >= 0) {
      push(null, best, 'nearest-node');
      report.nearestNode++;
    } else report.unmatched.push(id);
  }
  return { facilities, report };
}
