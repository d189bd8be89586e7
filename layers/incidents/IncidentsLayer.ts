import {
  Cartesian2,
  Cartesian3,
  Color,
  HorizontalOrigin,
  LabelCollection,
  Material,
  PointPrimitiveCollection,
  PolylineCollection,
  PrimitiveCollection,
  VerticalOrigin,
  type PointPrimitive,
} from 'cesium';
import { emergencyLevel } from '../../workers/standards/gbt35561.js';
import type { LayerDefinition } from '../../workers/formats/viewerConfig.js';
import type { FeatureDescription, LayerContext, LayerInstance, PickOutcome } from '../../viewer/src/platform/LayerPlugin.js';
import { watch, watchAny } from '../../viewer/src/platform/ViewerStore.js';
import { labelPixelSize } from '../labels/labelPixelSize.js';
import { footprintCentre, footprintRing } from './incidentGeometry.js';
import { describeIncident } from './describeIncident.js';
import { IMPACT_COLORS, pressureColor } from './impact/impactColors.js';
import type { IncidentImpact, IncidentsStore } from './incidentsState.js';
import { MAP_OUTLINE, OUTLINED_LABEL } from '../../viewer/src/platform/mapLabels.js';

const MARKER_HEIGHT = 45;
const VALVE_COLOR = Color.fromCssColorString('#ffd400');
const FACILITY_COLOR = Color.fromCssColorString(IMPACT_COLORS.facilities);
const ISOLATED_COLOR = Color.fromCssColorString(IMPACT_COLORS.isolated);
const CUT_OFF_COLOR = Color.fromCssColorString(IMPACT_COLORS.cutOff);
/** Routes by the unit's kind: fire red-orange, medical green, police blue. */
const ROUTE_COLORS: Record<string, Color> = {
  fire: Color.fromCssColorString('#ff6a3d'),
  medical: Color.fromCssColorString('#3ddc84'),
  police: Color.fromCssColorString('#4da3ff'),
};
const ROUTE_COLOR = Color.fromCssColorString('#7cf2ff');

/**
 * Incidents on the map: a marker per open incident in its level's colour (pulsing until someone
 * has looked at it) with its footprint outlined, and for the selected incident its impact — the
 * valves to close numbered in closing order, critical facilities called out, the units' routes.
 * Buildings and pipes are tinted through the core store's emphasis, by the plugin.
 */
export class IncidentsLayer implements LayerInstance {
  readonly id: string;
  readonly ready = Promise.resolve();
  private readonly root = new PrimitiveCollection();
  private readonly markers = new PointPrimitiveCollection();
  private readonly markerLabels = new LabelCollection();
  private readonly outlines = new PolylineCollection();
  private readonly impactPoints = new PointPrimitiveCollection();
  private readonly impactLabels = new LabelCollection();
  private readonly routes = new PolylineCollection();
  private readonly pipes = new PolylineCollection();
  private readonly pressures = new PointPrimitiveCollection();
  private byId = new Map<string, PointPrimitive>();
  private readonly stops: (() => void)[] = [];
  private readonly ticker: ReturnType<typeof setInterval>;

  constructor(
    definition: LayerDefinition,
    private readonly context: LayerContext,
    private readonly incidents: IncidentsStore,
  ) {
    this.id = definition.id;
    for (const part of [this.outlines, this.pipes, this.pressures, this.routes, this.markers, this.markerLabels, this.impactPoints, this.impactLabels])
      this.root.add(part);
    context.scene.primitives.add(this.root);
    const { scene, store } = context;
    const onPreRender = (): void => this.pulse();
    scene.preRender.addEventListener(onPreRender);
    // New incidents pulse while nobody looked: the scene renders on demand, so it is asked to.
    this.ticker = setInterval(() => this.incidents.getState().unseen.length && context.requestRender(), 250);
    const applyVisibility = (): void => {
      this.root.show = store.getState().layers[this.id]?.visible ?? definition.visible;
      context.requestRender();
    };
    applyVisibility();
    this.drawIncidents();
    this.drawImpact(this.incidents.getState().impact);
    this.stops.push(
      () => scene.preRender.removeEventListener(onPreRender),
      watch(store, (s) => s.layers[this.id], applyVisibility),
      watchAny(this.incidents, [(s) => s.incidents, (s) => s.unseen], () => this.drawIncidents()),
      watchAny(store, [(s) => s.mode, (s) => s.language], () => this.drawIncidents()),
      watch(
        this.incidents,
        (s) => s.impact,
        (impact) => this.drawImpact(impact),
      ),
    );
  }

  private scale(): number {
    const canvas = this.context.scene.canvas;
    return labelPixelSize(this.context.store.getState().mode, canvas.clientWidth, canvas.clientHeight) / 14;
  }

  private drawIncidents(): void {
    const { incidents, unseen } = this.incidents.getState();
    const scale = this.scale();
    this.markers.removeAll();
    this.markerLabels.removeAll();
    this.outlines.removeAll();
    this.byId = new Map();
    for (const incident of Object.values(incidents)) {
      if (incident.state === 'closed' || incident.state === 'cancelled') continue;
      const level = emergencyLevel(incident.classification.level);
      const color = Color.fromCssColorString(level?.css ?? '#ffffff');
      const [lon, lat] = footprintCentre(incident.footprint);
      const position = Cartesian3.fromDegrees(lon, lat, MARKER_HEIGHT);
      const id = { layer: this.id, incident: incident.id };
      const point = this.markers.add({
        id,
        position,
        pixelSize: 16 * scale,
        color,
        outlineColor: unseen.includes(incident.id) ? Color.WHITE : MAP_OUTLINE,
        outlineWidth: 2,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
      this.byId.set(incident.id, point);
      // Label text is drawn into a canvas by Cesium, never into the DOM.
      this.markerLabels.add({
        id,
        position,
        text: `${level?.numeral ?? ''} ${incident.event}${incident.overdue ? ' ⏰' : ''}`,
        font: `600 ${Math.round(13 * scale)}px sans-serif`,
        fillColor: Color.WHITE,
        ...OUTLINED_LABEL,
        horizontalOrigin: HorizontalOrigin.LEFT,
        verticalOrigin: VerticalOrigin.CENTER,
        pixelOffset: new Cartesian2(12 * scale, 0),
      });
      const ring = footprintRing(incident.footprint);
      if (ring.length > 2)
        this.outlines.add({
          positions: ring.map(([x, y]) => Cartesian3.fromDegrees(x, y, 2)),
          width: 3 * scale,
          material: Material.fromType('Color', { color: color.withAlpha(0.9) }),
        });
    }
    this.context.requestRender();
  }

  /**
   * The selected incident's impact: the isolated pipes (red) and those left dry beyond them
   * (amber) as lines on the ground, the valves numbered in closing order, critical facilities
   * called out by name, and each unit's route in its kind's colour. Buildings and pipes of the
   * tilesets are tinted through the core store's emphasis (by the plugin).
   */
  private drawImpact(impact: IncidentImpact | null): void {
    this.impactPoints.removeAll();
    this.impactLabels.removeAll();
    this.routes.removeAll();
    this.pipes.removeAll();
    this.pressures.removeAll();
    const scale = this.scale();
    const label = (lon: number, lat: number, text: string, color: Color, height: number, offset: Cartesian2, font = 13): void => {
      this.impactLabels.add({
        position: Cartesian3.fromDegrees(lon, lat, height),
        text,
        font: `700 ${Math.round(font * scale)}px sans-serif`,
        fillColor: color,
        ...OUTLINED_LABEL,
        pixelOffset: offset,
        verticalOrigin: VerticalOrigin.CENTER,
        horizontalOrigin: HorizontalOrigin.CENTER,
      });
    };
    const segments = (flat: number[], color: Color, width: number): number => {
      for (let i = 0; i + 3 < flat.length; i += 4)
        this.pipes.add({
          positions: [Cartesian3.fromDegrees(flat[i]!, flat[i + 1]!, 2), Cartesian3.fromDegrees(flat[i + 2]!, flat[i + 3]!, 2)],
          width: width * scale,
          material: Material.fromType('Color', { color }),
        });
      return flat.length / 4;
    };
    let pipes = 0;
    if (impact) {
      pipes += segments(impact.lines.cutOff, CUT_OFF_COLOR.withAlpha(0.85), 3);
      pipes += segments(impact.lines.isolated, ISOLATED_COLOR, 5);
    }
    // The hydraulic what-if as a coloured network: each junction whose pressure changed, by its pressure after the closures.
    const hydraulics = impact?.hydraulics;
    for (const node of hydraulics?.changed ?? []) {
      this.pressures.add({
        position: Cartesian3.fromDegrees(node.lon, node.lat, 2),
        pixelSize: 7 * scale,
        color: Color.fromCssColorString(pressureColor(node.after, hydraulics!.minimumPressureMetres)),
        outlineColor: MAP_OUTLINE,
        outlineWidth: 1,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
    }
    for (const valve of impact?.valves ?? []) {
      // A disc with the closing order inside it: reads as "valve n" at wall distance.
      this.impactPoints.add({
        position: Cartesian3.fromDegrees(valve.lon, valve.lat, 3),
        pixelSize: 16 * scale,
        color: VALVE_COLOR,
        outlineColor: MAP_OUTLINE,
        outlineWidth: 2,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
      // The closing order beside the disc, large: a label on the disc itself can be drawn under it.
      label(valve.lon, valve.lat, String(valve.order), VALVE_COLOR, 3, new Cartesian2(15 * scale, -15 * scale), 18);
    }
    let facilities = 0;
    for (const facility of impact?.criticalFacilities ?? []) {
      if (!Number.isFinite(facility.lon) || !Number.isFinite(facility.lat)) continue;
      facilities++;
      this.impactPoints.add({
        position: Cartesian3.fromDegrees(facility.lon, facility.lat, 20),
        pixelSize: 14 * scale,
        color: FACILITY_COLOR,
        outlineColor: Color.WHITE,
        outlineWidth: 2,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
      label(facility.lon, facility.lat, `⚠ ${facility.name}`, Color.WHITE, 20, new Cartesian2(0, -18 * scale));
    }
    let routes = 0;
    for (const resource of impact?.resources ?? []) {
      if (resource.route.length < 2) continue;
      routes++;
      this.routes.add({
        positions: resource.route.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, 4)),
        width: 4 * scale,
        material: Material.fromType('Color', { color: (ROUTE_COLORS[resource.kind] ?? ROUTE_COLOR).withAlpha(0.9) }),
      });
      // Named at the station; a unit already at the scene (under 300 m) is not, or its name would cover the valves.
      if (resource.routeMetres < 300) continue;
      const [lon, lat] = resource.route[0]!;
      label(
        lon,
        lat,
        `${resource.name} ${Math.max(1, Math.round(resource.etaSeconds / 60))}′`,
        ROUTE_COLORS[resource.kind] ?? ROUTE_COLOR,
        6,
        new Cartesian2(0, -14 * scale),
        12,
      );
    }
    this.incidents.getState().setDrawn({
      incidentId: impact?.incidentId ?? null,
      valves: impact?.valves.length ?? 0,
      facilities,
      routes,
      pipes,
      pressureNodes: hydraulics?.changed.length ?? 0,
    });
    this.context.requestRender();
  }

  private pulse(): void {
    const { unseen } = this.incidents.getState();
    if (!unseen.length) return;
    const size = this.scale() * (16 + 6 * Math.abs(Math.sin(performance.now() / 300)));
    for (const id of unseen) {
      const point = this.byId.get(id);
      if (point) point.pixelSize = size;
    }
  }

  pick(picked: unknown): PickOutcome | undefined {
    const id = (picked as { id?: { layer?: string; incident?: string } } | undefined)?.id;
    if (id?.layer !== this.id || !id.incident) return undefined;
    const incident = this.incidents.getState().incidents[id.incident];
    return incident ? { select: { tileset: this.id, id: incident.id }, properties: describeIncident(incident) } : undefined;
  }

  describe(featureId: string): Promise<FeatureDescription | null> {
    const incident = this.incidents.getState().incidents[featureId];
    return Promise.resolve(incident ? { properties: describeIncident(incident), nameField: 'headline' } : null);
  }

  destroy(): void {
    clearInterval(this.ticker);
    for (const stop of this.stops.splice(0)) stop();
    this.context.scene.primitives.remove(this.root);
    this.incidents.getState().setDrawn({ incidentId: null, valves: 0, facilities: 0, routes: 0, pipes: 0, pressureNodes: 0 });
  }
}
