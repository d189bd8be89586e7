import type { SearchHit } from '../../viewer/src/platform/LayerPlugin.js';
import type { SearchIndexDocument } from '../../workers/formats/searchIndex.js';

/** The columns of a tileset's search-index.json the search needs. */
export type SearchIndexColumns = Pick<SearchIndexDocument, 'featureClass' | 'count' | 'ids' | 'names' | 'namesEn' | 'addresses' | 'lon' | 'lat' | 'height'>;

/**
 * Ranks features for a query: exact id, then name prefix, name substring, id prefix, address
 * substring (case-insensitive; every word of the query must match somewhere). Chinese and
 * English names count alike, so "Drum Tower" finds 鼓楼. Pure: the indexes are passed in.
 */
export function searchFeatures(indexes: readonly { tileset: string; index: SearchIndexColumns }[], query: string, limit = 12): SearchHit[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const whole = words.join(' ');
  const hits: SearchHit[] = [];
  for (const { tileset, index } of indexes) {
    for (let i = 0; i < index.count; i++) {
      const id = index.ids[i]!;
      const name = index.names[i]!;
      const nameEn = index.namesEn?.[i] ?? '';
      const address = index.addresses[i]!;
      const idLower = id.toLowerCase();
      const nameLower = name.toLowerCase();
      const nameEnLower = nameEn.toLowerCase();
      const addressLower = address.toLowerCase();
      if (!words.every((w) => nameLower.includes(w) || nameEnLower.includes(w) || addressLower.includes(w) || idLower.includes(w))) continue;
      let score = 0;
      if (idLower === whole) score = 100;
      else if (nameLower === whole || nameEnLower === whole) score = 90;
      else if (nameLower.startsWith(whole) || (nameEnLower && nameEnLower.startsWith(whole))) score = 70;
      else if (nameLower.includes(whole) || nameEnLower.includes(whole)) score = 50;
      else if (idLower.startsWith(whole)) score = 40;
      else if (addressLower.includes(whole)) score = 30;
      else score = 10;
      // Buildings before pipes of the same score; shorter names (closer matches) first.
      score -= Math.min(name.length, 40) / 100 + (index.featureClass === 'building' ? 0 : 1);
      hits.push({ tileset, id, name, ...(nameEn ? { nameEn } : {}), address, lon: index.lon[i]!, lat: index.lat[i]!, height: index.height[i]!, score });
    }
  }
  hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  return hits.slice(0, limit);
}
