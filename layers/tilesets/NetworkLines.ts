import { Cartesian3, Color, Material, PolylineCollection, type Scene } from 'cesium';
import type { NetworkDocument } from '../../workers/formats/networkDocument.js';

/** On-screen width of the lines (CSS px): a pipe never reads thinner than this. */
const LINE_PX = 2.5;
/** Colours too dark to see on the dark ground (CJJ 61 gives black to industrial pipes and tunnels). */
const DARK = Color.fromCssColorString('#8a8f99');

/**
 * The network's centre lines (network.json, at their true depth), a few pixels wide, under the
 * tubes of a pipe tileset: from 90–250 m a DN300 tube covers a pixel or less, the line keeps it
 * readable; up close the tube is wider than the line and hides it (both are depth-tested). One
 * collection per category, so a category toggles with one flag.
 */
export class NetworkLines {
  private readonly byCategory = new Map<string, PolylineCollection>();
  private destroyed = false;

  constructor(private readonly scene: Scene) {}

  async load(url: string, headers: Record<string, string> = {}): Promise<void> {
    const response = await fetch(url, { headers });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const doc = (await response.json()) as NetworkDocument;
    if (this.destroyed) return;
    const { nodes, edges } = doc;
    if (!edges.heightFrom || !edges.heightTo) return; // written before the lines' heights were: tubes only
    const materials = new Map<string, Color>();
    for (let e = 0; e < edges.id.length; e++) {
      const category = edges.category[e]!;
      let lines = this.byCategory.get(category);
      if (!lines) {
        const rgb = doc.categories[category]?.rgb ?? [160, 160, 160];
        const color = rgb[0] + rgb[1] + rgb[2] < 120 ? DARK : Color.fromBytes(rgb[0], rgb[1], rgb[2], 255);
        materials.set(category, color);
        lines = this.scene.primitives.add(new PolylineCollection()) as PolylineCollection;
        this.byCategory.set(category, lines);
      }
      const a = edges.from[e]!;
      const b = edges.to[e]!;
      lines.add({
        positions: [
          Cartesian3.fromDegrees(nodes.lon[a]!, nodes.lat[a]!, edges.heightFrom[e]!),
          Cartesian3.fromDegrees(nodes.lon[b]!, nodes.lat[b]!, edges.heightTo[e]!),
        ],
        width: LINE_PX,
        // One material per polyline: a polyline destroys its material when removed.
        material: Material.fromType('Color', { color: materials.get(category)! }),
      });
    }
  }

  /** Shows the lines of the visible categories (all hidden when `show` is false). */
  apply(show: boolean, categoryVisible: (category: string) => boolean): void {
    for (const [category, lines] of this.byCategory) lines.show = show && categoryVisible(category);
  }

  destroy(): void {
    this.destroyed = true;
    for (const lines of this.byCategory.values()) this.scene.primitives.remove(lines);
    this.byCategory.clear();
  }
}
