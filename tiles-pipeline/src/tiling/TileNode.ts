/** A node of the tile hierarchy, before its content is built. */
export interface TileNode {
  /** Path from the root: "" for the root, then one digit (0-3) per level. */
  path: string;
  /** Indices (into the run's building columns) of the buildings this tile draws itself. */
  content: number[];
  children: TileNode[];
  /** Metres of detail missing when this tile is drawn without its children. */
  geometricError: number;
}
