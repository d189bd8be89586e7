import {
  Cartesian2,
  Cartesian3,
  Color,
  HorizontalOrigin,
  LabelCollection,
  LabelStyle,
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
import type { IncidentImpact, IncidentsStore } from './incidentsState.js';

const MARKER_HEIGHT = 45;
const OUTLINE = Color.fromCssColorString('#0b1220');
const VALVE_COLOR = Color.fromCssColorString('#ffd400');
const FACILITY_COLOR = Color.fromCssColorString('#ff5252');
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
  private byId = new Map<string, PointPrimitive>();
  private readonly stops: (() => void)[] = [];
  private readonly ticker: ReturnType<typeof setInterval>;

  constructor(
    definition: LayerDefinition,
    private readonly context: LayerContext,
    private readonly incidents: IncidentsStore,
  ) {
    this.id = definition.id;
    for (const part of [this.outlines, this.routes, this.markers, this.markerLabels, this.impactPoints, this.impactLabels]) this.root.add(part);
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
        outlineColor: unseen.includes(incident.id) ? Color.WHITE : OUTLINE,
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
        outlineColor: OUTLINE,
        outlineWidth: 3,
        style: LabelStyle.FILL_AND_OUTLINE,
        horizontalOrigin: HorizontalOrigin.LEFT,
        verticalOrigin: VerticalOrigin.CENTER,
        pixelOffset: new Cartesian2(12 * scale, 0),
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
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

  /** The selected incident's impact: numbered valves, critical facilities, routes. */
  private drawImpact(impact: IncidentImpact | null): void {
    this.impactPoints.removeAll();
    this.impactLabels.removeAll();
    this.routes.removeAll();
    const scale = this.scale();
    const label = (lon: number, lat: number, text: string, color: Color, height = 8): void => {
      this.impactLabels.add({
        position: Cartesian3.fromDegrees(lon, lat, height),
        text,
        font: `700 ${Math.round(13 * scale)}px sans-serif`,
        fillColor: color,
        outlineColor: OUTLINE,
        outlineWidth: 3,
        style: LabelStyle.FILL_AND_OUTLINE,
        pixelOffset: new Cartesian2(0, -12 * scale),
        verticalOrigin: VerticalOrigin.BOTTOM,
        horizontalOrigin: HorizontalOrigin.CENTER,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
    };
    for (const valve of impact?.valves ?? []) {
      this.impactPoints.add({
        position: Cartesian3.fromDegrees(valve.lon, valve.lat, 3),
        pixelSize: 11 * scale,
        color: VALVE_COLOR,
        outlineColor: OUTLINE,
        outlineWidth: 2,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
      label(valve.lon, valve.lat, String(valve.order), VALVE_COLOR);
    }
    for (const facility of impact?.criticalFacilities ?? []) {
      this.impactPoints.add({
        position: Cartesian3.fromDegrees(facility.lon, facility.lat, 20),
        pixelSize: 12 * scale,
        color: FACILITY_COLOR,
        outlineColor: Color.WHITE,
        outlineWidth: 2,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
      label(facility.lon, facility.lat, facility.name, FACILITY_COLOR, 20);
    }
    for (const resource of impact?.resources ?? []) {
      if (resource.route.length < 2) continue;
      this.routes.add({
        positions: resource.route.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, 4)),
        width: 4 * scale,
        material: Material.fromType('Color', { color: ROUTE_COLOR }),
      });
    }
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
  }
}
