import type { FeatureLocation, SearchHit } from '../../viewer/src/platform/LayerPlugin.js';
import { searchFeatures, type SearchIndexColumns } from './searchFeatures.js';

/** The search indexes of the tileset layers that have one, loaded on first use (not needed to draw the city). */
export class TilesetSearch {
  private indexes: Promise<{ tileset: string; index: SearchIndexColumns }[]> | undefined;

  /** `sources`: layer id → search-index.json URL. */
  constructor(
    private readonly sources: readonly { layerId: string; url: string }[],
    /** The data role's Authorization header: pipe indexes hold only the categories the role sees. */
    private readonly headers: () => Record<string, string> = () => ({}),
  ) {}

  async search(query: string, limit?: number): Promise<SearchHit[]> {
    return searchFeatures(await this.load(), query, limit);
  }

  /** Where a feature of a layer is, by its exact id. */
  async locate(layerId: string, featureId: string): Promise<FeatureLocation | undefined> {
    const entry = (await this.load()).find((e) => e.tileset === layerId);
    if (!entry) return undefined;
    const i = entry.index.ids.indexOf(featureId);
    return i < 0 ? undefined : { lon: entry.index.lon[i]!, lat: entry.index.lat[i]!, height: entry.index.height[i]! };
  }

  private load(): Promise<{ tileset: string; index: SearchIndexColumns }[]> {
    this.indexes ??= Promise.all(
      this.sources.map(async ({ layerId, url }) => {
        try {
          const response = await fetch(url, { headers: this.headers() });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          return { tileset: layerId, index: (await response.json()) as SearchIndexColumns };
        } catch (error) {
          console.warn(`search index of layer "${layerId}" (${url}) is unavailable`, error);
          return undefined;
        }
      }),
    ).then((list) => list.filter((entry) => entry !== undefined));
    return this.indexes;
  }
}
