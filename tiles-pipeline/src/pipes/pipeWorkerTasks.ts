import { type ClearanceInput, type ClearanceReport, clearanceInputTransfer, findClearanceConflicts } from './checkClearances.js';
import { type PipeTileResult, type PipeTileTask, pipeTileTaskTransfer, runPipeTileTask } from './runPipeTileTask.js';

/**
 * What the pipe pipeline's worker threads do: the clearance check (posted as soon as the inputs
 * are read, so it runs while this thread builds the network and the tiling), then the tiles.
 * One pool for both.
 */
export type PipeWorkerTask = { kind: 'clearance'; clearance: ClearanceInput } | { kind: 'tile'; tile: PipeTileTask };
export type PipeWorkerResult = ClearanceReport | PipeTileResult;

export async function runPipeWorkerTask(task: PipeWorkerTask): Promise<PipeWorkerResult> {
  return task.kind === 'clearance' ? findClearanceConflicts(task.clearance) : runPipeTileTask(task.tile);
}

export function pipeWorkerTaskTransfer(task: PipeWorkerTask): ArrayBuffer[] {
  return task.kind === 'clearance' ? clearanceInputTransfer(task.clearance) : pipeTileTaskTransfer(task.tile);
}
