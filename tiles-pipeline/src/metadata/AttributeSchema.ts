import type { Attributes } from '../readers/SourceFeature.js';

/** EXT_structural_metadata property types we write. */
export type PropertyType = 'STRING' | 'BOOLEAN' | 'INT32' | 'FLOAT64' | 'FLOAT32' | 'UINT8';

export interface PropertyDefinition {
  /** Identifier in the schema (^[a-zA-Z_][a-zA-Z0-9_]*$). */
  id: string;
  /** The attribute's name in the input, e.g. "高度" or "name:en": the label a viewer shows. */
  sourceName: string;
  type: PropertyType;
  /** Whether any feature lacks the value or has "" (then a noData value is declared). */
  optional: boolean;
  /** A 3D Tiles metadata semantic: NAME marks the property that holds the feature's name. */
  semantic?: 'NAME';
  /** For a source column the pipeline read into a built-in property (管径 → diameter): that property's id. */
  normalisedAs?: string;
}

/** Properties every building carries, whatever its input; input fields with these names are renamed. */
export const BUILT_IN_PROPERTIES: readonly PropertyDefinition[] = [
  { id: 'id', sourceName: 'id', type: 'STRING', optional: false },
  { id: 'height', sourceName: 'height', type: 'FLOAT32', optional: false },
  { id: 'baseHeight', sourceName: 'baseHeight', type: 'FLOAT32', optional: false },
  { id: 'cimLevel', sourceName: 'cimLevel', type: 'UINT8', optional: false },
];

type Seen = { strings: boolean; booleans: boolean; numbers: boolean; nonInt32: boolean; missing: number; present: number; lastFeature: number };

/**
 * Collects the type of every input attribute over the whole run, so every tile of a tileset
 * shares one schema: a field is INT32 only if every value fits, mixed fields become STRING.
 */
export class AttributeSchema {
  private readonly seen = new Map<string, Seen>();
  private features = 0;

  /** `builtIns`: the properties every feature carries, first in the table (buildings' by default). */
  constructor(private readonly builtIns: readonly PropertyDefinition[] = BUILT_IN_PROPERTIES) {}

  /** Records one feature's attributes, given as one object or several (later ones win). */
  observe(...parts: Attributes[]): void {
    this.features++;
    for (const attributes of parts) {
      for (const key in attributes) {
        const value = attributes[key];
        let s = this.seen.get(key);
        if (!s) {
          s = { strings: false, booleans: false, numbers: false, nonInt32: false, missing: this.features - 1, present: 0, lastFeature: 0 };
          this.seen.set(key, s);
        }
        // "" is no value: a field empty in some features is optional, like one they lack, so a
        // tile where it is empty throughout can leave the column out (see encodePropertyColumns).
        if (value === null || value === undefined) continue;
        if (value === '') {
          s.strings = true;
          continue;
        }
        // A key present in two parts of one feature counts once.
        if (s.lastFeature !== this.features) {
          s.present++;
          s.lastFeature = this.features;
        }
        if (typeof value === 'string') s.strings = true;
        else if (typeof value === 'boolean') s.booleans = true;
        else {
          s.numbers = true;
          if (!Number.isInteger(value) || value < -2147483647 || value > 2147483647) s.nonInt32 = true;
        }
      }
    }
  }

  /** Fields whose values had more than one type (written as strings). */
  mixedFields(): string[] {
    return [...this.seen].filter(([, s]) => [s.strings, s.booleans, s.numbers].filter(Boolean).length > 1).map(([k]) => k);
  }

  /** The property definitions, built-ins first, then input fields in a stable (sorted) order. */
  definitions(): PropertyDefinition[] {
    const used = new Set(this.builtIns.map((p) => p.id));
    const result: PropertyDefinition[] = [...this.builtIns];
    const keys = [...this.seen.keys()].sort();
    for (const key of keys) {
      const s = this.seen.get(key)!;
      if (s.present === 0) continue; // never has a value: nothing to carry
      const kinds = [s.strings, s.booleans, s.numbers].filter(Boolean).length;
      const type: PropertyType = kinds > 1 || s.strings ? 'STRING' : s.booleans ? 'BOOLEAN' : s.nonInt32 ? 'FLOAT64' : 'INT32';
      let id = propertyIdFor(key);
      if (used.has(id)) id = `src_${id}`;
      while (used.has(id)) id = `${id}_`;
      used.add(id);
      result.push({ id, sourceName: key, type, optional: s.present < this.features });
    }
    return result;
  }
}

/** A schema-safe identifier for an attribute name; non-ASCII characters become their code points. */
export function propertyIdFor(name: string): string {
  let id = '';
  for (const ch of name) {
    if (/[A-Za-z0-9_]/.test(ch)) id += ch;
    else if (ch.charCodeAt(0) < 128) id += '_';
    else id += `u${ch.codePointAt(0)!.toString(16)}_`;
  }
  if (!/^[A-Za-z_]/.test(id)) id = `_${id}`;
  return id;
}
