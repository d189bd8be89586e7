import { NAME_FIELDS } from '../../../workers/formats/featureNames.js';
import type { PropertyDefinition } from './AttributeSchema.js';

/**
 * Marks what a viewer needs to know about the properties: the one holding the feature's name
 * (3D Tiles semantic NAME, chosen by the same field list the search index uses) and source
 * columns read into built-in properties (`columnsOf`: built-in id → the source columns it may
 * come from), so the viewer shows 管径 once, as the normalised diameter.
 */
export function annotateDefinitions(
  definitions: readonly PropertyDefinition[],
  columnsOf: Readonly<Record<string, readonly string[]>> = {},
): PropertyDefinition[] {
  const ids = new Set(definitions.map((d) => d.id));
  const nameProperty = NAME_FIELDS.map((field) => definitions.find((d) => d.sourceName === field && d.type === 'STRING')).find((d) => d !== undefined);
  return definitions.map((d) => {
    const builtIn = Object.entries(columnsOf).find(([id, columns]) => id !== d.id && ids.has(id) && columns.includes(d.sourceName))?.[0];
    return { ...d, ...(d === nameProperty ? { semantic: 'NAME' as const } : {}), ...(builtIn ? { normalisedAs: builtIn } : {}) };
  });
}
