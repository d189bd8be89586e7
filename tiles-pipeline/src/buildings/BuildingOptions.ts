/** How attributes become heights; every field has a documented default. */
export interface BuildingOptions {
  /** Attribute with the building height in metres; common names are tried when undefined. */
  heightField: string | undefined;
  /** Attribute with the number of floors; common names are tried when undefined. */
  floorsField: string | undefined;
  /** Attribute with the height of the building's bottom (e.g. a bridge or an overhang). */
  minHeightField: string | undefined;
  floorHeight: number;
  /** Height used when a feature has neither height nor floors (reported as HEIGHT_DEFAULTED). */
  defaultHeight: number;
}

export const HEIGHT_FIELDS = ['height', 'HEIGHT', 'Height', '高度', '建筑高度', 'bldg_height', 'building_height', 'measuredHeight', 'h_dak', 'h'];
export const FLOORS_FIELDS = ['floors', 'FLOORS', 'Floors', '层数', '楼层', '地上层数', 'building:levels', 'levels', 'floor', 'FLOOR', 'storeys'];
export const MIN_HEIGHT_FIELDS = ['min_height', 'minHeight', 'MIN_HEIGHT', '底高'];
/** Taller than any building on Earth (Burj Khalifa: 828 m): certainly a unit or data error. */
export const MAX_BUILDING_HEIGHT = 1000;
/** A footprint wider than this is a stray vertex, not a building. */
export const MAX_FOOTPRINT_EXTENT_METRES = 5000;
export const MIN_FOOTPRINT_AREA = 0.5;
