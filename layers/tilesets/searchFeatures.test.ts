import { describe, expect, it } from 'vitest';
import { searchFeatures, type SearchIndexColumns } from './searchFeatures.js';

const buildings: SearchIndexColumns = {
  featureClass: 'building',
  count: 4,
  ids: ['NK1', 'NK2', 'NK3', 'NK4'],
  names: ['鼓楼', '鼓楼商圈1号楼', '天津大悦城', ''],
  namesEn: ['Drum Tower', '', 'Joy City Tianjin', ''],
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
  names: ['给水 DN300'],
  namesEn: undefined,
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

  it('finds features by their English names too', () => {
    const hits = searchFeatures([{ tileset: 'buildings', index: buildings }], 'drum tower');
    expect(hits.map((h) => [h.id, h.name, h.nameEn])).toEqual([['NK1', '鼓楼', 'Drum Tower']]);
    expect(searchFeatures([{ tileset: 'buildings', index: buildings }], 'Joy City')[0]?.id).toBe('NK3');
  });
});
