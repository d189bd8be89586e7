/**
 * search-index.json: what the viewer needs to find a feature by name, address or id and fly
 * to it without loading its tile first. Columnar (one array per field, same order) so it
 * stays compact and parses fast; written beside tileset.json and documented in the README.
 */
export interface SearchIndexDocument {
  format: 'cim-twin-search-index';
  version: 1;
  /** The metadata class of the features (building, pipe). */
  featureClass: string;
  count: number;
  /** Feature ids, equal to the tiles' `id` property. */
  ids: string[];
  /** Display names ('' when the feature has none). */
  names: string[];
  /** Addresses or road names ('' when none). */
  addresses: string[];
  /** Anchor point: longitude and latitude in degrees (7 decimals), height in metres (top of a building, centre of a pipe). */
  lon: number[];
  lat: number[];
  height: number[];
}

export class SearchIndex {
  private readonly document: SearchIndexDocument;

  constructor(featureClass: string) {
    this.document = { format: 'cim-twin-search-index', version: 1, featureClass, count: 0, ids: [], names: [], addresses: [], lon: [], lat: [], height: [] };
  }

  add(id: string, name: string, address: string, lon: number, lat: number, height: number): void {
    const d = this.document;
    d.ids.push(id);
    d.names.push(name);
    d.addresses.push(address);
    d.lon.push(Math.round(lon * 1e7) / 1e7);
    d.lat.push(Math.round(lat * 1e7) / 1e7);
    d.height.push(Math.round(height * 100) / 100);
    d.count++;
  }

  /** `leaveOut`: positions (in the order added) of entries not to write, e.g. features whose tile failed. */
  toJson(leaveOut: ReadonlySet<number> = new Set()): string {
    if (leaveOut.size === 0) return JSON.stringify(this.document);
    const d = this.document;
    const keep = <T>(column: T[]): T[] => column.filter((_, i) => !leaveOut.has(i));
    const ids = keep(d.ids);
    return JSON.stringify({
      ...d,
      count: ids.length,
      ids,
      names: keep(d.names),
      addresses: keep(d.addresses),
      lon: keep(d.lon),
      lat: keep(d.lat),
      height: keep(d.height),
    });
  }
}

/** Source fields that hold a feature's name or address, in order of preference (English and CJJ 61 / CIM Chinese names). */
const NAME_FIELDS = ['name', 'NAME', 'Name', '名称', '建筑名称', '建筑物名称', 'mc', 'MC'];
const ADDRESS_FIELDS = ['address', 'ADDRESS', 'Address', 'addr:full', '地址', '门牌地址', '道路名称', 'road', 'dz', 'DZ'];

export function firstText(attributes: Record<string, unknown>, fields: 'name' | 'address'): string {
  for (const field of fields === 'name' ? NAME_FIELDS : ADDRESS_FIELDS) {
    const value = attributes[field];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number') return String(value);
  }
  return '';
}
