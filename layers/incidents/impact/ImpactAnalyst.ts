import type { Incident, ResourceKind } from '../../../workers/formats/incident.js';
import type { IncidentImpactSources } from '../../../workers/formats/viewerConfig.js';
import type { AffectedBy } from '../../../workers/hydraulics/hydraulicWhatIf.js';
import { routeOf } from '../../../workers/routing/rankResources.js';
import type { WorkerHost } from '../../../viewer/src/platform/WorkerHost.js';
import { footprintCentre } from '../incidentGeometry.js';
import type { IncidentImpact } from '../incidentsState.js';
import { ImpactSources, type BurstAnswer } from './ImpactSources.js';

/** Sensor types whose alarm points at the water network: a burst is analysed at the sensor's pipe. */
const WATER_SENSOR_TYPES = new Set(['network_pressure', 'hydrant_pressure', 'network_flow']);
const RESOURCE_KINDS: ResourceKind[] = ['fire', 'medical', 'police'];
/** AffectedBy's flags (workers/hydraulics/hydraulicWhatIf.ts), checked against it by type. */
const LOW_PRESSURE: (typeof AffectedBy)['lowPressure'] = 1;
const CUT_OFF: (typeof AffectedBy)['cutOff'] = 2;
/** Named buildings listed on the card at most. */
const NAMED_BUILDINGS = 30;

/** What the analysis depends on: a note or a state change does not call for a new one. */
function analysisKey(incident: Incident): string {
  return JSON.stringify([incident.id, incident.footprint, incident.assets]);
}

/**
 * The impact of an incident, computed with the analysis worker's requests (burst impact, area
 * impact, resource ranking) on the sources of the incidents layer's config. One analysis per
 * incident and footprint/assets: asking again while it runs, or after, returns the same
 * promise. Every failure becomes a line in `notes`; the promise never rejects.
 */
export class ImpactAnalyst {
  readonly sources: ImpactSources;
  private readonly analyses = new Map<string, { key: string; impact: Promise<IncidentImpact> }>();

  constructor(
    config: IncidentImpactSources,
    workers: WorkerHost,
    baseUrl: string,
    liveApiBase: string | null,
    authHeaders: () => Record<string, string> = () => ({}),
  ) {
    this.sources = new ImpactSources(config, workers, baseUrl, liveApiBase, authHeaders);
  }

  impactOf(incident: Incident): Promise<IncidentImpact> {
    const key = analysisKey(incident);
    const known = this.analyses.get(incident.id);
    if (known?.key === key) return known.impact;
    const impact = this.analyse(incident);
    this.analyses.set(incident.id, { key, impact });
    return impact;
  }

  /**
   * Loads every source into the worker ahead of the first question (an operator signed in, a
   * wall, an open incident), so the first card answers in the kernels' time, not the downloads'.
   */
  warm(): void {
    const { config } = this.sources;
    // The network first (a burst's valves are the first answer), then the rest: the worker serves in order.
    const network = config.network
      ? this.sources.loadNetwork().then(
          () => undefined,
          () => undefined,
        )
      : Promise.resolve();
    void network.then(() => {
      if (config.buildingsSearchIndex || config.pois || config.network) void this.sources.loadArea().catch(() => undefined);
      if (config.roadGraph) void this.sources.loadRoads().catch(() => undefined);
    });
  }

  /** A burst on a pipe by its id (the page API's `analyze.burst`). */
  burst(pipeId: string): Promise<BurstAnswer> {
    return this.sources.burst(pipeId);
  }

  /** Called with the impact so far each time a part (burst, area, resources) is done: the card fills in as they arrive. */
  onProgress: ((impact: IncidentImpact) => void) | undefined;

  private async analyse(incident: Incident): Promise<IncidentImpact> {
    const started = performance.now();
    const impact: IncidentImpact = {
      incidentId: incident.id,
      pending: ['burst', 'hydraulics', 'area', 'resources'],
      pipe: null,
      valvesToClose: [],
      valves: [],
      isolatedEdges: [],
      isolatedNodes: [],
      cutOffEdges: [],
      buildings: [],
      namedBuildings: [],
      criticalFacilities: [],
      sensors: [],
      area: null,
      hydraulics: null,
      resources: [],
      lines: { isolated: [], cutOff: [] },
      notes: [],
      tookMs: 0,
      timings: { burstMs: null, hydraulicsMs: null, areaMs: null, resourcesMs: null },
    };
    const part = async (name: IncidentImpact['pending'][number], work: () => Promise<void>): Promise<void> => {
      try {
        await work();
      } catch (error) {
        impact.notes = [...impact.notes, `${name}: ${(error as Error).message}`];
      }
      impact.pending = impact.pending.filter((p) => p !== name);
      impact.tookMs = performance.now() - started;
      this.onProgress?.({ ...impact });
    };
    // The burst first: the worker answers in order, and the valves are what the crew needs first.
    let closeLinks: string[] = [];
    await part('burst', async () => void (closeLinks = await this.burstPart(incident, impact)));
    await Promise.all([
      part('area', () => this.areaPart(incident, impact)),
      part('resources', () => this.resourcesPart(incident, impact)),
      // EPANET solves twice (~0.2 s on the seed model, 0.8 s the first time it is parsed): after the rest is asked.
      part('hydraulics', () => this.hydraulicsPart(closeLinks, impact)),
    ]);
    return { ...impact };
  }

  /** The pipe the incident is about: named in its assets, else the pipe at its water sensor's network point. */
  private async burstPipe(incident: Incident): Promise<string | null> {
    const pipe = incident.assets.find((a) => a.kind === 'pipe');
    if (pipe) return pipe.id;
    const source = incident.source;
    const waterAlarm = source.kind === 'alarm' && WATER_SENSOR_TYPES.has(source.sensorType);
    if (!waterAlarm) return null;
    for (const asset of incident.assets) if (asset.kind === 'sensor') return this.sources.pipeAtSensor(asset.id);
    return null;
  }

  /** Fills in the burst; returns the links a hydraulic model closes to carry it out (none without a burst). */
  private async burstPart(incident: Incident, impact: IncidentImpact): Promise<string[]> {
    if (!this.sources.config.network) return [];
    const pipe = await this.burstPipe(incident);
    if (!pipe) return [];
    const [answer, names] = await Promise.all([this.sources.burst(pipe), this.sources.namesOfBuildings()]);
    const { report } = answer;
    const network = await this.sources.loadNetwork();
    impact.pipe = report.pipe;
    impact.valvesToClose = report.valvesToClose;
    impact.valves = report.valves.map((v, i) => ({
      id: v.id,
      order: v.order,
      lon: answer.valvePositions[i]![0],
      lat: answer.valvePositions[i]![1],
      feeds: v.feeds,
      distanceMetres: v.distanceMetres,
    }));
    impact.isolatedEdges = report.isolatedEdges;
    impact.isolatedNodes = report.isolatedNodes;
    impact.cutOffEdges = report.cutOffEdges;
    impact.buildings = report.buildings;
    impact.namedBuildings = report.buildings.flatMap((id) => (names.has(id) ? [{ id, name: names.get(id)! }] : [])).slice(0, NAMED_BUILDINGS);
    impact.criticalFacilities = report.criticalFacilities.map((f, i) => ({
      id: f.id,
      name: f.name,
      kind: f.kind,
      building: f.building,
      lon: answer.facilityPositions[i]![0],
      lat: answer.facilityPositions[i]![1],
    }));
    impact.sensors = report.sensors.map((s) => s.id);
    const { doc, edgeOfPipe, ids } = network;
    const segments = (pipes: string[]): number[] =>
      pipes.flatMap((id) => {
        const edge = edgeOfPipe.get(id);
        if (edge === undefined) return [];
        const e = ids.edgeIndex[edge]!;
        const [a, b] = [doc.edges.from[e]!, doc.edges.to[e]!];
        return [doc.nodes.lon[a]!, doc.nodes.lat[a]!, doc.nodes.lon[b]!, doc.nodes.lat[b]!];
      });
    impact.lines = { isolated: segments(report.isolatedEdges), cutOff: segments(report.cutOffEdges) };
    impact.timings.burstMs = answer.milliseconds;
    if (report.unbounded) impact.notes = [...impact.notes, `burst: no valve bounds pipe ${report.pipe}: the isolated part is all it reaches`];
    return answer.closeLinks;
  }

  private async hydraulicsPart(closeLinks: string[], impact: IncidentImpact): Promise<void> {
    const { config } = this.sources;
    if (!config.hydraulicModel || closeLinks.length === 0) return;
    const started = performance.now();
    const whatIf = await this.sources.hydraulics(closeLinks, config.minimumPressureMetres);
    impact.timings.hydraulicsMs = performance.now() - started;
    const { doc } = await this.sources.loadNetwork();
    const nodeOf = new Map<string, number>();
    doc.nodes.id.forEach((id, n) => nodeOf.set(id, n));
    // Type-only imports from workers/hydraulics: its values would pull EPANET's engine into the page's bundle.
    const minimumMetres = config.minimumPressureMetres ?? 14;
    const toMetres = whatIf.minimumPressure > 0 ? minimumMetres / whatIf.minimumPressure : 1;
    const lowPressureNodes: string[] = [];
    const cutOffNodes: string[] = [];
    const changed: NonNullable<IncidentImpact['hydraulics']>['changed'] = [];
    whatIf.nodeIds.forEach((id, n) => {
      if (whatIf.affected[n]! & CUT_OFF) cutOffNodes.push(id);
      else if (whatIf.affected[n]! & LOW_PRESSURE) lowPressureNodes.push(id);
      const before = whatIf.pressureBefore[n]! * toMetres;
      const after = whatIf.pressureAfter[n]! * toMetres;
      const at = nodeOf.get(id);
      if (at === undefined || !(Math.abs(after - before) >= 0.5 || whatIf.affected[n])) return;
      changed.push({ id, lon: doc.nodes.lon[at]!, lat: doc.nodes.lat[at]!, before, after });
    });
    if (whatIf.unknownLinks.length)
      impact.notes = [
        ...impact.notes,
        `hydraulics: the model has no link ${whatIf.unknownLinks.slice(0, 5).join(', ')}${whatIf.unknownLinks.length > 5 ? ' …' : ''}`,
      ];
    impact.hydraulics = {
      minimumPressureMetres: minimumMetres,
      junctions: whatIf.counts.junctions,
      lowPressureNodes,
      cutOffNodes,
      changed,
      closedLinks: whatIf.closedLinks,
      solveMs: whatIf.solveMs,
    };
  }

  private async areaPart(incident: Incident, impact: IncidentImpact): Promise<void> {
    const { config } = this.sources;
    if (!config.buildingsSearchIndex && !config.pois && !config.network) return;
    await this.sources.loadArea();
    impact.notes = [...impact.notes, ...this.sources.areaGaps.map((gap) => `area: ${gap}`)];
    const radius = config.pointRadiusMetres ?? 200;
    const started = performance.now();
    const area = await this.sources.workers.request('analysis.areaImpact', { footprint: incident.footprint, pointRadiusMetres: radius });
    impact.timings.areaMs = performance.now() - started;
    impact.area = {
      radiusMetres: incident.footprint.kind === 'point' ? radius : incident.footprint.kind === 'circle' ? incident.footprint.radiusMetres : null,
      buildings: area.buildings.ids,
      pois: area.pois.ids.map((id, i) => ({ id, kind: area.pois.kinds[i]!, name: '' })),
      sensors: area.sensors.ids,
      pipes: area.pipes.ids,
      parking: { ids: area.parking.ids, spaces: area.parking.spaces },
      areaSquareMetres: area.areaSquareMetres,
    };
    const names = await this.sources.poiNames();
    for (const poi of impact.area.pois) poi.name = names.get(poi.id) ?? '';
  }

  private async resourcesPart(incident: Incident, impact: IncidentImpact): Promise<void> {
    if (!this.sources.config.roadGraph) return;
    await this.sources.loadRoads();
    const started = performance.now();
    const ranked = await this.sources.workers.request('analysis.rankResources', {
      incident: footprintCentre(incident.footprint),
      k: this.sources.config.unitsPerKind ?? 3,
      kinds: RESOURCE_KINDS,
      perKind: true,
    });
    impact.timings.resourcesMs = performance.now() - started;
    impact.resources = ranked.ids.map((unitId, r) => ({
      unitId,
      name: ranked.names[r] || unitId,
      kind: ranked.kinds[r]!,
      etaSeconds: ranked.travelSeconds[r]!,
      routeMetres: ranked.routeMetres[r]!,
      route: routeOf(ranked, r),
    }));
    if (ranked.unreachable.length) impact.notes = [...impact.notes, `resources: no road reaches ${ranked.unreachable.join(', ')}`];
  }
}
