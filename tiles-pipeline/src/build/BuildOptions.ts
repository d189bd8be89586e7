import type { BuildingOptions } from '../buildings/BuildingOptions.js';
import type { Compression } from '../gltf/Compression.js';
import { DEFAULT_TILING, type TilingOptions } from '../tiling/buildTileTree.js';

export interface BuildOptions extends BuildingOptions {
  inputs: string[];
  out: string;
  /** Replace an existing folder at `out` that is not a previous output (never one holding an input). */
  force?: boolean;
  /** Overrides the CRS the inputs declare. */
  crs: string | undefined;
  idField: string | undefined;
  lod: string | undefined;
  /** Code page of .dbf text, overriding .cpg and the dBASE language driver. */
  encoding?: string | undefined;
  compression: Compression;
  jobs: number;
  /** Heap limit of each worker thread, MB (default DEFAULT_WORKER_MEMORY_MB); a tile that needs more fails alone. */
  workerMemoryMb?: number;
  /** Deepest nesting of objects/arrays a GeoJSON feature may have (default DEFAULT_MAX_NESTING). */
  maxNesting?: number;
  /** Largest GeoJSON feature read, bytes of JSON (default DEFAULT_MAX_FEATURE_BYTES). */
  maxFeatureBytes?: number;
  tiling: TilingOptions;
  /** Called as work advances (phase, done, total when known). */
  onProgress?: (phase: 'read' | 'tiles', done: number, total: number | undefined) => void;
  /** The command line, recorded in the report. */
  command: string;
  /** Bytes of validated buildings held in memory before spooling to disk (tests set 0). */
  spoolMemoryBudget?: number;
}

/** Options with every default the CLI documents, for programmatic runs (tests, benchmarks). */
export function defaultBuildOptions(inputs: string[], out: string, overrides: Partial<BuildOptions> = {}): BuildOptions {
  return {
    inputs,
    out,
    crs: undefined,
    idField: undefined,
    lod: undefined,
    heightField: undefined,
    floorsField: undefined,
    minHeightField: undefined,
    floorHeight: 3,
    defaultHeight: 10,
    compression: 'meshopt',
    jobs: 1,
    tiling: DEFAULT_TILING,
    command: 'api',
    ...overrides,
  };
}
