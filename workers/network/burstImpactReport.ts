import type { BurstImpactReport } from '../formats/burstImpactReport.js';
import { type BurstImpact, LOST_CUT_OFF, VALVE_ON_NODE } from './burstImpact.js';
import type { SupplyNetworkIds } from './supplyNetworkFromDocument.js';

/** The kernel's indices as ids (the tiles', the buildings', the facilities' and sensors' own). */
export function burstImpactReport(impact: BurstImpact, ids: SupplyNetworkIds): BurstImpactReport {
  const edge = (e: number): string => ids.edgeIds[e]!;
  const node = (n: number): string => ids.nodeIds[n]!;
  const valves = Array.from(impact.valveIndex, (index, i) => ({
    id: impact.valveKind[i] === VALVE_ON_NODE ? node(index) : edge(index),
    order: i + 1,
    kind: impact.valveKind[i] === VALVE_ON_NODE ? ('node' as const) : ('link' as const),
    distanceMetres: impact.valveDistance[i]!,
    feeds: impact.valveFeeds[i] === 1,
  }));
  const cutOff = impact.buildingCause.reduce((n, cause) => n + (cause === LOST_CUT_OFF ? 1 : 0), 0);
  return {
    pipe: edge(impact.burstEdge),
    valvesToClose: valves.map((v) => v.id),
    valves,
    isolatedEdges: Array.from(impact.isolatedEdges, edge),
    isolatedNodes: Array.from(impact.isolatedNodes, node),
    cutOffNodes: Array.from(impact.cutOffNodes, node),
    cutOffEdges: Array.from(impact.cutOffEdges, edge),
    buildings: Array.from(impact.buildings, (row) => ids.buildingIds[row]!),
    buildingsIsolated: impact.buildings.length - cutOff,
    buildingsCutOff: cutOff,
    criticalFacilities: Array.from(impact.facilities, (row) => ids.facilities[row]!),
    sensors: Array.from(impact.sensors, (row, i) => ({
      id: ids.sensorIds[row]!,
      cause: impact.sensorCause[i] === LOST_CUT_OFF ? ('cut-off' as const) : ('isolated' as const),
    })),
    unbounded: impact.unbounded,
    sources: impact.sourceCount,
  };
}
