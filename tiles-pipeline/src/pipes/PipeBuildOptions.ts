import type { Compression } from '../gltf/Compression.js';
import type { FieldMapping } from './pipeFields.js';

export interface PipeBuildOptions {
  inputs: string[];
  out: string;
  /** Replace an existing folder at `out` that is not a previous output (never one holding an input). */
  force?: boolean;
  crs: string | undefined;
  /** Code page of EPANET .inp and .dbf text (default: UTF-8 if valid, else GB18030; a .cpg for .dbf). */
  encoding?: string | undefined;
  /** EPANET schematic coordinates: put the network's centre here (lon, lat) in a local metric frame. */
  origin: [number, number] | undefined;
  /** Depth of cover (m) for EPANET pipes, which carry no depth. */
  cover: number;
  /** Category for inputs that name none (by column or file name). */
  category: string | undefined;
  mapping: FieldMapping;
  compression: Compression;
  maxFeatures: number;
  /** flat: pipes hang below a flat ground at height 0 (as buildings stand without terrain); points: below the points' 地面高程. */
  ground: 'flat' | 'points';
  /** Worker threads checking clearances and building tile contents (1: this thread does both). */
  jobs: number;
  /** Heap limit of each worker thread, MB (default DEFAULT_WORKER_MEMORY_MB); a tile that needs more fails alone. */
  workerMemoryMb?: number;
  /** Deepest nesting of objects/arrays a GeoJSON feature may have (default DEFAULT_MAX_NESTING). */
  maxNesting?: number;
  /** Largest GeoJSON feature read, bytes of JSON (default DEFAULT_MAX_FEATURE_BYTES). */
  maxFeatureBytes?: number;
  /** A service-connection table (CSV, GeoJSON, Shapefile: building id → connection point), written into network.json. */
  services?: string | undefined;
  /** The buildings tileset (folder or its search-index.json): every building of it gets a connection, inferred where the table has none. */
  serviceBuildings?: string | undefined;
  /** How far an inferred connection reaches for a main, metres (default DEFAULT_SERVICE_REACH). */
  serviceReach?: number | undefined;
  /** Points of interest: the hospitals, schools and care homes among them are placed on served buildings or nodes in network.json. */
  facilities?: string | undefined;
  command: string;
  /** Called as work advances (phase, done, total when known). */
  onProgress?: (phase: 'read' | 'tiles', done: number, total: number | undefined) => void;
}
