import { StartupError } from '../StartupError.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Bookmark, LayerDefinition } from '../../workers/formats/viewerConfig.js';
import { pipeNetworkLayers } from './demoViewerConfig.js';
import { PIPE_CATEGORIES_FILE } from '../../workers/formats/pipeLayout.js';

/** A tileset folder given on the command line (`npm start -- --tileset <dir>`), served and shown. */
export interface UserTileset {
  /** Served under /tiles/user/<name>/. */
  name: string;
  dir: string;
  layers: LayerDefinition[];
  bookmark: Bookmark;
  /** A pipe tileset of the pipeline: served through the data-role gate (server/access/PipeDataGate.ts). */
  isPipes: boolean;
}

/** The error for a --tileset folder that cannot be shown, in one sentence. */
export class UserTilesetError extends StartupError {}

/**
 * Reads a tileset folder the CLI wrote (or any 3D Tiles 1.1 folder with a tileset.json): its
 * layers — buildings styled by the style panel, pipes with their CJJ 61 parts — and a view of
 * it from its root bounding region.
 */
export function userTileset(path: string, index: number): UserTileset {
  const dir = resolve(path);
  const file = resolve(dir, 'tileset.json');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserTilesetError(`--tileset ${path}: not a folder`);
  if (!existsSync(file)) throw new UserTilesetError(`--tileset ${path}: no tileset.json in it (give the folder the CLI's --out wrote)`);
  let tileset: { root?: { boundingVolume?: { region?: number[] } }; schema?: { classes?: Record<string, unknown> } };
  try {
    tileset = JSON.parse(readFileSync(file, 'utf8')) as typeof tileset;
  } catch (error) {
    throw new UserTilesetError(`--tileset ${path}: tileset.json is not JSON (${(error as Error).message})`);
  }
  const region = tileset.root?.boundingVolume?.region;
  if (!region || region.length !== 6 || !region.every(Number.isFinite))
    throw new UserTilesetError(`--tileset ${path}: its root has no bounding region (only region-bounded tilesets can be placed on the map)`);
  const name = `${index}-${basename(dir).replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const url = `/tiles/user/${name}/`;
  const id = `user-${name}`;
  const label = basename(dir);
  const hasSearch = existsSync(resolve(dir, 'search-index.json'));
  const isPipes = Object.keys(tileset.schema?.classes ?? {}).includes('pipe');
  // Pipes are served per category and role; a folder from before that layout mixes every
  // category (and maybe owner contacts) in one tileset, which no gate can split.
  if (isPipes && !existsSync(resolve(dir, PIPE_CATEGORIES_FILE)))
    throw new UserTilesetError(
      `--tileset ${path}: a pipe tileset from an older pipeline (every category in one tileset, no ${PIPE_CATEGORIES_FILE}); build it again with \`cim-twin pipes\` so its categories can be served per data role`,
    );
  const layers: LayerDefinition[] = isPipes
    ? pipeNetworkLayers(id, url, label, true)
    : [
        {
          id,
          kind: 'tileset',
          group: 'buildings',
          label,
          visible: true,
          url: `${url}tileset.json`,
          ...(hasSearch ? { searchIndex: `${url}search-index.json` } : {}),
          styling: 'buildings',
        },
      ];
  return { name, dir, layers, bookmark: { id, label, view: viewOfRegion(region, isPipes) }, isPipes };
}

/** A view of a bounding region (radians, metres) from the south, 35° down, the whole region in sight. */
function viewOfRegion([west, south, east, north]: number[], underground: boolean): Bookmark['view'] {
  const toDegrees = 180 / Math.PI;
  const lon = ((west! + east!) / 2) * toDegrees;
  const lat = ((south! + north!) / 2) * toDegrees;
  const metres = Math.max((east! - west!) * 6_378_137 * Math.cos((lat * Math.PI) / 180), (north! - south!) * 6_378_137, 200);
  const range = metres * 1.2;
  const pitch = underground ? 50 : 35;
  const back = range * Math.cos((pitch * Math.PI) / 180);
  return { lon, lat: lat - back / 111_320, height: range * Math.sin((pitch * Math.PI) / 180), heading: 0, pitch: -pitch };
}
