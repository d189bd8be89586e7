import type { PipeSegment } from './PipeFeatures.js';

/** A validated segment for unit tests: a DN200 water pipe 1 m deep unless `fields` say otherwise. */
export function pipeSegmentFixture(fields: Partial<PipeSegment> & Pick<PipeSegment, 'id' | 'lonLat'>): PipeSegment {
  return {
    kind: 'segment',
    origin: { file: 'fixture', index: 0 },
    category: 'JS',
    subType: undefined,
    fromPoint: undefined,
    toPoint: undefined,
    startDepth: 1,
    endDepth: 1,
    diameter: 0.2,
    width: undefined,
    height: undefined,
    material: undefined,
    missing: [],
    attributes: {},
    ...fields,
  };
}
