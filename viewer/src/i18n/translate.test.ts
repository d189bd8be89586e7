import { describe, expect, it } from 'vitest';
import en from './en.json';
import zhCN from './zh-CN.json';
import { translate } from './translate.js';

function keys(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null) return [prefix];
  return Object.entries(node).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('UI strings', () => {
  it('both languages have the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
  });

  it('fills placeholders and falls back to the key', () => {
    expect(translate('en', 'status.tiles', { count: 12 })).toBe('12 tiles');
    expect(translate('zh-CN', 'status.tiles', { count: 12 })).toBe('瓦片 12');
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
    expect(translate('en', 'no.such.key', undefined, '名称')).toBe('名称');
  });
});
