/**
 * Which source fields hold a feature's name, English name and address, in order of preference
 * (English, OSM, CIM and CJJ 61 Chinese table conventions): decided here once, for the
 * pipeline's search index and the viewer's info panel alike.
 */
export const NAME_FIELDS = ['name', 'NAME', 'Name', '名称', '建筑名称', '建筑物名称', 'mc', 'MC'] as const;
export const NAME_EN_FIELDS = ['name_en', 'name:en', 'NAME_EN', 'nameEn', '英文名称'] as const;
export const ADDRESS_FIELDS = ['address', 'ADDRESS', 'Address', 'addr:full', '地址', '门牌地址', '道路名称', 'road', 'dz', 'DZ'] as const;

export type NameKind = 'name' | 'nameEn' | 'address';
const FIELDS: Record<NameKind, readonly string[]> = { name: NAME_FIELDS, nameEn: NAME_EN_FIELDS, address: ADDRESS_FIELDS };

/** The first non-empty text among the fields of that kind ('' when none). */
export function firstText(attributes: Readonly<Record<string, unknown>>, kind: NameKind): string {
  for (const field of FIELDS[kind]) {
    const value = attributes[field];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number') return String(value);
  }
  return '';
}

/** The field that holds the name, when one of the name fields is present. */
export function nameFieldOf(attributes: Readonly<Record<string, unknown>>): string | undefined {
  return NAME_FIELDS.find((field) => typeof attributes[field] === 'string' && (attributes[field] as string).trim() !== '');
}
