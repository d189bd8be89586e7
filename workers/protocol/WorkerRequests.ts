import type { LiveFeedConfig } from '../formats/viewerConfig.js';
import type { LiveStateDocument } from '../formats/liveState.js';
import type { ClockState } from '../formats/history.js';
import type { BurstIsolation } from '../network/isolateBurst.js';
import type { NetworkGraph } from '../network/NetworkGraph.js';
import type { LoadRoadsRequest, RankResourcesRequest, RoadsLoaded } from '../routing/roadRequests.js';
import type { RankedResources } from '../routing/rankResources.js';
import type { AreaImpactRequest, AreaSourcesLoaded } from '../spatial/areaRequests.js';
import type { AreaImpact } from '../spatial/areaImpact.js';
import type { AreaSources } from '../spatial/AreaSources.js';
import type { HydraulicWhatIf, HydraulicWhatIfRequest } from '../hydraulics/hydraulicWhatIf.js';
import type { BurstImpact } from '../network/burstImpact.js';
import type { Criticality } from '../network/criticality.js';
import type { BurstImpactRequest, NetworkHandleRequest, SupplyNetworkLoaded } from '../network/networkRequests.js';
import type { SupplyNetwork } from '../network/SupplyNetwork.js';
import type { ParkingForecastsDocument, ParkingState } from '../formats/parking.js';
import type { CrossSection, ExcavationPipes, LongitudinalProfile, PipesLoaded, TraceResult } from '../formats/pipeAnalyses.js';
import type {
  CrossSectionRequest,
  ExcavationPipesRequest,
  LoadPipesRequest,
  PipeDepthRequest,
  ProfileRequest,
  TraceRequest,
} from '../planning/pipeRequests.js';
import type { DepthMeasure } from '../formats/measure.js';
import type { BuildingsLoaded, FacadeSunlightResult, HeightLimitResult, SunlightResult, ViewshedResult } from '../formats/buildingAnalyses.js';
import type { FacadeSunlightRequest, HeightLimitRequest, LoadBuildingsRequest, SunlightRequest, ViewshedRequest } from '../planning/buildingRequests.js';
import type { ParkingGuidanceLoad, ParkingGuidanceLoaded, ParkingGuideAnswer, ParkingGuideRequest } from '../parking/guidanceKernel.js';

/** The sensors worker's connection to the feed, as the layer shows it. */
/** `refused`: the server refused the sign-in's token (expired, or the account is gone): sign in again. */
export type LiveConnectionState = 'connecting' | 'live' | 'reconnecting' | 'stale' | 'refused';

/** The live feed and the sign-in's bearer token (none: public), which stays in the worker's memory. */
export interface SensorsStart extends LiveFeedConfig {
  token?: string;
}

/** One animation frame's worth of sensor changes (see SensorFrame for the buffer's layout). */
export interface SensorFrameMessage {
  buffer: ArrayBuffer;
  connection: { state: LiveConnectionState; since: number };
  messagesPerSecond: number;
  malformed: number;
  /** Bumped whenever every sensor was replaced at once (a replay's seek, back to live): alarms start over. */
  generation: number;
  /** Bumped whenever the sensors themselves changed (another sign-in's role, a new catalogue): the layer reloads `sensors.metadata`. */
  catalogue: number;
  /** While replaying: the replay time shown (ms) and whether a seek's state is still on its way. */
  replay?: { time: number; loading: boolean };
}

/**
 * Every request the viewer makes of a Web Worker and its response, in one place (as maplibre's
 * actor messages): `[request, response]` by type. The part before the dot names the worker that
 * serves it. Typed arrays in requests and responses travel on the transfer list (see
 * transferablesOf), so a sender must not use them afterwards.
 */
export interface WorkerRequests {
  /**
   * Connect to the live feed (MQTT over WebSocket + the state document) and start the model;
   * sent again when the sign-in changes (a new token: another role's sensors).
   */
  'sensors.start': [feed: SensorsStart, void];
  /** The sensor catalogue (names, types, positions), once the first state document arrived. */
  'sensors.metadata': [void, LiveStateDocument | undefined];
  /** The changes since the previous call. */
  'sensors.takeFrame': [void, SensorFrameMessage];
  /**
   * The viewer's clock changed: live, or replay from the history API (seek, play, pause, speed). A replay is answered once a
   * seek's state is in, with the frame that holds it (applied at once, not at the next pull); live, with nothing.
   */
  'sensors.clock': [clock: ClockState, SensorFrameMessage | undefined];
  /** Valves to close around a burst pipe, and the pipes that lose supply. */
  'analysis.isolateBurst': [{ graph: NetworkGraph; burstEdge: number }, BurstIsolation];
  /** The road graph (its file's bytes) and the resources (stations) to rank; kept in the worker. */
  'analysis.loadRoads': [LoadRoadsRequest, RoadsLoaded];
  /** The k nearest resources to an incident by travel time, with their routes (needs analysis.loadRoads). */
  'analysis.rankResources': [RankResourcesRequest, RankedResources];
  /** Buildings, POIs, sensors and pipes as columns for area queries; kept in the worker. */
  'analysis.loadAreaSources': [AreaSources, AreaSourcesLoaded];
  /** What lies in a footprint (circle, polygon, point + radius) (needs analysis.loadAreaSources). */
  'analysis.areaImpact': [AreaImpactRequest, AreaImpact];
  /** Hydraulic what-if (EPANET): pressures at every node before and after closing links, and the nodes affected. */
  'analysis.hydraulics': [HydraulicWhatIfRequest, HydraulicWhatIf];
  /** A water network with its services, facilities and sensors (supplyNetworkFromDocument), kept in the worker under the handle returned. */
  'analysis.loadNetwork': [SupplyNetwork, SupplyNetworkLoaded];
  /** Valves to close in order, isolated and cut-off parts, buildings, facilities, sensors (burstImpactReport maps them to ids). */
  'analysis.burstImpact': [BurstImpactRequest, BurstImpact];
  /** Every pipe of a loaded network ranked by what its burst cuts off. */
  'analysis.criticality': [NetworkHandleRequest, Criticality];
  /** Forgets a loaded network; false when the handle held none. */
  'analysis.releaseNetwork': [NetworkHandleRequest, boolean];
  /** Parking guidance (workers/parking/guidanceKernel.ts): the road graph and the sites, kept in the worker. */
  'parking.load': [ParkingGuidanceLoad, ParkingGuidanceLoaded];
  /** Every site's forecast (the server's /api/parking/forecast document); answers how many sites got one. */
  'parking.forecasts': [ParkingForecastsDocument, number];
  /** The latest counts (the live feed): they correct the forecasts' start. */
  'parking.states': [ParkingState[], void];
  /** Sites ranked for a destination and an arrival time, with their routes. */
  'parking.guide': [ParkingGuideRequest, ParkingGuideAnswer];
  /** The planning worker is up (sent when the first tool opens, so its modules load before the first analysis). */
  'planning.ready': [void, true];
  /** network.json (its bytes) for the pipe tools, parsed and indexed in the worker and kept (workers/planning/pipeToolHandlers.ts). */
  'planning.loadPipes': [LoadPipesRequest, PipesLoaded];
  /** The pipes a line cuts, with GB 50289 clearances between neighbours (workers/planning/crossSection.ts). */
  'planning.crossSection': [CrossSectionRequest, CrossSection];
  /** The longitudinal profile of the run through a pipe (workers/planning/longitudinalProfile.ts). */
  'planning.profile': [ProfileRequest, LongitudinalProfile];
  /** The pipes an excavation pit meets above its floor, with GB 50289 checks among them (workers/planning/excavationPipes.ts). */
  'planning.excavationPipes': [ExcavationPipesRequest, ExcavationPipes];
  /** Connected, upstream or downstream pipes and the valves to close (workers/planning/trace.ts). */
  'planning.trace': [TraceRequest, TraceResult];
  /** A pipe's crown and invert depth below the ground at a pick (workers/planning/pipeDepth.ts). */
  'planning.pipeDepth': [PipeDepthRequest, DepthMeasure];
  /** footprints.json (its bytes) for the building tools, parsed and indexed in the worker and kept (workers/planning/buildingToolHandlers.ts). */
  'planning.loadBuildings': [LoadBuildingsRequest, BuildingsLoaded];
  /** The buildings partly inside a polygon whose top is over a limit (workers/planning/heightLimit.ts). */
  'planning.heightLimit': [HeightLimitRequest, HeightLimitResult];
  /** Hours of sun at a point over 大寒日, 冬至日 or a date, against GB 50180 (workers/planning/sunlight.ts). */
  'planning.sunlight': [SunlightRequest, SunlightResult];
  /** Hours of sun on a building's walls, sampled on a grid (workers/planning/facadeSunlight.ts). */
  'planning.facadeSunlight': [FacadeSunlightRequest, FacadeSunlightResult];
  /** What an eye sees of the ground and the walls around it (workers/planning/viewshed.ts). */
  'planning.viewshed': [ViewshedRequest, ViewshedResult];
}

export type WorkerRequestType = keyof WorkerRequests;
type NameOf<K> = K extends `${infer Name}.${string}` ? Name : never;
export type WorkerName = NameOf<WorkerRequestType>;
export type RequestOf<K extends WorkerRequestType> = WorkerRequests[K][0];
export type ResponseOf<K extends WorkerRequestType> = WorkerRequests[K][1];

/** The handlers a worker entry serves: the requests of its own name. */
export type WorkerHandlers<N extends WorkerName> = {
  [K in WorkerRequestType as K extends `${N}.${string}` ? K : never]: (payload: RequestOf<K>) => ResponseOf<K> | Promise<ResponseOf<K>>;
};

/** The worker that serves a request type. */
export function workerNameOf(type: WorkerRequestType): WorkerName {
  return type.slice(0, type.indexOf('.')) as WorkerName;
}
