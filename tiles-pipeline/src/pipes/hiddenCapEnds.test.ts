import { describe, expect, it } from 'vitest';
import { buildPipeNetwork } from './buildPipeNetwork.js';
import { CAP_END, CAP_START, capEndsOfEdges } from './hiddenCapEnds.js';
import type { PipeSegment } from './PipeFeatures.js';
import { pipeSegmentFixture } from './pipeSegmentFixture.js';
import { segmentCentreDepths } from './segmentCentreDepths.js';

const M = 1 / 111_000;
const segment = (
  id: string,
  from: [number, number],
  to: [number, number],
  size: { diameter?: number; width?: number; height?: number },
  depths = [1, 1],
): PipeSegment =>
  pipeSegmentFixture({
    id,
    lonLat: Float64Array.from([from[0] * M, from[1] * M, to[0] * M, to[1] * M]),
    startDepth: depths[0],
    endDepth: depths[1],
    diameter: size.diameter,
    width: size.width,
    height: size.height,
  });

function caps(segments: PipeSegment[]): number[] {
  const network = buildPipeNetwork(segments, []);
  return [
    ...capEndsOfEdges(
      network,
      segments,
      network.edges.map((e) => segmentCentreDepths(segments[e.segment]!)),
    ),
  ];
}

describe('capEndsOfEdges', () => {
  it('drops the caps where a straight run goes on into a pipe as large; keeps them at free ends', () => {
    expect(caps([segment('A', [0, 0], [50, 0], { diameter: 0.3 }), segment('B', [50, 0], [100, 0], { diameter: 0.3 })])).toEqual([CAP_START, CAP_END]);
  });

  it('keeps a cap at a bend, at a depth step and where the next pipe is smaller', () => {
    const bend = [segment('A', [0, 0], [50, 0], { diameter: 0.3 }), segment('B', [50, 0], [50, 50], { diameter: 0.3 })];
    expect(caps(bend)).toEqual([CAP_START | CAP_END, CAP_START | CAP_END]);
    const step = [segment('A', [0, 0], [50, 0], { diameter: 0.3 }, [1, 1]), segment('B', [50, 0], [100, 0], { diameter: 0.3 }, [1.2, 1.2])];
    expect(caps(step)).toEqual([CAP_START | CAP_END, CAP_START | CAP_END]);
    // The small pipe ends inside the large one; the large one's end must stay closed.
    const reducer = [segment('A', [0, 0], [50, 0], { diameter: 0.3 }, [1.1, 1.1]), segment('B', [50, 0], [100, 0], { diameter: 0.5 }, [1, 1])];
    expect(caps(reducer)).toEqual([CAP_START, CAP_START | CAP_END]);
  });

  it('never hides a box end in a tube or the reverse', () => {
    const mixed = [segment('A', [0, 0], [50, 0], { diameter: 0.4 }), segment('B', [50, 0], [100, 0], { width: 0.5, height: 0.5 })];
    expect(caps(mixed)).toEqual([CAP_START | CAP_END, CAP_START | CAP_END]);
  });
});
