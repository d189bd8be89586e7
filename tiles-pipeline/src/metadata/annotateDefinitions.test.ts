import { describe, expect, it } from 'vitest';
import type { PropertyDefinition } from './AttributeSchema.js';
import { annotateDefinitions } from './annotateDefinitions.js';

const d = (id: string, sourceName: string, type: PropertyDefinition['type'] = 'STRING'): PropertyDefinition => ({ id, sourceName, type, optional: true });

describe('property annotations for viewers', () => {
  it('marks the name property with the NAME semantic, by the shared list of name fields', () => {
    const out = annotateDefinitions([d('id', 'id'), d('address', 'address'), d('u540d_u79f0_', '名称'), d('name', 'name')]);
    expect(out.filter((p) => p.semantic === 'NAME').map((p) => p.id)).toEqual(['name']);
    expect(annotateDefinitions([d('u540d_u79f0_', '名称')])[0]!.semantic).toBe('NAME');
    expect(annotateDefinitions([d('name', 'name', 'INT32')])[0]!.semantic).toBeUndefined();
  });

  it('marks source columns read into a built-in property, when the built-in is there', () => {
    const out = annotateDefinitions([d('diameter', 'diameter', 'FLOAT64'), d('u7ba1_u5f84_', '管径', 'INT32'), d('u6750_u8d28_', '材质')], {
      diameter: ['管径', 'DN'],
      material: ['材质'],
    });
    expect(out.map((p) => p.normalisedAs)).toEqual([undefined, 'diameter', undefined]); // no built-in material here
  });
});
