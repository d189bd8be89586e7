import type { NetworkDocument } from '../formats/networkDocument.js';
import type { WorkerHandlers } from '../protocol/WorkerRequests.js';
import { crossSection } from './crossSection.js';
import { excavationPipes } from './excavationPipes.js';
import { longitudinalProfile } from './longitudinalProfile.js';
import { pipeDepth } from './pipeDepth.js';
import { type PlanningPipes, planningPipesFromDocument } from './planningPipes.js';
import { trace } from './trace.js';

type PipeRequestType =
  'planning.loadPipes' | 'planning.crossSection' | 'planning.profile' | 'planning.excavationPipes' | 'planning.trace' | 'planning.pipeDepth';

/**
 * The planning worker's pipe requests: network.json loaded once (its bytes move in, are parsed
 * and indexed here) and kept; the kernels answer from it. A request before the load, or with
 * bad input, is refused with the kernel's message.
 */
export function pipeToolHandlers(): Pick<WorkerHandlers<'planning'>, PipeRequestType> {
  let pipes: PlanningPipes | undefined;
  const loaded = (): PlanningPipes => {
    if (!pipes) throw new Error('no pipes are loaded in the planning worker (planning.loadPipes first)');
    return pipes;
  };
  return {
    'planning.loadPipes': ({ document }) => {
      let parsed: NetworkDocument;
      try {
        parsed = JSON.parse(new TextDecoder().decode(document)) as NetworkDocument;
      } catch (error) {
        throw new Error(`network.json is not JSON: ${(error as Error).message}`);
      }
      pipes = planningPipesFromDocument(parsed);
      return { pipes: pipes.ids.length, nodes: pipes.nodeIds.length, categories: [...new Set(pipes.category)].sort() };
    },
    'planning.crossSection': ({ line }) => crossSection(loaded(), line),
    'planning.profile': ({ pipeId }) => longitudinalProfile(loaded(), pipeId),
    'planning.excavationPipes': ({ polygon, depth }) => excavationPipes(loaded(), polygon, depth),
    'planning.trace': ({ pipeId, options }) => trace(loaded(), pipeId, options),
    'planning.pipeDepth': ({ points, pipeId }) => pipeDepth(loaded(), points, pipeId),
  };
}
