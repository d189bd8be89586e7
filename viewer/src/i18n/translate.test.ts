import { describe, expect, it } from 'vitest';
import sensorsEn from '../../../layers/sensors/i18n.en.json';
import sensorsZh from '../../../layers/sensors/i18n.zh-CN.json';
import incidentsEn from '../../../layers/incidents/i18n.en.json';
import incidentsZh from '../../../layers/incidents/i18n.zh-CN.json';
import en from './en.json';
import zhCN from './zh-CN.json';
import { Translator } from './translate.js';

/** Every dotted key, less the plural forms one language has and another has not (Chinese has none). */
function keys(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null) return /_(zero|one|two|few|many)$/.test(prefix) ? [] : [prefix];
  return Object.entries(node).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('UI strings', () => {
  it('both languages have the same keys, in the viewer and in each plugin', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
    expect(keys(sensorsEn).sort()).toEqual(keys(sensorsZh).sort());
    expect(keys(incidentsEn).sort()).toEqual(keys(incidentsZh).sort());
  });

  it('fills placeholders and falls back to the key', () => {
    const t = new Translator();
    expect(t.translate('en', 'status.tiles', { count: 12 })).toBe('12 tiles');
    expect(t.translate('zh-CN', 'status.tiles', { count: 12 })).toBe('瓦片 12');
    expect(t.translate('en', 'no.such.key')).toBe('no.such.key');
    expect(t.translate('en', 'no.such.key', undefined, '名称')).toBe('名称');
  });

  it('picks the plural form of a count where the language has one', () => {
    const t = new Translator([{ en: { impact: { buildings: 'buildings', buildings_one: 'building' } }, 'zh-CN': { impact: { buildings: '栋建筑' } } }]);
    expect(t.translate('en', 'impact.buildings', { count: 1 })).toBe('building');
    expect(t.translate('en', 'impact.buildings', { count: 2 })).toBe('buildings');
    expect(t.translate('en', 'impact.buildings', { count: 0 })).toBe('buildings');
    expect(t.translate('zh-CN', 'impact.buildings', { count: 1 })).toBe('栋建筑');
  });

  it("merges a plugin's strings without overriding the viewer's", () => {
    const t = new Translator([{ 'zh-CN': { alarms: { title: '告警' }, status: { tiles: 'x' } }, en: { alarms: { title: 'Alarms' }, status: { tiles: 'x' } } }]);
    expect(t.translate('en', 'alarms.title')).toBe('Alarms');
    expect(t.translate('en', 'status.tiles', { count: 1 })).toBe('1 tiles');
  });

  it('config text: the language, else Chinese; a plain string is a key', () => {
    const t = new Translator();
    expect(t.text('en', { 'zh-CN': '建筑', en: 'Buildings' })).toBe('Buildings');
    expect(t.text('en', { 'zh-CN': '建筑' })).toBe('建筑');
    expect(t.text('en', 'panels.layers')).toBe('Layers');
  });
});
