/**
 * The layers a user can toggle, as data: one line per layer. A renderer adapter is chosen by
 * `kind` (see render/adapterFactories.ts); a tileset's parts (pipe categories, wells) are
 * layers of their own that filter one tileset's features.
 */
export type LayerKind = 'tileset' | 'tilesetPart' | 'areas' | 'roads' | 'labels' | 'basemap' | 'sensors';

export interface LayerDefinition {
  id: string;
  kind: LayerKind;
  /** Layer panel group, an i18n key under `groups.` */
  group: 'live' | 'buildings' | 'underground' | 'ground';
  /** i18n key under `layers.` */
  label: string;
  visible: boolean;
  opacity?: number;
  /** For tileset and tilesetPart: the tileset's name under /tiles/. */
  tileset?: string;
  /** For tilesetPart: the features it covers (property → accepted values). */
  match?: { category?: string[]; kind?: 'segment' | 'point' };
  /** Legend swatch (CSS colour) for parts drawn in their data's own colours. */
  swatch?: string;
}

/** CJJ 61 pipe categories as layers; colours as in the tiles (tiles-pipeline/src/pipes/cjj61Categories.ts). */
const PIPE_CATEGORIES: [code: string, swatch: string][] = [
  ['JS', 'rgb(0,255,255)'],
  ['PS', 'rgb(76,57,38)'],
  ['RQ', 'rgb(255,0,255)'],
  ['RL', 'rgb(255,128,0)'],
  ['DL', 'rgb(255,0,0)'],
  ['TX', 'rgb(0,255,0)'],
  ['GY', 'rgb(0,0,0)'],
  ['ZH', 'rgb(0,0,0)'],
];

export const LAYER_CATALOG: readonly LayerDefinition[] = [
  { id: 'sensors', kind: 'sensors', group: 'live', label: 'sensors', visible: true },
  { id: 'basemap', kind: 'basemap', group: 'ground', label: 'basemap', visible: true },
  { id: 'areas', kind: 'areas', group: 'ground', label: 'areas', visible: true },
  { id: 'roads', kind: 'roads', group: 'ground', label: 'roads', visible: true },
  { id: 'labels', kind: 'labels', group: 'ground', label: 'labels', visible: true },
  { id: 'buildings', kind: 'tileset', group: 'buildings', label: 'buildings', tileset: 'buildings', visible: true },
  { id: 'pipes', kind: 'tileset', group: 'underground', label: 'pipes', tileset: 'pipes', visible: true },
  ...PIPE_CATEGORIES.map(([code, swatch]): LayerDefinition => ({
    id: `pipes.${code}`,
    kind: 'tilesetPart',
    group: 'underground',
    label: `pipe.${code}`,
    tileset: 'pipes',
    match: { category: code === 'PS' ? ['PS', 'YS', 'WS', 'HS'] : [code], kind: 'segment' },
    swatch,
    visible: true,
  })),
  { id: 'pipes.points', kind: 'tilesetPart', group: 'underground', label: 'pipePoints', tileset: 'pipes', match: { kind: 'point' }, visible: true },
  { id: 'water-model', kind: 'tileset', group: 'underground', label: 'waterModel', tileset: 'water-model', visible: false },
];

export function layerDefinition(id: string): LayerDefinition | undefined {
  return LAYER_CATALOG.find((layer) => layer.id === id);
}

/** The parts of a tileset (pipe categories, points), in catalogue order. */
export function partsOf(tileset: string): LayerDefinition[] {
  return LAYER_CATALOG.filter((layer) => layer.kind === 'tilesetPart' && layer.tileset === tileset);
}
