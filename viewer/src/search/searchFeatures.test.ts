import { describe, expect, it } from 'vitest';
import { searchFeatures, type SearchIndexColumns } from './searchFeatures.js';

const buildings: SearchIndexColumns = {
  featureClass: 'building',
  count: 4,
  ids: ['NK1', 'NK2', 'NK3', 'NK4'],
  names: ['鼓楼', '鼓楼商圈1号楼', '天津大悦城', ''],
  addresses: ['', '天津市南开区鼓楼东街1号', '南门外大街2号', '天津市南开区鼓楼西街5号'],
  lon: [117.1, 117.2, 117.3, 117.4],
  lat: [39.1, 39.2, 39.3, 39.4],
  height: [27, 20, 188, 12],
};
const pipes: SearchIndexColumns = {
  ...buildings,
  featureClass: 'pipe',
  count: 1,
  ids: ['JSL000001'],
  names: ['给水 DN0.3'],
  addresses: ['鼓楼东街'],
  height: [-1.5],
};

describe('search', () => {
  it('ranks exact names, then prefixes, then substrings and addresses; buildings before pipes', () => {
    const hits = searchFeatures(
      [
        { tileset: 'buildings', index: buildings },
        { tileset: 'pipes', index: pipes },
      ],
      '鼓楼',
    );
    expect(hits.map((h) => h.id)).toEqual(['NK1', 'NK2', 'NK4', 'JSL000001']);
  });

  it('finds by id (case-insensitive) and needs every word to match', () => {
    expect(searchFeatures([{ tileset: 'pipes', index: pipes }], 'jsl000001')[0]?.id).toBe('JSL000001');
    expect(searchFeatures([{ tileset: 'buildings', index: buildings }], '鼓楼 西街').map((h) => h.id)).toEqual(['NK4']);
    expect(searchFeatures([{ tileset: 'buildings', index: buildings }], '   ')).toEqual([]);
  });
});
