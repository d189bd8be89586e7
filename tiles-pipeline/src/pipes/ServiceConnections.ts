/** A row of a service-connection table, as read (see readServiceTable). */
export interface ServiceTableRow {
  /** Where it is in its file: "line 12" (CSV), the feature's id or "#11" (GeoJSON, Shapefile). */
  where: string;
  building: string | undefined;
  /** The connection point on the main (接入点): a pipe point's id. */
  node: string | undefined;
  /** The main it taps (接入管线), when the table says. */
  main: string | undefined;
  street: string | undefined;
  address: string | undefined;
  /** The building's end of the service pipe, or the building's point (WGS84). */
  lon: number | undefined;
  lat: number | undefined;
  /** Plan length of the service pipe drawn (m). */
  length: number | undefined;
}

/** A building the connections are made for (`--buildings`: the buildings tileset's search index). */
export interface ServiceBuilding {
  id: string;
  lon: number;
  lat: number;
  address: string | undefined;
}

export type ServiceIssueCode =
  /** A row without a building id: skipped. */
  | 'SERVICE_ROW_INVALID'
  /** A row naming a building the buildings tileset does not have: skipped. */
  | 'SERVICE_BUILDING_UNKNOWN'
  /** A second row for a building: skipped, the first one counts. */
  | 'SERVICE_DUPLICATE'
  /** A row naming a connection point that is no water-supply node: its connection is inferred instead. */
  | 'SERVICE_NODE_UNKNOWN'
  /** No main within reach (and no usable connection point): the building is unserved. */
  | 'SERVICE_UNSERVED';

export interface ServiceIssue {
  file: string;
  /** The row (see ServiceTableRow.where) or the building id. */
  row: string;
  code: ServiceIssueCode;
  message: string;
}

/** build-report.json `services`: where each building's connection came from. */
export interface ServiceReport {
  table: string | undefined;
  buildings: string | undefined;
  rows: number;
  /** Buildings connected as the table says. */
  fromTable: number;
  /** Buildings connected to the nearest main of their own street, and to the nearest main at all (within reachMetres). */
  inferredSameStreet: number;
  inferredNearest: number;
  inferred: number;
  unserved: number;
  reachMetres: number;
  byCode: Partial<Record<ServiceIssueCode, number>>;
  /** The first 1000 issues in full. */
  issues: ServiceIssue[];
}

/** build-report.json `facilities`: the critical facilities read and how each was placed. */
export interface FacilityReport {
  file: string;
  read: number;
  /** Hospitals, schools, care homes among them. */
  critical: number;
  named: number;
  nearestBuilding: number;
  nearestNode: number;
  /** Critical facilities placed nowhere (no served building or water node within reach), by id. */
  unmatched: string[];
}
