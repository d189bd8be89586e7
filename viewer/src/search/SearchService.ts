import { searchFeatures, type SearchHit, type SearchIndexColumns } from './searchFeatures.js';

/** Loads the tilesets' search indexes on first use (they are not needed to draw the city). */
export class SearchService {
  private indexes: Promise<{ tileset: string; index: SearchIndexColumns }[]> | undefined;

  constructor(
    private readonly tilesUrl: string,
    private readonly tilesets: readonly string[],
  ) {}

  async search(query: string, limit?: number): Promise<SearchHit[]> {
    this.indexes ??= Promise.all(
      this.tilesets.map(async (tileset) => {
        const response = await fetch(`${this.tilesUrl}${tileset}/search-index.json`);
        if (!response.ok) return undefined;
        return { tileset, index: (await response.json()) as SearchIndexColumns };
      }),
    ).then((list) => list.filter((entry) => entry !== undefined));
    return searchFeatures(await this.indexes, query, limit);
  }

  async find(tileset: string, id: string): Promise<SearchHit | undefined> {
    const hits = await this.search(id, 50);
    return hits.find((hit) => hit.tileset === tileset && hit.id === id) ?? hits.find((hit) => hit.id === id);
  }
}
