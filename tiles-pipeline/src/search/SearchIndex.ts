import { firstText } from '../../../workers/formats/featureNames.js';
import { emptySearchIndex, type SearchIndexDocument } from '../../../workers/formats/searchIndex.js';

/** Writes search-index.json (format in workers/formats/searchIndex.ts), a feature at a time. */
export class SearchIndex {
  private readonly document: SearchIndexDocument & { namesEn: string[] };

  constructor(featureClass: string) {
    this.document = emptySearchIndex(featureClass);
  }

  /**
   * A feature: its name, English name and address from the fields that hold them (featureNames,
   * one place), else the given fallbacks (a pipe is "燃气 DN300" / "gas DN300").
   */
  add(id: string, attributes: Readonly<Record<string, unknown>>, lon: number, lat: number, height: number, fallback?: { name: string; nameEn: string }): void {
    const d = this.document;
    d.ids.push(id);
    d.names.push(firstText(attributes, 'name') || (fallback?.name ?? ''));
    d.namesEn.push(firstText(attributes, 'nameEn') || (fallback?.nameEn ?? ''));
    d.addresses.push(firstText(attributes, 'address'));
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
      namesEn: keep(d.namesEn),
      addresses: keep(d.addresses),
      lon: keep(d.lon),
      lat: keep(d.lat),
      height: keep(d.height),
    });
  }
}
