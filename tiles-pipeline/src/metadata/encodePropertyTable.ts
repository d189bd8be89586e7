import type { FeatureClass } from './FeatureClass.js';
import type { AttributeValue } from '../readers/SourceFeature.js';
import type { PropertyDefinition, PropertyType } from './AttributeSchema.js';

/** noData sentinels for optional numeric properties (declared in the schema). */
export const NO_DATA: Partial<Record<PropertyType, number>> = { INT32: -2147483648, FLOAT64: -1.7976931348623157e308 };

export interface EncodedProperty {
  id: string;
  values: Uint8Array;
  /** UINT32 string offsets (count + 1) for STRING properties. */
  stringOffsets?: Uint8Array;
}

/** A tile's property table, encoded: what a tile build needs of its features' attributes. */
export interface EncodedTable {
  count: number;
  /** One per definition, in order, except optional strings that are empty in every row (left out). */
  properties: EncodedProperty[];
}

/**
 * Encodes one column per property in EXT_structural_metadata binary layout: little-endian
 * numbers, UTF-8 strings with UINT32 offsets, booleans as a bitstream. Missing values become
 * the noData sentinel ("" for strings, false for booleans).
 *
 * An optional string property that is empty in every row is left out of the table. Its
 * `values` would hold 0 bytes, but a glTF buffer view holds at least 1 and the 3D Tiles
 * validator requires `values` to be exactly as long as the last string offset
 * (METADATA_INVALID_LENGTH); the spec lets a table omit any property that is not `required`,
 * and a reader then sees no value, as it does for the noData "". A required string column
 * cannot be all empty: AttributeSchema makes a field that is ever "" optional.
 */
export function encodePropertyTable(definitions: readonly PropertyDefinition[], rows: readonly (readonly AttributeValue[])[]): EncodedTable {
  return encodePropertyColumns(definitions, rows.length, (row, column) => rows[row]![column]);
}

/** The same, reading each value through `valueAt(row, column)`: no row arrays to build first. */
export function encodePropertyColumns(
  definitions: readonly PropertyDefinition[],
  count: number,
  valueAt: (row: number, column: number) => AttributeValue | undefined,
): EncodedTable {
  const encoder = new TextEncoder();
  const properties: EncodedProperty[] = [];
  definitions.forEach((definition, column) => {
    const encoded = encodeColumn(definition, column);
    if (encoded) properties.push(encoded);
  });
  return { count, properties };

  function encodeColumn(definition: PropertyDefinition, column: number): EncodedProperty | undefined {
    switch (definition.type) {
      case 'STRING': {
        // The column is encoded as one string (one native call, not one per value); the offsets
        // come from each text's UTF-8 length, counted in JS.
        const texts = new Array<string>(count);
        const offsets = new Uint32Array(count + 1);
        let total = 0;
        for (let i = 0; i < count; i++) {
          const value = valueAt(i, column);
          const text = value === null || value === undefined ? '' : String(value);
          texts[i] = text;
          total += utf8Length(text);
          offsets[i + 1] = total;
        }
        if (total === 0) {
          if (definition.optional) return undefined;
          throw new Error(
            `required string property "${definition.id}" is empty in all ${count} rows: it cannot be encoded (a glTF buffer view is never empty)`,
          );
        }
        let values = encoder.encode(texts.join(''));
        // Lone surrogates at the ends of neighbours pair up when joined: encode one by one then.
        if (values.length !== total) {
          values = new Uint8Array(total);
          for (let i = 0; i < count; i++) encoder.encodeInto(texts[i]!, values.subarray(offsets[i]!));
        }
        return { id: definition.id, values, stringOffsets: new Uint8Array(offsets.buffer) };
      }
      case 'BOOLEAN': {
        const values = new Uint8Array(Math.ceil(count / 8));
        for (let i = 0; i < count; i++) if (valueAt(i, column) === true) values[i >> 3]! |= 1 << (i & 7);
        return { id: definition.id, values };
      }
      default: {
        const array = numericArray(definition.type, count);
        const noData = NO_DATA[definition.type] ?? 0;
        for (let i = 0; i < count; i++) {
          const value = valueAt(i, column);
          array[i] = typeof value === 'number' ? value : noData;
        }
        return { id: definition.id, values: new Uint8Array(array.buffer, array.byteOffset, array.byteLength) };
      }
    }
  }
}

/** The distinct buffers under a table's columns: to transfer it to a worker without a copy. */
export function tableBuffers(table: EncodedTable): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const p of table.properties) {
    buffers.add(p.values.buffer as ArrayBuffer);
    if (p.stringOffsets) buffers.add(p.stringOffsets.buffer as ArrayBuffer);
  }
  return [...buffers];
}

/** Bytes `text` takes in UTF-8 (a lone surrogate becomes U+FFFD: 3 bytes, as TextEncoder writes it). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a pair: two units, four bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

function numericArray(type: PropertyType, count: number): Int32Array | Float64Array | Float32Array | Uint8Array {
  switch (type) {
    case 'INT32':
      return new Int32Array(count);
    case 'FLOAT64':
      return new Float64Array(count);
    case 'FLOAT32':
      return new Float32Array(count);
    default:
      return new Uint8Array(count);
  }
}

/**
 * The schema JSON for EXT_structural_metadata, shared by every tile and by tileset.json: the
 * feature class (property names keep the source's own, e.g. Chinese, field names) and the
 * semantic surface class.
 */
export function metadataSchemaJson(definitions: readonly PropertyDefinition[], featureClass: FeatureClass): object {
  const properties: Record<string, object> = {};
  for (const d of definitions) {
    const property: Record<string, unknown> = { name: d.sourceName, type: d.type === 'STRING' || d.type === 'BOOLEAN' ? d.type : 'SCALAR' };
    if (d.type !== 'STRING' && d.type !== 'BOOLEAN') property['componentType'] = d.type;
    const noData = NO_DATA[d.type];
    if (d.optional && noData !== undefined) property['noData'] = noData;
    if (d.optional && d.type === 'STRING') property['noData'] = '';
    if (!d.optional) property['required'] = true;
    if (d.semantic && d.type === 'STRING') property['semantic'] = d.semantic;
    // A viewer shows the normalised value (diameter 0.3 m) instead of the column it came from (管径 300).
    if (d.normalisedAs) property['extras'] = { normalisedAs: d.normalisedAs };
    properties[d.id] = property;
  }
  return {
    id: 'cim_twin',
    classes: {
      [featureClass.id]: { name: featureClass.name, description: featureClass.description, properties },
      surface: {
        name: 'Surface',
        description: 'Semantic surface type of the vertices (CityJSON semantics; roof and wall for extrusions).',
        properties: { type: { type: 'STRING', required: true } },
      },
    },
  };
}
