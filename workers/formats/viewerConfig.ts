import { embedOriginProblem, type EmbedConfig } from './embedOrigins.js';

/**
 * The viewer's deployment config (`/config.json`): which layers, where their data lives, the
 * named views, the optional basemap and live feed. The server writes it (the demo's, a
 * deployment's `CIM_CONFIG` file, tilesets added with `--tileset`); the viewer reads it. The
 * renderers know nothing of any city but what this document tells them.
 */
export const VIEWER_CONFIG_FORMAT = 'cim-twin-viewer-config';
export const VIEWER_CONFIG_VERSION = 1;

export type Language = 'zh-CN' | 'en';
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

/** Text in the UI languages; a plain string is an i18n key of the viewer's own resources. */
export type LocalizedText = string | Partial<Record<Language, string>>;

export interface ViewerConfig {
  format: typeof VIEWER_CONFIG_FORMAT;
  version: typeof VIEWER_CONFIG_VERSION;
  /** The page title, e.g. { "zh-CN": "CIM Twin · 南开区", "en": "CIM Twin · Nankai District" }. */
  title?: LocalizedText;
  /** A line in the status strip about the data (e.g. "demo data is synthetic"). */
  dataNote?: LocalizedText;
  layers: LayerDefinition[];
  /** Named views; the first is the start view and the wall tour visits them in order. */
  bookmarks: Bookmark[];
  basemap?: BasemapConfig;
  live?: LiveFeedConfig;
  /** Linked screens (needs `live`): which follow session a screen follows unless its URL says `?follow=`. */
  follow?: FollowConfig;
  /** The data the planner's tools analyse (each optional: a tool without its data says so in its panel). */
  tools?: ToolDataSources;
  /** Who may embed the viewer (a cockpit on another origin): denied to every other origin when absent. */
  embed?: EmbedConfig;
  /** The leadership cockpit's tile (mode `cockpit`) where the host does not choose: its own view and layers. */
  cockpit?: CockpitDefaults;
}

/**
 * A cockpit tile is 480×270 among charts: the planner's start view and every cluster marker do
 * not read at that size, so a deployment frames the district for it and hides what its KPI strip
 * already says. A host's `view` and `layers` still win.
 */
export interface CockpitDefaults {
  /** The start view (not a bookmark: the wall tour visits every bookmark). */
  view?: CameraView;
  /** Layers as a shared link writes them (`-parking,-sensors.clusters`): applied before the host's. */
  layers?: string;
}

/** What the planner's tools (viewer/src/tools/) load into the planning worker, by URL. */
export interface ToolDataSources {
  /** network.json of the pipe tileset with every category: cross-sections, excavation, trace, pipe depths. */
  network?: string;
  /** The tileset layer drawing those pipes (traced and conflicting pipes are emphasised there). */
  networkLayer?: string;
  /** The buildings' footprint document: height limit, sunlight, viewshed. */
  buildings?: string;
  /** The buildings' tileset layer (buildings over a height limit are emphasised there). */
  buildingsLayer?: string;
  /** The pipes' build report (build-report.json): its GB 50289 clearance conflicts. */
  buildReport?: string;
}

export interface FollowConfig {
  /** The session a screen in wall mode follows (e.g. "wall"); a planner screen follows only when asked. */
  wallSession?: string;
}

/** Layer panel groups, in panel order. */
export const LAYER_GROUPS = ['live', 'buildings', 'underground', 'ground'] as const;
export type LayerGroup = (typeof LAYER_GROUPS)[number];

interface LayerBase {
  /** Unique; the URL, the page API and selections use it. */
  id: string;
  group: LayerGroup;
  label: LocalizedText;
  visible: boolean;
  /** 0..1, default 1. */
  opacity?: number;
}

/** A 3D Tiles tileset (e.g. the output of `cim-twin buildings|pipes`). */
export interface TilesetLayerDefinition extends LayerBase {
  kind: 'tileset';
  /** tileset.json URL. */
  url: string;
  /** The pipeline's search-index.json, when features of this tileset can be searched and flown to. */
  searchIndex?: string;
  /** Drawn only in underground mode, in the data's own colours (pipes, networks). */
  underground?: boolean;
  /** The pipeline's network.json: the network's centre lines drawn a few pixels wide under the tubes, so pipes never read as hairlines. */
  network?: string;
  /** How features are coloured: by the style panel's rule (buildings) or the data's own colours. */
  styling: 'buildings' | 'dataColors';
  /**
   * Pixels of geometric error allowed on screen (Cesium's maximumScreenSpaceError; default 16,
   * 8 underground). The pipeline's tilesets refine by adding features and their geometric error is
   * the size of the largest feature left to the children: 2 means no building larger than 2 px is
   * left out, so a district overview shows the whole city.
   */
  maximumScreenSpaceError?: number;
}

/** A subset of a tileset's features that toggles on its own (a pipe category, the wells). */
export interface TilesetPartDefinition extends LayerBase {
  kind: 'tilesetPart';
  /** The tileset layer's id. */
  of: string;
  /** Feature property id → accepted values: a feature is in the part when every listed property has one of them… */
  match?: Record<string, readonly (string | number)[]>;
  /** …and none of these properties has one of these values. */
  exclude?: Record<string, readonly (string | number)[]>;
  /** Legend swatch (CSS colour). */
  swatch?: string;
}

/** Vector polygons or lines drawn on the ground (water, green space, roads) from GeoJSON. */
export interface GroundLayerDefinition extends LayerBase {
  kind: 'ground';
  url: string;
  /** Polygons are filled; lines become corridors `widthProperty` metres wide (× `widthFactor`). */
  geometry: 'polygons' | 'lines';
  /** Colour by this property's value; `defaultColor` for the rest. */
  colorProperty?: string;
  colors?: Record<string, string>;
  defaultColor: string;
  widthProperty?: string;
  widthFactor?: number;
  /** Metres, when the feature has no width (lines only). */
  defaultWidth?: number;
  /** Height above the ellipsoid (m): ground vectors sit slightly above the globe so they never z-fight. */
  height: number;
}

/** Names placed on the map without clutter: landmarks first, then streets by class. */
export interface LabelsLayerDefinition extends LayerBase {
  kind: 'labels';
  sources: LabelSource[];
}

export interface LabelSource {
  /** GeoJSON of points (placed at the point) or lines (placed at the middle of the longest line). */
  url: string;
  nameProperty: string;
  /** The English name, if the data has one (else the name is shown in both languages). */
  nameEnProperty?: string;
  /** Height of the label above the ground (m) from this property (+ 8 m), e.g. a landmark's height. */
  heightProperty?: string;
  color: string;
  bold?: boolean;
  /** Higher wins a place; beyond `maxDistance` (m from the camera) a label is not a candidate. */
  priority: number;
  maxDistance: number;
  /** Per value of a property, its own priority and distance (e.g. road class). */
  classes?: { property: string; values: Record<string, { priority: number; maxDistance: number }> };
}

/** The online basemap from `basemap` (none offline). */
export interface BasemapLayerDefinition extends LayerBase {
  kind: 'basemap';
}

/** The live sensors from `live`. */
export interface SensorsLayerDefinition extends LayerBase {
  kind: 'sensors';
}

/** Incidents (emergency command) from the server's incidents API and their changes on the live feed. */
export interface IncidentsLayerDefinition extends LayerBase {
  kind: 'incidents';
  /** Where the selected incident's impact is worked out from (each source optional: what is missing becomes a note on the card). */
  impact?: IncidentImpactSources;
}

/**
 * The data an incident's impact is computed from in the analysis worker: a burst on a water
 * pipe (network.json with its service connections and facilities), what lies in the footprint
 * (buildings, POIs, sensors, pipes), and the nearest units by road (the road graph and the POIs).
 */
export interface IncidentImpactSources {
  /** network.json of the water tileset (`cim-twin pipes --services … --facilities …`). */
  network?: string;
  /** The CJJ 61 category of the water supply in it (default 'JS'). */
  networkCategory?: string;
  /** The tileset layer drawing that network: isolated pipes are emphasised there. */
  networkLayer?: string;
  /** The buildings' search-index.json: buildings in the footprint, and their names on the card. */
  buildingsSearchIndex?: string;
  /** The buildings' tileset layer: buildings that lose water are tinted there. */
  buildingsLayer?: string;
  /** Points of interest (GeoJSON points with `id`, `kind`, `name`): facilities in the footprint and the stations units start from. */
  pois?: string;
  /** The road graph (workers/formats/roadGraph.ts) units are routed on. */
  roadGraph?: string;
  /** Sensor sites (GeoJSON points with `id` and `feature`, the network point or pipe they sit on): sensors cut off by a burst. */
  sensorSites?: string;
  /** The EPANET model (.inp) of the same water network (its link ids are the network's pipe ids): pressures before and after closing the valves. */
  hydraulicModel?: string;
  /** Minimum service pressure, metres of water (default 14): junctions below it after the closures count as affected. */
  minimumPressureMetres?: number;
  /** How many units of each kind (fire, medical, police) are ranked (default 3). */
  unitsPerKind?: number;
  /** Radius around a point incident for the area impact, metres (default 200). */
  pointRadiusMetres?: number;
}

/** Parking sites (issue 15) from the server's `/api/parking/sites` and their live counts on the parking topic. */
export interface ParkingLayerDefinition extends LayerBase {
  kind: 'parking';
  /** Road centre lines (GeoJSON lines): on-street berth groups are drawn along the nearest one's kerb. */
  roads?: string;
}

export type LayerDefinition =
  | TilesetLayerDefinition
  | TilesetPartDefinition
  | GroundLayerDefinition
  | LabelsLayerDefinition
  | BasemapLayerDefinition
  | SensorsLayerDefinition
  | IncidentsLayerDefinition
  | ParkingLayerDefinition;

export type LayerKind = LayerDefinition['kind'];

export interface CameraView {
  /** Degrees, metres above the ellipsoid, heading and pitch in degrees. */
  lon: number;
  lat: number;
  height: number;
  heading: number;
  pitch: number;
}

export interface Bookmark {
  id: string;
  label: LocalizedText;
  view: CameraView;
}

/**
 * MQTT over WebSocket (a path = the viewer's own origin), the SensorThings-style API base
 * ('' = this origin) and, with our own server, the batched feed topic (without it the viewer
 * reads the SensorThings per-datastream topics, as from any SensorThings MQTT server).
 */
export interface LiveFeedConfig {
  mqttUrl: string;
  apiUrl: string;
  feedTopic?: string;
}

export type BasemapConfig =
  /** Tianditu (天地图) WMTS, Web Mercator, vector or imagery with its annotation layer; needs a key. */
  | { type: 'tianditu'; key: string; layer?: 'vec' | 'img' }
  /** Any XYZ template, e.g. https://tiles.example.com/{z}/{x}/{y}.png */
  | { type: 'xyz'; url: string; credit?: string; maximumLevel?: number };

/** An empty city: what the viewer shows when no config could be read. */
export const EMPTY_VIEWER_CONFIG: ViewerConfig = { format: VIEWER_CONFIG_FORMAT, version: VIEWER_CONFIG_VERSION, layers: [], bookmarks: [] };

/**
 * Checks a config document's shape enough that a wrong file fails with a sentence, not a
 * blank globe: format and version, unique layer ids, parts naming an existing tileset.
 * Returns the problems (empty when it is usable).
 */
export function viewerConfigProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['not a JSON object'];
  const config = value as Partial<ViewerConfig>;
  const problems: string[] = [];
  if (config.format !== VIEWER_CONFIG_FORMAT) problems.push(`"format" must be "${VIEWER_CONFIG_FORMAT}"`);
  if (config.version !== VIEWER_CONFIG_VERSION) problems.push(`"version" must be ${VIEWER_CONFIG_VERSION}`);
  if (!Array.isArray(config.layers)) problems.push('"layers" must be an array');
  if (!Array.isArray(config.bookmarks)) problems.push('"bookmarks" must be an array');
  if (problems.length) return problems;
  const ids = new Set<string>();
  for (const layer of config.layers!) {
    if (typeof layer?.id !== 'string' || !layer.id) problems.push('a layer has no "id"');
    else if (ids.has(layer.id)) problems.push(`layer id "${layer.id}" is used twice`);
    else ids.add(layer.id);
  }
  for (const layer of config.layers!)
    if (layer?.kind === 'tilesetPart' && !config.layers!.some((l) => l.id === layer.of && l.kind === 'tileset'))
      problems.push(`layer "${layer.id}" is a part of "${layer.of}", which is not a tileset layer`);
  for (const bookmark of config.bookmarks!) {
    const v = bookmark?.view;
    if (!v || ![v.lon, v.lat, v.height, v.heading, v.pitch].every(Number.isFinite)) problems.push(`bookmark "${bookmark?.id}" has no valid view`);
  }
  if (config.cockpit !== undefined) {
    const v = config.cockpit?.view;
    if (v !== undefined && !(v && [v.lon, v.lat, v.height, v.heading, v.pitch].every(Number.isFinite))) problems.push('"cockpit.view" is not a valid view');
    if (config.cockpit?.layers !== undefined && typeof config.cockpit.layers !== 'string') problems.push('"cockpit.layers" must be a string like "-parking"');
  }
  if (config.embed !== undefined) {
    if (!Array.isArray(config.embed?.origins)) problems.push('"embed.origins" must be an array of origins');
    else
      for (const origin of config.embed.origins as unknown[]) {
        const problem = typeof origin === 'string' ? embedOriginProblem(origin) : 'an entry is not a string';
        if (problem) problems.push(`"embed.origins": ${problem}`);
      }
  }
  return problems;
}
