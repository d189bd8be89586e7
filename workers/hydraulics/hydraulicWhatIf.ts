import { HydraulicModel, METRES_PER_PSI, NodeKind, type PressureUnit } from './HydraulicModel.js';

/** Why a node counts as affected (bit flags in `HydraulicWhatIf.affected`). */
export const AffectedBy = {
  /** Still joined to a source, but below the minimum service pressure once the links are closed. */
  lowPressure: 1,
  /** No open path to any reservoir or tank once the links are closed. */
  cutOff: 2,
} as const;

/** The default minimum service pressure (metres of water): 0.14 MPa at the tap, a common code minimum. */
export const DEFAULT_MINIMUM_PRESSURE_METRES = 14;

export interface HydraulicWhatIfOptions {
  /** Minimum service pressure in metres of water (converted for a model in US units). Default 14 m. */
  minimumPressureMetres?: number;
  /** Time of the extended-period run to compare at, seconds from its start (default 0: the first period). */
  atSeconds?: number;
}

/** The analysis worker's `analysis.hydraulics` request. */
export interface HydraulicWhatIfRequest extends HydraulicWhatIfOptions {
  /** Names the model; its .inp text is needed only the first time a worker sees the key. */
  model: { key: string; inp?: string };
  /** Link ids to close (see linksClosedByIsolation for a burst's). */
  closeLinks: string[];
}

/**
 * Pressures at every node of the model before and after closing a set of links, columnar (node
 * order of the .inp file). Only junctions can be affected; a junction already below the minimum
 * before the closures is counted apart (`counts.lowBefore`) and is affected only if it gets
 * cut off.
 */
export interface HydraulicWhatIf {
  nodeIds: string[];
  pressureUnit: PressureUnit;
  pressureBefore: Float32Array;
  pressureAfter: Float32Array;
  /** Per node: 0, or AffectedBy flags. */
  affected: Uint8Array;
  /** The minimum service pressure in the model's pressure unit. */
  minimumPressure: number;
  atSeconds: number;
  closedLinks: string[];
  /** Ids asked to be closed that the model does not have. */
  unknownLinks: string[];
  counts: { junctions: number; affected: number; lowPressure: number; cutOff: number; lowBefore: number; islands: number };
  /** EPANET's warnings, before and after. */
  warnings: string[];
  solveMs: number;
}

/** The what-if on an open model (see HydraulicModel): two solutions, one with the links closed. */
export function hydraulicWhatIf(model: HydraulicModel, closeLinkIds: readonly string[], options: HydraulicWhatIfOptions = {}): HydraulicWhatIf {
  const minimumMetres = options.minimumPressureMetres ?? DEFAULT_MINIMUM_PRESSURE_METRES;
  if (!Number.isFinite(minimumMetres) || minimumMetres < 0) throw new Error(`the minimum service pressure must be 0 m or more, not ${minimumMetres}`);
  const atSeconds = options.atSeconds ?? 0;
  const minimumPressure = model.pressureUnit === 'psi' ? minimumMetres / METRES_PER_PSI : minimumMetres;
  const closed = new Uint8Array(model.linkIds.length);
  const closedLinks: string[] = [];
  const unknownLinks: string[] = [];
  for (const id of new Set(closeLinkIds)) {
    const link = model.linkIndexOf(id);
    if (link === undefined) unknownLinks.push(id);
    else {
      closed[link] = 1;
      closedLinks.push(id);
    }
  }
  const started = performance.now();
  const [before] = model.pressuresAt([atSeconds]);
  const [after] = model.pressuresAt([atSeconds], closed);
  const solveMs = performance.now() - started;
  const affected = new Uint8Array(model.nodeIds.length);
  const counts = { junctions: 0, affected: 0, lowPressure: 0, cutOff: 0, lowBefore: 0, islands: model.islandNodes.length };
  for (let n = 0; n < affected.length; n++) {
    if (model.nodeKinds[n] !== NodeKind.junction) continue;
    counts.junctions++;
    const lowBefore = before!.cutOff[n] === 1 || before!.pressure[n]! < minimumPressure;
    if (lowBefore) counts.lowBefore++;
    if (after!.cutOff[n] && !before!.cutOff[n]) affected[n] = AffectedBy.cutOff;
    else if (!after!.cutOff[n] && !lowBefore && after!.pressure[n]! < minimumPressure) affected[n] = AffectedBy.lowPressure;
    if (affected[n] === AffectedBy.cutOff) counts.cutOff++;
    if (affected[n] === AffectedBy.lowPressure) counts.lowPressure++;
    if (affected[n]) counts.affected++;
  }
  return {
    nodeIds: model.nodeIds,
    pressureUnit: model.pressureUnit,
    pressureBefore: before!.pressure,
    pressureAfter: after!.pressure,
    affected,
    minimumPressure,
    atSeconds,
    closedLinks,
    unknownLinks,
    counts,
    warnings: [...new Set([...before!.warnings, ...after!.warnings])],
    solveMs,
  };
}

/**
 * The what-if from a model's text, for one-off callers (the CLI, tests): opens the model,
 * runs the what-if and closes it. Callers running several what-ifs on one model keep a
 * HydraulicModel open instead (the analysis worker does).
 */
export async function runHydraulicWhatIf(
  inp: string | Uint8Array,
  closeLinkIds: readonly string[],
  options: HydraulicWhatIfOptions = {},
): Promise<HydraulicWhatIf> {
  const model = await HydraulicModel.fromInp(inp);
  try {
    return hydraulicWhatIf(model, closeLinkIds, options);
  } finally {
    model.close();
  }
}
