import { describe, expect, it } from 'vitest';
import { CJJ61_CATEGORIES } from '../standards/cjj61Categories.js';
import { attributesFor, maySeeCategory, mayActAs, pipeAccessOf, ROLES, UTILITY_CATEGORIES, UTILITY_ROLES } from './dataAccess.js';

describe('data access by role', () => {
  it('public sees no pipe category; internal, operator and admin see every one', () => {
    for (const { code } of CJJ61_CATEGORIES) {
      expect(maySeeCategory('public', code)).toBe(false);
      for (const role of ['internal', 'operator', 'admin'] as const) expect(maySeeCategory(role, code)).toBe(true);
    }
  });

  it('a utility sees its own categories (by code or sub-type name), and nothing else', () => {
    for (const role of UTILITY_ROLES) {
      const own = new Set(UTILITY_CATEGORIES[role]);
      for (const category of CJJ61_CATEGORIES) {
        expect(maySeeCategory(role, category.code)).toBe(own.has(category.code));
        for (const name of Object.values(category.subTypes)) expect(maySeeCategory(role, name)).toBe(own.has(category.code));
      }
    }
    expect(maySeeCategory('drainage', 'YS')).toBe(true);
    expect(maySeeCategory('water', 'unknown-code')).toBe(false);
    expect(maySeeCategory('internal', 'unknown-code')).toBe(true);
  });

  it('internal reads attributes without the owner contacts; a utility reads them in full', () => {
    const pipe = { 编号: 'JS0001', 权属单位: '天津水务集团', 权属联系人: '王工', 联系电话: '022-1234' };
    expect(attributesFor('internal', pipe)).toEqual({ 编号: 'JS0001', 权属单位: '天津水务集团' });
    expect(attributesFor('water', pipe)).toEqual(pipe);
    expect(pipeAccessOf('public').attributes).toBe('desensitised');
  });

  it('only operator and admin act; only admin acts as admin', () => {
    for (const role of ROLES) {
      expect(mayActAs(role, 'operator')).toBe(role === 'operator' || role === 'admin');
      expect(mayActAs(role, 'admin')).toBe(role === 'admin');
    }
  });
});
