/**
 * Makes feature ids unique within a run, as the tiles' `id` property and search-index.json
 * need them (one id, one feature). The rule, stable in input order: the first feature keeps its
 * id; a later one with the same id becomes `<id>#2`, the next `<id>#3`, skipping any suffixed
 * id already taken. The caller reports each rename (ID_DUPLICATE_RENAMED).
 */
export class UniqueIds {
  private readonly used = new Set<string>();
  /** Next suffix to try per id, so a thousand repeats stay linear. */
  private readonly nextSuffix = new Map<string, number>();

  /** The id to use for a feature that has `id`: itself if unused, else the next free `<id>#k`. */
  claim(id: string): string {
    if (!this.used.has(id)) {
      this.used.add(id);
      return id;
    }
    let k = this.nextSuffix.get(id) ?? 2;
    while (this.used.has(`${id}#${k}`)) k++;
    this.nextSuffix.set(id, k + 1);
    const unique = `${id}#${k}`;
    this.used.add(unique);
    return unique;
  }
}
