import { Color, ColorGeometryInstanceAttribute, ShowGeometryInstanceAttribute, type Primitive } from 'cesium';

/**
 * Colour and show of each instance of a static Primitive, set in place (a batch-table write, no
 * rebuild, no new shader). A Primitive has its per-instance attributes only once it is ready,
 * so changes asked for before then wait and `flush` (each pre-render) applies them.
 */
export class InstanceAttributes {
  private readonly colors: (Color | undefined)[];
  private readonly shows: boolean[];
  private readonly pending = new Set<number>();

  /** `ids`: the instances' ids, the same objects given to their GeometryInstances (the lookup is by identity). */
  constructor(
    readonly primitive: Primitive,
    private readonly ids: readonly object[],
    initialShow: boolean,
  ) {
    this.colors = ids.map(() => undefined);
    this.shows = ids.map(() => initialShow);
  }

  /** Whether anything changed. */
  set(index: number, show: boolean, color?: Color): boolean {
    const colorChanged = color !== undefined && !Color.equals(color, this.colors[index]);
    if (show === this.shows[index] && !colorChanged) return false;
    this.shows[index] = show;
    if (colorChanged) this.colors[index] = Color.clone(color);
    this.pending.add(index);
    return true;
  }

  shown(index: number): boolean {
    return this.shows[index] ?? false;
  }

  /** Applies what waits; true when it did (the caller asks for a render then). */
  flush(): boolean {
    if (this.pending.size === 0 || !this.primitive.ready) return false;
    for (const index of this.pending) {
      const attributes = this.primitive.getGeometryInstanceAttributes(this.ids[index]!) as { color: Uint8Array; show: Uint8Array } | undefined;
      if (!attributes) continue;
      const color = this.colors[index];
      if (color) attributes.color = ColorGeometryInstanceAttribute.toValue(color, attributes.color);
      attributes.show = ShowGeometryInstanceAttribute.toValue(this.shows[index]!, attributes.show);
    }
    this.pending.clear();
    return true;
  }
}
