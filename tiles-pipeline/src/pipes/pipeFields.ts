import type { AttributeValue } from '../readers/SourceFeature.js';

/**
 * Which column holds what, for pipe-line and pipe-point tables. The CJJ 61 column names (and
 * common English ones) are recognised without a mapping; `--fields mapping.json` adds or
 * overrides candidates per field, e.g. {"startDepth": ["起埋深"], "diameter": {"column": "DN", "unit": "m"}}.
 */
export const PIPE_FIELDS = {
  id: ['管线编号', '编号', '管段编号', 'id', 'ID', 'line_id'],
  pointId: ['物探点号', '点号', '图上点号', '编号', 'id', 'ID', 'point_id'],
  category: ['管线类别', '类别', '管线代码', '管类', '大类', 'category', 'type', 'layer'],
  subType: ['子类', '小类', '管线小类', 'sub_type', 'subtype'],
  fromPoint: ['起点编号', '起点点号', '起始点号', '起点', 'from', 'from_id', 'start_id'],
  toPoint: ['终点编号', '终点点号', '终止点号', '终点', 'to', 'to_id', 'end_id'],
  startDepth: ['起点埋深', '起始埋深', 'start_depth', 'from_depth'],
  endDepth: ['终点埋深', '终止埋深', 'end_depth', 'to_depth'],
  diameter: ['管径', '管径mm', 'diameter', 'dn', 'DN'],
  section: ['断面尺寸', '断面', '规格', 'section', 'size'],
  material: ['材质', 'material'],
  owner: ['权属单位', '管理单位', 'owner'],
  /** Gas pipes' pressure: a GB 50028 class (中压A …) or a pressure (0.4 MPa). */
  pressure: ['压力', '压力级制', '压力等级', '设计压力', 'pressure'],
  burial: ['埋设方式', 'burial'],
  year: ['建设年代', '埋设年代', 'year'],
  road: ['道路名称', '所在道路', 'road'],
  status: ['状态', 'status'],
  feature: ['特征', 'feature'],
  appurtenance: ['附属物', 'appurtenance'],
  groundElevation: ['地面高程', 'ground_elevation', 'elevation'],
  pointDepth: ['井深', '埋深', 'depth'],
} as const;

export type PipeField = keyof typeof PIPE_FIELDS;

/** Units the diameter and section columns are in: CJJ 61 tables give millimetres. */
export interface FieldUnits {
  diameter: 'mm' | 'm';
  section: 'mm' | 'm';
}

export interface FieldMapping {
  candidates: Record<PipeField, readonly string[]>;
  units: FieldUnits;
}

export const DEFAULT_FIELD_MAPPING: FieldMapping = { candidates: PIPE_FIELDS, units: { diameter: 'mm', section: 'mm' } };

/**
 * A mapping from a JSON object: each field maps to a column name, a list of names, or
 * {"column": name, "unit": "mm" | "m"} for diameter and section. Unknown fields are an error.
 */
export function fieldMappingFromJson(json: unknown): FieldMapping {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('a field mapping is a JSON object: {"diameter": "DN", …}');
  const candidates: Record<string, readonly string[]> = { ...PIPE_FIELDS };
  const units: FieldUnits = { ...DEFAULT_FIELD_MAPPING.units };
  for (const [field, value] of Object.entries(json)) {
    if (!(field in PIPE_FIELDS)) throw new Error(`unknown field "${field}" in the mapping (known: ${Object.keys(PIPE_FIELDS).join(', ')})`);
    let columns: string[];
    if (typeof value === 'string') columns = [value];
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) columns = value as string[];
    else if (typeof value === 'object' && value !== null && typeof (value as { column?: unknown }).column === 'string') {
      columns = [(value as { column: string }).column];
      const unit = (value as { unit?: unknown }).unit;
      if (unit !== undefined) {
        if ((field !== 'diameter' && field !== 'section') || (unit !== 'mm' && unit !== 'm'))
          throw new Error(`"unit" is "mm" or "m", for diameter and section only`);
        units[field] = unit;
      }
    } else throw new Error(`field "${field}": give a column name, a list of names or {"column": …}`);
    candidates[field] = [...columns, ...(PIPE_FIELDS[field as PipeField] ?? [])];
  }
  return { candidates: candidates as Record<PipeField, readonly string[]>, units };
}

/** Per mapping: column name → the fields it can hold and its rank among each field's candidates. */
const columnIndexes = new WeakMap<FieldMapping, Map<string, { field: PipeField; rank: number }[]>>();

/**
 * The value of every mapped field of one feature: for each field, its first candidate column
 * with a value (not null or ""). One pass over the feature's own columns (a table has a dozen)
 * instead of probing every candidate name of every field.
 */
export function fieldValues(attributes: Readonly<Record<string, AttributeValue>>, mapping: FieldMapping): Partial<Record<PipeField, AttributeValue>> {
  let index = columnIndexes.get(mapping);
  if (!index) {
    index = new Map();
    for (const [field, columns] of Object.entries(mapping.candidates) as [PipeField, readonly string[]][]) {
      columns.forEach((column, rank) => {
        const list = index!.get(column);
        if (list) list.push({ field, rank });
        else index!.set(column, [{ field, rank }]);
      });
    }
    columnIndexes.set(mapping, index);
  }
  const values: Partial<Record<PipeField, AttributeValue>> = {};
  const ranks: Partial<Record<PipeField, number>> = {};
  for (const column in attributes) {
    const targets = index.get(column);
    if (!targets) continue;
    const value = attributes[column];
    if (value === undefined || value === null || value === '') continue;
    for (const { field, rank } of targets) {
      if (rank < (ranks[field] ?? Infinity)) {
        ranks[field] = rank;
        values[field] = value;
      }
    }
  }
  return values;
}
