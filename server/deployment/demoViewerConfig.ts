import { CJJ61_CATEGORIES } from '../../workers/standards/cjj61Categories.js';
import type { LayerDefinition, TilesetPartDefinition, ViewerConfig } from '../../workers/formats/viewerConfig.js';

/**
 * The Nankai demo's viewer config: its tilesets, ground layers, labels and named views. A
 * deployment replaces it with its own file (CIM_CONFIG); the viewer's renderers know nothing
 * of Nankai but what is written here.
 */
export function demoViewerConfig(): ViewerConfig {
  return {
    format: 'cim-twin-viewer-config',
    version: 1,
    title: { 'zh-CN': 'CIM Twin · 南开区', en: 'CIM Twin · Nankai District' },
    dataNote: { 'zh-CN': '演示数据为合成数据（非真实测绘）', en: 'Demo data is synthetic (not a survey)' },
    layers: [
      {
        id: 'incidents',
        kind: 'incidents',
        group: 'live',
        label: { 'zh-CN': '突发事件', en: 'Incidents' },
        visible: true,
        impact: {
          network: '/tiles/pipes/network.json',
          networkLayer: 'pipes',
          buildingsSearchIndex: '/tiles/buildings/search-index.json',
          buildingsLayer: 'buildings',
          pois: '/data/nankai-poi.geojson',
          roadGraph: '/data/nankai-road-graph.json',
          sensorSites: '/data/nankai-sensor-sites.geojson',
          hydraulicModel: '/data/nankai-water.inp',
        },
      },
      { id: 'sensors', kind: 'sensors', group: 'live', label: { 'zh-CN': '物联网传感器', en: 'IoT sensors' }, visible: true },
      { id: 'parking', kind: 'parking', group: 'live', label: { 'zh-CN': '智慧停车', en: 'Parking' }, visible: true, roads: '/data/nankai-roads.geojson' },
      { id: 'basemap', kind: 'basemap', group: 'ground', label: { 'zh-CN': '在线底图', en: 'Online basemap' }, visible: true },
      {
        id: 'areas',
        kind: 'ground',
        group: 'ground',
        label: { 'zh-CN': '水系与绿地', en: 'Water and green space' },
        visible: true,
        url: '/data/nankai-areas.geojson',
        geometry: 'polygons',
        colorProperty: 'kind',
        colors: { water: '#2b5d8a', green: '#2f5a3a', playground: '#7a4a3a' },
        defaultColor: '#3a4456',
        height: 0.2,
      },
      {
        id: 'roads',
        kind: 'ground',
        group: 'ground',
        label: { 'zh-CN': '道路', en: 'Roads' },
        visible: true,
        url: '/data/nankai-roads.geojson',
        geometry: 'lines',
        colorProperty: 'class',
        colors: { arterial: '#8a96ad', secondary: '#76829a', local: '#56627a' },
        defaultColor: '#56627a',
        // Drawn at 70% of the right-of-way width: the carriageway, not the whole corridor.
        widthProperty: 'width',
        widthFactor: 0.7,
        defaultWidth: 12,
        height: 0.4,
      },
      {
        id: 'labels',
        kind: 'labels',
        group: 'ground',
        label: { 'zh-CN': '注记', en: 'Labels' },
        visible: true,
        sources: [
          {
            url: '/data/nankai-landmarks.geojson',
            nameProperty: 'name',
            nameEnProperty: 'name_en',
            heightProperty: 'height',
            color: '#ffe8a3',
            bold: true,
            priority: 10,
            maxDistance: 14000,
          },
          {
            url: '/data/nankai-roads.geojson',
            nameProperty: 'name',
            nameEnProperty: 'name_en',
            color: '#dfe7f2',
            priority: 1,
            maxDistance: 1800,
            classes: {
              property: 'class',
              values: {
                arterial: { priority: 3, maxDistance: 7000 },
                secondary: { priority: 2, maxDistance: 3500 },
                local: { priority: 1, maxDistance: 1800 },
              },
            },
          },
        ],
      },
      {
        id: 'buildings',
        kind: 'tileset',
        group: 'buildings',
        label: { 'zh-CN': '建筑物', en: 'Buildings' },
        visible: true,
        url: '/tiles/buildings/tileset.json',
        searchIndex: '/tiles/buildings/search-index.json',
        styling: 'buildings',
        // The whole district at district zoom: no building larger than 2 px left out (10 MB of tiles in all).
        maximumScreenSpaceError: 2,
      },
      ...pipeNetworkLayers('pipes', '/tiles/pipes/', { 'zh-CN': '地下管线', en: 'Underground pipes' }, true),
      {
        id: 'water-model',
        kind: 'tileset',
        group: 'underground',
        label: { 'zh-CN': '供水管网模型（EPANET）', en: 'Water network model (EPANET)' },
        visible: false,
        url: '/tiles/water-model/tileset.json',
        network: '/tiles/water-model/network.json',
        underground: true,
        styling: 'dataColors',
      },
    ],
    tools: {
      network: '/tiles/pipes/network.json',
      networkLayer: 'pipes',
      buildings: '/tiles/buildings/footprints.json',
      buildingsLayer: 'buildings',
      buildReport: '/tiles/pipes/build-report.json',
    },
    bookmarks: [
      { id: 'overview', label: { 'zh-CN': '全区总览', en: 'District overview' }, view: { lon: 117.158, lat: 39.035, height: 6500, heading: 0, pitch: -35 } },
      {
        id: 'universities',
        label: { 'zh-CN': '南开大学 · 天津大学', en: 'Nankai & Tianjin universities' },
        view: { lon: 117.161, lat: 39.09, height: 1300, heading: 0, pitch: -35 },
      },
      {
        id: 'oldCity',
        label: { 'zh-CN': '鼓楼 · 老城厢', en: 'Drum Tower · old city' },
        view: { lon: 117.1791, lat: 39.1302, height: 900, heading: 0, pitch: -35 },
      },
      { id: 'joyCity', label: { 'zh-CN': '大悦城商圈', en: 'Joy City area' }, view: { lon: 117.1642, lat: 39.124, height: 700, heading: 0, pitch: -32 } },
      {
        id: 'tvTower',
        label: { 'zh-CN': '天塔 · 水上公园', en: 'TV Tower · Water Park' },
        view: { lon: 117.1735, lat: 39.0654, height: 900, heading: 0, pitch: -25 },
      },
    ],
    // A 480×270 cockpit tile: the district (8 km north–south, 4 km across) seen from the west so
    // its long side fills the wide tile; parking's cluster badges hidden (the KPI strip gives the
    // occupancy); sensors drawn alarms-only (the sensors layer in cockpit mode) and incidents kept.
    cockpit: { view: { lon: 117.1, lat: 39.103, height: 6200, heading: 90, pitch: -52 }, layers: '-parking' },
    // The walls follow what an operator leads on the "wall" session (docs/emergency.md, Linked screens).
    follow: { wallSession: 'wall' },
  };
}

/**
 * A pipe tileset of the pipeline (`cim-twin pipes`) with a part per CJJ 61 category (its
 * colour from the standard's table, the one the tiles are coloured with) and one for the pipe
 * points (wells, valves, hydrants).
 *
 * The folder holds a tileset per category (workers/formats/pipeLayout.ts) and the layer loads
 * its root, whose children are those tilesets: the server hands each role a root listing only
 * the categories it sees, and refuses the others' files. One layer rather than one per
 * category keeps what addresses "the pipes" by one layer id — picking, emphasis of traced and
 * conflicting pipes, the tools, the incident impact, search — working across categories,
 * while the layer panel still shows 地下管线 with a child per category (the parts; the server
 * leaves out the parts of categories a role may not see) and the points.
 */
export function pipeNetworkLayers(id: string, folderUrl: string, label: LayerDefinition['label'], visible: boolean): LayerDefinition[] {
  const parts = CJJ61_CATEGORIES.map((category): TilesetPartDefinition => ({
    id: `${id}.${category.code}`,
    kind: 'tilesetPart',
    group: 'underground',
    of: id,
    label: { 'zh-CN': category.nameZh, en: category.nameEn[0]!.toUpperCase() + category.nameEn.slice(1) },
    // Surveys write the category or its sub-type (雨水 YS, 污水 WS …) in 类别.
    match: { category: [category.code, ...Object.keys(category.subTypes)], kind: ['segment'] },
    swatch: `rgb(${category.rgb.join(',')})`,
    visible,
  }));
  return [
    {
      id,
      kind: 'tileset',
      group: 'underground',
      label,
      visible,
      url: `${folderUrl}tileset.json`,
      searchIndex: `${folderUrl}search-index.json`,
      network: `${folderUrl}network.json`,
      underground: true,
      styling: 'dataColors',
    },
    ...parts,
    {
      id: `${id}.points`,
      kind: 'tilesetPart',
      group: 'underground',
      of: id,
      label: { 'zh-CN': '管点（检修井、阀门、消防栓）', en: 'Pipe points (manholes, valves, hydrants)' },
      exclude: { kind: ['segment'] },
      visible,
    },
  ];
}
