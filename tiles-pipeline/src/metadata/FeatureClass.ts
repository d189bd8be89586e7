/** The metadata class a tileset's features belong to (EXT_structural_metadata class id, name, description). */
export interface FeatureClass {
  id: string;
  name: string;
  description: string;
}

export const BUILDING_CLASS: FeatureClass = {
  id: 'building',
  name: 'Building',
  description: 'A CIM building (CIM2: extruded footprint, CIM3: LoD2 model).',
};

export const PIPE_CLASS: FeatureClass = {
  id: 'pipe',
  name: 'Pipe network feature',
  description: 'An underground pipe segment, well or appurtenance surveyed per CJJ 61 (or from an EPANET model).',
};
