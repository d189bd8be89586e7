import type { BurstImpactReport } from '../../../workers/formats/burstImpactReport.js';
import type { HydraulicWhatIf } from '../../../workers/hydraulics/hydraulicWhatIf.js';
import type { LiveStateDocument } from '../../../workers/formats/liveState.js';
import type { NetworkDocument } from '../../../workers/formats/networkDocument.js';
import type { SearchIndexDocument } from '../../../workers/formats/searchIndex.js';
import type { IncidentImpactSources } from '../../../workers/formats/viewerConfig.js';
import { VALVE_ON_NODE } from '../../../workers/network/burstImpact.js';
import { burstImpactReport } from '../../../workers/network/burstImpactReport.js';
import { linksClosedByIsolation } from '../../../workers/hydraulics/linksClosedByIsolation.js';
import type { NetworkGraph } from '../../../workers/network/NetworkGraph.js';
import { supplyNetworkFromDocument, type SensorSite, type SupplyNetworkIds } from '../../../workers/network/supplyNetworkFromDocument.js';
import { resourcePointsFromPoiGeoJson } from '../../../workers/routing/resourcePoints.js';
import { emptyAreaSources, type AreaSources } from '../../../workers/spatial/AreaSources.js';
import { buildingsFromSearchIndex, pipesFromNetwork, poisFromGeoJson, sensorsFromLiveState } from '../../../workers/spatial/areaSourcesFromDocuments.js';
import type { WorkerHost } from '../../../viewer/src/platform/WorkerHost.js';

/** The water network as loaded into the analysis worker: its handle, and what maps the kernel's indices back to ids and places. */
export interface LoadedNetwork {
  handle: number;
  doc: NetworkDocument;
  ids: SupplyNetworkIds;
  /** The graph's ends (a copy: the graph itself moved to the worker), for the links a hydraulic model closes. */
  ends: Pick<NetworkGraph, 'nodeCount' | 'edgeFrom' | 'edgeTo'>;
  /** Graph edge of a pipe id, and of a node (point id or survey feature id) one non-valve pipe at it. */
  edgeOfPipe: Map<string, number>;
  edgeAtNode: Map<string, number>;
}

/** A burst's answer with ids, and what drawing it needs. */
export interface BurstAnswer {
  report: BurstImpactReport;
  /** Valve positions in closing order. */
  valvePositions: [number, number][];
  /** Per critical facility of the report, where it is. */
  facilityPositions: [number, number][];
  /** Kernel round trip, ms. */
  milliseconds: number;
  /** The pipes a hydraulic model closes to carry the isolation out (linksClosedByIsolation). */
  closeLinks: string[];
}

const SENSOR_SITE_FIELDS = 'GeoJSON points with "id" and "feature"';

/**
 * The data behind an incident's impact, each fetched and loaded into the analysis worker once
 * (on first use) and kept: the worker keeps the loaded network under its handle, the area
 * index and the road graph; this side keeps the ids to name the answers. A source that fails
 * stays failed with its reason (the card shows it); nothing is retried behind the operator's back.
 */
/** A source's load: not asked yet, under way, loaded (with the ms it took, download included), or failed. */
export type SourceStatus = { state: 'idle' } | { state: 'loading' } | { state: 'ready'; ms: number } | { state: 'failed'; error: string };

export class ImpactSources {
  /** Each source's load, for the page API's stats (tests wait for them; the operator never needs to). */
  readonly status: Record<'network' | 'area' | 'roads', SourceStatus> = { network: { state: 'idle' }, area: { state: 'idle' }, roads: { state: 'idle' } };

  private tracked<T>(name: 'network' | 'area' | 'roads', load: () => Promise<T>): Promise<T> {
    const started = performance.now();
    this.status[name] = { state: 'loading' };
    const promise = load();
    promise.then(
      () => (this.status[name] = { state: 'ready', ms: Math.round(performance.now() - started) }),
      (error: Error) => (this.status[name] = { state: 'failed', error: error.message }),
    );
    return promise;
  }

  private network: Promise<LoadedNetwork> | undefined;
  private networkDoc: Promise<NetworkDocument> | undefined;
  private buildings: Promise<SearchIndexDocument> | undefined;
  private pois: Promise<unknown> | undefined;
  private area: Promise<void> | undefined;
  private roads: Promise<void> | undefined;
  private buildingNames: Map<string, string> | undefined;

  constructor(
    readonly config: IncidentImpactSources,
    readonly workers: WorkerHost,
    private readonly baseUrl: string,
    /** The live API's base (its `/api/live/state` and SensorThings `/v1.1`), or null without a live feed. */
    private readonly liveApiBase: string | null,
    /** The data role's Authorization header: the water network and its model are role-controlled. */
    private readonly authHeaders: () => Record<string, string> = () => ({}),
  ) {}

  private async fetchJson<T>(url: string, what: string): Promise<T> {
    const response = await fetch(new URL(url, this.baseUrl), { headers: this.authHeaders() });
    if (!response.ok) throw new Error(`${what} (${url}): HTTP ${response.status}`);
    try {
      return (await response.json()) as T;
    } catch {
      throw new Error(`${what} (${url}) is not JSON`);
    }
  }

  private networkDocument(): Promise<NetworkDocument> {
    const url = this.config.network;
    if (!url) return Promise.reject(new Error('no water network is configured (impact.network)'));
    return (this.networkDoc ??= this.fetchJson<NetworkDocument>(url, 'the water network'));
  }

  /** The water network, loaded into the worker once. */
  loadNetwork(): Promise<LoadedNetwork> {
    return (this.network ??= this.tracked('network', async () => {
      const doc = await this.networkDocument();
      const sensors = this.config.sensorSites ? await this.sensorSites(this.config.sensorSites).catch(() => [] as SensorSite[]) : [];
      const category = this.config.networkCategory ?? 'JS';
      const { network, ids } = supplyNetworkFromDocument(doc, { category, sensors });
      const { graph } = network;
      const edgeOfPipe = new Map(ids.edgeIds.map((id, e) => [id, e]));
      // A pressure sensor names a network point: a burst "at" it is one of its pipes (not a valve link).
      const edgeAtNode = new Map<string, number>();
      for (let e = 0; e < graph.edgeFrom.length; e++) {
        if (graph.valveEdges[e]) continue;
        for (const n of [graph.edgeFrom[e]!, graph.edgeTo[e]!]) {
          for (const key of [doc.nodes.id[n], doc.nodes.feature[n]]) if (key && !edgeAtNode.has(key)) edgeAtNode.set(key, e);
        }
      }
      const ends = { nodeCount: graph.nodeCount, edgeFrom: graph.edgeFrom.slice(), edgeTo: graph.edgeTo.slice() };
      // The network's typed arrays move to the worker (transferred): nothing here reads them afterwards.
      const loaded = await this.workers.request('analysis.loadNetwork', network);
      return { handle: loaded.handle, doc, ids, ends, edgeOfPipe, edgeAtNode };
    }));
  }

  private async sensorSites(url: string): Promise<SensorSite[]> {
    const collection = await this.fetchJson<{ features?: { properties?: { id?: unknown; feature?: unknown } }[] }>(url, 'the sensor sites');
    if (!Array.isArray(collection.features)) throw new Error(`the sensor sites (${url}) are not ${SENSOR_SITE_FIELDS}`);
    return collection.features.flatMap((f) =>
      typeof f.properties?.id === 'string' ? [{ id: f.properties.id, feature: typeof f.properties.feature === 'string' ? f.properties.feature : null }] : [],
    );
  }

  /** A burst on a pipe (its id in the tiles), answered with ids and positions. */
  async burst(pipeId: string): Promise<BurstAnswer> {
    const network = await this.loadNetwork();
    const edge = network.edgeOfPipe.get(pipeId);
    if (edge === undefined) throw new Error(`pipe ${pipeId} is not a pipe of the water network`);
    const started = performance.now();
    const impact = await this.workers.request('analysis.burstImpact', { handle: network.handle, burstEdge: edge });
    const milliseconds = performance.now() - started;
    const report = burstImpactReport(impact, network.ids);
    const { doc } = network;
    const nodeAt = (n: number): [number, number] => [doc.nodes.lon[n]!, doc.nodes.lat[n]!];
    const valvePositions = Array.from(impact.valveIndex, (index, i): [number, number] => {
      if (impact.valveKind[i] === VALVE_ON_NODE) return nodeAt(index);
      const docEdge = network.ids.edgeIndex[index]!;
      const [a, b] = [nodeAt(doc.edges.from[docEdge]!), nodeAt(doc.edges.to[docEdge]!)];
      return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    });
    const services = doc.services;
    const row = new Map(services?.building.map((id, r) => [id, r]) ?? []);
    const nodeRow = new Map(doc.nodes.id.map((id, n) => [doc.nodes.feature[n] ?? id, n]));
    const facilityPositions = report.criticalFacilities.map((f): [number, number] => {
      const r = f.building !== null ? row.get(f.building) : undefined;
      if (r !== undefined && services!.lon[r] != null && services!.lat[r] != null) return [services!.lon[r]!, services!.lat[r]!];
      const n = f.node !== null ? nodeRow.get(f.node) : undefined;
      return n !== undefined ? nodeAt(n) : [NaN, NaN];
    });
    const isolation = {
      valveNodes: impact.valveIndex.filter((_, i) => impact.valveKind[i] === VALVE_ON_NODE),
      valveEdges: impact.valveIndex.filter((_, i) => impact.valveKind[i] !== VALVE_ON_NODE),
      isolatedEdges: impact.isolatedEdges,
      unbounded: impact.unbounded,
    };
    const closeLinks = linksClosedByIsolation(network.ends as NetworkGraph, isolation, network.ids.edgeIds);
    return { report, valvePositions, facilityPositions, milliseconds, closeLinks };
  }

  /** The pipe a pressure or flow sensor (datastream id) sits on or at, from its SensorThings record, or null. */
  async pipeAtSensor(datastream: string): Promise<string | null> {
    if (!this.liveApiBase || !/^\d+$/.test(datastream)) return null;
    const network = await this.loadNetwork();
    const record = await this.fetchJson<{ properties?: { feature?: unknown } }>(
      new URL(`/v1.1/Datastreams(${datastream})`, this.liveApiBase).href,
      `sensor ${datastream}`,
    );
    const feature = record.properties?.feature;
    if (typeof feature !== 'string' || !feature) return null;
    if (network.edgeOfPipe.has(feature)) return feature;
    const edge = network.edgeAtNode.get(feature);
    return edge === undefined ? null : network.ids.edgeIds[edge]!;
  }

  /** The buildings' search index (names and centres), fetched once. */
  buildingIndex(): Promise<SearchIndexDocument> {
    const url = this.config.buildingsSearchIndex;
    if (!url) return Promise.reject(new Error('no buildings search index is configured (impact.buildingsSearchIndex)'));
    return (this.buildings ??= this.fetchJson<SearchIndexDocument>(url, "the buildings' search index"));
  }

  /** Building id → name, for the buildings the index names (empty when it could not be read). */
  async namesOfBuildings(): Promise<Map<string, string>> {
    if (this.buildingNames) return this.buildingNames;
    const index = await this.buildingIndex().catch(() => undefined);
    const names = new Map<string, string>();
    index?.ids.forEach((id, i) => {
      const name = index.names[i];
      if (name) names.set(id, name);
    });
    return (this.buildingNames = names);
  }

  private poiCollection(): Promise<unknown> {
    const url = this.config.pois;
    if (!url) return Promise.reject(new Error('no points of interest are configured (impact.pois)'));
    return (this.pois ??= this.fetchJson<unknown>(url, 'the points of interest'));
  }

  /** POI id → name (empty when the POIs could not be read). */
  poiNames(): Promise<Map<string, string>> {
    return (this.poiNameMap ??= this.poiCollection().then(
      (collection) => {
        const pois = poisFromGeoJson(collection);
        return new Map(pois.ids.map((id, i) => [id, pois.names[i]!]));
      },
      () => new Map<string, string>(),
    ));
  }
  private poiNameMap: Promise<Map<string, string>> | undefined;

  /**
   * Buildings, POIs, sensors and pipes loaded for area queries once. Each layer that cannot be
   * read is left empty and named in the returned notes (the area still answers for the rest).
   */
  loadArea(): Promise<void> {
    return (this.area ??= this.tracked('area', async () => {
      const sources: AreaSources = emptyAreaSources();
      const missing: string[] = [];
      const take = async <T>(what: string, read: () => Promise<T>, put: (value: T) => void): Promise<void> => {
        try {
          put(await read());
        } catch (error) {
          missing.push(`${what}: ${(error as Error).message}`);
        }
      };
      await Promise.all([
        take(
          'buildings',
          () => this.buildingIndex(),
          (doc) => (sources.buildings = buildingsFromSearchIndex(doc)),
        ),
        take(
          'points of interest',
          () => this.poiCollection(),
          (collection) => (sources.pois = poisFromGeoJson(collection)),
        ),
        take(
          'pipes',
          () => this.networkDocument(),
          (doc) => (sources.pipes = pipesFromNetwork(doc)),
        ),
        this.liveApiBase
          ? take(
              'sensors',
              () => this.fetchJson<LiveStateDocument>(new URL('/api/live/state', this.liveApiBase!).href, 'the live state'),
              (doc) => (sources.sensors = sensorsFromLiveState(doc)),
            )
          : Promise.resolve(),
      ]);
      await this.workers.request('analysis.loadAreaSources', sources);
      this.areaGaps = missing;
    }));
  }

  /** Area layers that could not be read (after loadArea). */
  areaGaps: string[] = [];

  private hydraulicText: Promise<string> | undefined;
  private hydraulicSent = false;

  /** The what-if of closing these links on the EPANET model: the .inp goes to the worker with the first request only. */
  async hydraulics(closeLinks: string[], minimumPressureMetres: number | undefined): Promise<HydraulicWhatIf> {
    const url = this.config.hydraulicModel;
    if (!url) throw new Error('no hydraulic model is configured (impact.hydraulicModel)');
    const model: { key: string; inp?: string } = { key: url };
    if (!this.hydraulicSent) {
      model.inp = await (this.hydraulicText ??= fetch(new URL(url, this.baseUrl), { headers: this.authHeaders() }).then((r) => {
        if (!r.ok) throw new Error(`the hydraulic model (${url}): HTTP ${r.status}`);
        return r.text();
      }));
    }
    const answer = await this.workers.request('analysis.hydraulics', {
      model,
      closeLinks,
      ...(minimumPressureMetres !== undefined ? { minimumPressureMetres } : {}),
    });
    this.hydraulicSent = true;
    return answer;
  }

  /** The road graph and the stations (fire, medical, police POIs) loaded once. */
  loadRoads(): Promise<void> {
    return (this.roads ??= this.tracked('roads', async () => {
      const url = this.config.roadGraph;
      if (!url) throw new Error('no road graph is configured (impact.roadGraph)');
      const [response, collection] = await Promise.all([fetch(new URL(url, this.baseUrl)), this.poiCollection()]);
      if (!response.ok) throw new Error(`the road graph (${url}): HTTP ${response.status}`);
      // The file's bytes move to the worker, which parses them there.
      await this.workers.request('analysis.loadRoads', { graph: await response.arrayBuffer(), resources: resourcePointsFromPoiGeoJson(collection) });
    }));
  }
}
