import type { NetworkDocument } from '../formats/networkDocument.js';
import type { SensorType } from '../live/sensorTypes.js';
import type { NetworkGraph } from '../network/NetworkGraph.js';
import { networkGraphFromDocument } from '../network/networkGraphFromDocument.js';

/** The sensors the rules watch, columnar; a sensor's index is its slot in every array. */
export interface RuleSensors {
  datastreamIds: Uint32Array;
  names: string[];
  types: SensorType[];
  lon: Float64Array;
  lat: Float64Array;
  /** Node of the water network the sensor sits on (its seed feature), or -1. */
  networkNode: Int32Array;
}

/** The water network (network.json, water supply category) with what the rules need of it. */
export interface RuleNetwork {
  graph: NetworkGraph;
  edgeIds: string[];
  /** Metres, per graph edge. */
  edgeLength: Float64Array;
  nodeLon: Float64Array;
  nodeLat: Float64Array;
}

export interface RuleContext {
  sensors: RuleSensors;
  network: RuleNetwork | null;
}

/** A sensor as the server's catalogue describes it (datastream, type, place, seed feature). */
export interface SensorSite {
  datastreamId: number;
  name: string;
  type: SensorType;
  lon: number;
  lat: number;
  /** The seed feature it sits on: a network.json node's `feature` for water sensors. */
  feature: string;
}

/**
 * The rules' context from the sensor catalogue and the pipe network (network.json, null when
 * there is none: the network rules then stay silent). Water sensors are put on the node whose
 * surveyed point is their feature.
 */
export function ruleContext(sites: readonly SensorSite[], doc: NetworkDocument | null, category = 'JS'): RuleContext {
  const network = doc ? ruleNetwork(doc, category) : null;
  const nodeOfFeature = new Map<string, number>();
  doc?.nodes.feature.forEach((feature, node) => {
    if (feature !== null && doc.nodes.category[node] === category) nodeOfFeature.set(feature, node);
  });
  return {
    network,
    sensors: {
      datastreamIds: Uint32Array.from(sites, (s) => s.datastreamId),
      names: sites.map((s) => s.name),
      types: sites.map((s) => s.type),
      lon: Float64Array.from(sites, (s) => s.lon),
      lat: Float64Array.from(sites, (s) => s.lat),
      networkNode: Int32Array.from(sites, (s) => nodeOfFeature.get(s.feature) ?? -1),
    },
  };
}

function ruleNetwork(doc: NetworkDocument, category: string): RuleNetwork {
  const { graph, edgeIds, edgeIndex } = networkGraphFromDocument(doc, category);
  return {
    graph,
    edgeIds,
    edgeLength: Float64Array.from(edgeIndex, (e) => doc.edges.length[e]!),
    nodeLon: Float64Array.from(doc.nodes.lon),
    nodeLat: Float64Array.from(doc.nodes.lat),
  };
}
