/** The subset of the 3D Tiles 1.1 tileset.json structure this project writes and checks. */
export interface Tileset {
  asset: { version: '1.1' | '1.0'; generator?: string; tilesetVersion?: string };
  /** The metadata schema of the contents (3D Tiles 1.1 tileset-level `schema`). */
  schema?: object;
  geometricError: number;
  root: Tile;
  extensionsUsed?: string[];
  extensionsRequired?: string[];
  properties?: Record<string, { minimum: number; maximum: number }>;
  extras?: Record<string, unknown>;
}

export interface BoundingVolume {
  region?: number[];
  box?: number[];
  sphere?: number[];
}

export interface Tile {
  boundingVolume: BoundingVolume;
  geometricError: number;
  refine?: 'ADD' | 'REPLACE';
  transform?: number[];
  content?: { uri: string; boundingVolume?: BoundingVolume };
  children?: Tile[];
  extras?: Record<string, unknown>;
}
