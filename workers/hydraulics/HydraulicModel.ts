import { ActionCodeType, CountType, FlowUnits, InitHydOption, LinkProperty, NodeProperty, NodeType, Project, TimeParameter } from 'epanet-js';
import { epanetWorkspace } from './epanetWorkspace.js';

/** What a node is in the model: a junction draws water, reservoirs and tanks supply it. */
export const NodeKind = { junction: 0, reservoir: 1, tank: 2 } as const;

/** Pressure as EPANET reports it: metres of water with SI flow units, psi with US ones. */
export type PressureUnit = 'm' | 'psi';
export const METRES_PER_PSI = 0.70307;

/** One hydraulic solution: pressures in model node order, and which nodes had no supply. */
export interface PressureSnapshot {
  /** Seconds since the start of the simulation the values hold at. */
  atSeconds: number;
  /** In `pressureUnit`; 0 where the node is cut off. */
  pressure: Float32Array;
  /** 1 where no open path joins the node to a reservoir or tank (its demand was set to 0 for the solve). */
  cutOff: Uint8Array;
  /** EPANET's warnings during the run (negative pressures, unbalanced system…). */
  warnings: string[];
}

let modelCount = 0;

/**
 * A water network model (EPANET .inp) opened in the EPANET engine, with its nodes and links
 * as columnar arrays. Islands — nodes no link of any status joins to a reservoir or tank,
 * which make EPANET's equations singular (error 110) — are taken out of the engine's copy and
 * reported; every result still lists every node of the file, in file order.
 */
export class HydraulicModel {
  readonly nodeIds: string[] = [];
  readonly nodeKinds: Uint8Array;
  readonly linkIds: string[] = [];
  /** Link ends as node indices (0-based, into nodeIds). */
  readonly linkFrom: Uint32Array;
  readonly linkTo: Uint32Array;
  /** 1 where the model itself has the link closed (initial status). */
  readonly linkClosedInModel: Uint8Array;
  /** Nodes (0-based) left out of the solution: not joined to any source at all. */
  readonly islandNodes: Uint32Array;
  readonly pressureUnit: PressureUnit;
  /** The simulation's duration in seconds (0: a single steady-state period). */
  readonly durationSeconds: number;
  private readonly nodeIndex = new Map<string, number>();
  private readonly linkIndex = new Map<string, number>();
  /** Engine index (1-based) of each node and link, 0 for what was taken out. */
  private readonly engineNode: Int32Array;
  private readonly engineLink: Int32Array;
  private closed = false;

  private constructor(private readonly project: Project) {
    const nodes = project.getCount(CountType.NodeCount);
    const links = project.getCount(CountType.LinkCount);
    // EPANET indexes junctions first, then tanks and reservoirs: only those few are asked their type.
    const junctions = nodes - project.getCount(CountType.TankCount);
    this.nodeKinds = new Uint8Array(nodes);
    for (let i = 0; i < nodes; i++) {
      const id = project.getNodeId(i + 1);
      this.nodeIds.push(id);
      this.nodeIndex.set(id, i);
      if (i < junctions) continue;
      this.nodeKinds[i] = project.getNodeType(i + 1) === NodeType.Tank ? NodeKind.tank : NodeKind.reservoir;
    }
    if (junctions > 0 && project.getNodeType(junctions) !== NodeType.Junction) throw new Error('EPANET did not index the junctions first');
    this.linkFrom = new Uint32Array(links);
    this.linkTo = new Uint32Array(links);
    const initialStatus = project.getLinkValues(LinkProperty.InitStatus);
    this.linkClosedInModel = Uint8Array.from(initialStatus, (status) => (status === 0 ? 1 : 0));
    for (let l = 0; l < links; l++) {
      const id = project.getLinkId(l + 1);
      this.linkIds.push(id);
      this.linkIndex.set(id, l);
      const { node1, node2 } = project.getLinkNodes(l + 1);
      this.linkFrom[l] = node1 - 1;
      this.linkTo[l] = node2 - 1;
    }
    const units = project.getFlowUnits();
    this.pressureUnit = units <= FlowUnits.AFD ? 'psi' : 'm';
    this.durationSeconds = project.getTimeParameter(TimeParameter.Duration);

    const joined = this.suppliedNodes(new Uint8Array(links), false);
    const islands: number[] = [];
    for (let n = 0; n < nodes; n++) if (!joined[n]) islands.push(n);
    this.islandNodes = Uint32Array.from(islands);
    // Deleting a node deletes its links; the nodes and links after each deleted one move down
    // an index. Delete from the end, and count what went before each survivor.
    for (let k = islands.length - 1; k >= 0; k--) project.deleteNode(islands[k]! + 1, ActionCodeType.Unconditional);
    const island = new Uint8Array(nodes);
    for (const n of islands) island[n] = 1;
    this.engineNode = new Int32Array(nodes);
    for (let n = 0, gone = 0; n < nodes; n++) {
      if (island[n]) gone++;
      else this.engineNode[n] = n + 1 - gone;
    }
    this.engineLink = new Int32Array(links);
    for (let l = 0, gone = 0; l < links; l++) {
      if (island[this.linkFrom[l]!] || island[this.linkTo[l]!]) gone++;
      else this.engineLink[l] = l + 1 - gone;
    }
    const lastNode = this.engineNode.findLastIndex((e) => e > 0);
    const lastLink = this.engineLink.findLastIndex((e) => e > 0);
    if (
      (lastNode >= 0 && project.getNodeId(this.engineNode[lastNode]!) !== this.nodeIds[lastNode]) ||
      (lastLink >= 0 && project.getLinkId(this.engineLink[lastLink]!) !== this.linkIds[lastLink])
    )
      throw new Error('EPANET renumbered the model differently than expected after taking its islands out');
  }

  /** Opens a model from the text (or bytes) of an EPANET .inp file; throws EPANET's error for a file it refuses. */
  static async fromInp(inp: string | Uint8Array): Promise<HydraulicModel> {
    const workspace = await epanetWorkspace();
    const stem = `model-${++modelCount}`;
    workspace.writeFile(`${stem}.inp`, inp);
    const project = new Project(workspace);
    try {
      project.open(`${stem}.inp`, `${stem}.rpt`, '');
    } catch (error) {
      throw new Error(`the EPANET model cannot be opened: ${(error as Error).message}`);
    } finally {
      // The engine has read the file: keep no second copy of a large model in its memory.
      workspace.writeFile(`${stem}.inp`, '');
    }
    return new HydraulicModel(project);
  }

  nodeIndexOf(id: string): number | undefined {
    return this.nodeIndex.get(id);
  }

  linkIndexOf(id: string): number | undefined {
    return this.linkIndex.get(id);
  }

  /**
   * Nodes an open path joins to a reservoir or tank, with `closedLinks` (1 = closed) closed as
   * well as what the model closes (or, with `openOnly` false, over every link whatever its status).
   */
  suppliedNodes(closedLinks: Uint8Array, openOnly = true): Uint8Array {
    const nodes = this.nodeIds.length;
    const supplied = new Uint8Array(nodes);
    const { start, incident } = this.incidence();
    const stack: number[] = [];
    for (let n = 0; n < nodes; n++)
      if (this.nodeKinds[n] !== NodeKind.junction) {
        supplied[n] = 1;
        stack.push(n);
      }
    while (stack.length > 0) {
      const n = stack.pop()!;
      for (let k = start[n]!; k < start[n + 1]!; k++) {
        const l = incident[k]!;
        if (openOnly && (closedLinks[l] || this.linkClosedInModel[l])) continue;
        const other = this.linkFrom[l] === n ? this.linkTo[l]! : this.linkFrom[l]!;
        if (supplied[other]) continue;
        supplied[other] = 1;
        stack.push(other);
      }
    }
    return supplied;
  }

  private incidenceCache: { start: Uint32Array; incident: Uint32Array } | undefined;

  /** Links at each node, CSR: node n's are incident[start[n] .. start[n + 1]). */
  private incidence(): { start: Uint32Array; incident: Uint32Array } {
    if (this.incidenceCache) return this.incidenceCache;
    const nodes = this.nodeIds.length;
    const start = new Uint32Array(nodes + 1);
    for (let l = 0; l < this.linkFrom.length; l++) {
      start[this.linkFrom[l]! + 1]!++;
      start[this.linkTo[l]! + 1]!++;
    }
    for (let n = 0; n < nodes; n++) start[n + 1]! += start[n]!;
    const fill = start.slice(0, nodes);
    const incident = new Uint32Array(this.linkFrom.length * 2);
    for (let l = 0; l < this.linkFrom.length; l++) {
      incident[fill[this.linkFrom[l]!]!++] = l;
      incident[fill[this.linkTo[l]!]!++] = l;
    }
    this.incidenceCache = { start, incident };
    return this.incidenceCache;
  }

  /**
   * Pressures at every node at the given times (seconds from the start; one extended-period
   * run), with the links flagged in `closedLinks` closed. Junctions the closures cut off from
   * every source get no demand for the solve (a demand-driven solver would otherwise drive
   * them to absurd negative heads) and are reported at pressure 0. The model is left as it
   * was opened.
   */
  pressuresAt(times: readonly number[], closedLinks: Uint8Array = new Uint8Array(this.linkIds.length)): PressureSnapshot[] {
    if (this.closed) throw new Error('the hydraulic model was closed');
    if (closedLinks.length !== this.linkIds.length) throw new Error(`closedLinks has ${closedLinks.length} entries for ${this.linkIds.length} links`);
    for (const t of times) {
      if (!Number.isFinite(t) || t < 0) throw new Error(`a time must be 0 or more seconds, not ${t}`);
      if (t > this.durationSeconds) throw new Error(`${t} s is past the simulation's duration (${this.durationSeconds} s)`);
    }
    const project = this.project;
    const supplied = this.suppliedNodes(closedLinks);
    const cutOff = new Uint8Array(this.nodeIds.length);
    for (let n = 0; n < cutOff.length; n++) cutOff[n] = supplied[n] ? 0 : 1;
    // Close, and take the demand off cut-off junctions; remember what to put back.
    const reopen: number[] = [];
    for (let l = 0; l < closedLinks.length; l++) {
      const engine = this.engineLink[l]!;
      if (!closedLinks[l] || !engine || this.linkClosedInModel[l]) continue;
      project.setLinkValue(engine, LinkProperty.InitStatus, 0);
      reopen.push(engine);
    }
    const demands: [node: number, category: number, value: number][] = [];
    for (let n = 0; n < cutOff.length; n++) {
      const engine = this.engineNode[n]!;
      if (!cutOff[n] || !engine || this.nodeKinds[n] !== NodeKind.junction) continue;
      for (let d = 1; d <= project.getNumberOfDemands(engine); d++) {
        const value = project.getBaseDemand(engine, d);
        if (value === 0) continue;
        demands.push([engine, d, value]);
        project.setBaseDemand(engine, d, 0);
      }
    }
    const warnings: string[] = [];
    const snapshots: PressureSnapshot[] = [];
    const wanted = [...times].sort((a, b) => a - b);
    try {
      withEpanetWarnings(warnings, () => {
        project.openH();
        try {
          project.initH(InitHydOption.InitFlow);
          let next = 0;
          for (;;) {
            const t = project.runH();
            const values = this.project.getNodeValues(NodeProperty.Pressure);
            // Values hold from one hydraulic time to the next: a wanted time between two is read at the earlier.
            const step = project.nextH();
            while (next < wanted.length && (step === 0 || wanted[next]! < t + step)) snapshots.push(this.snapshot(wanted[next++]!, values, cutOff, warnings));
            if (step === 0 || next === wanted.length) break;
          }
        } finally {
          project.closeH();
        }
      });
    } finally {
      for (const engine of reopen) project.setLinkValue(engine, LinkProperty.InitStatus, 1);
      for (const [engine, d, value] of demands) project.setBaseDemand(engine, d, value);
    }
    // In the order asked.
    return times.map((t) => snapshots.find((s) => s.atSeconds === t)!);
  }

  private snapshot(atSeconds: number, engineValues: readonly number[], cutOff: Uint8Array, warnings: string[]): PressureSnapshot {
    const pressure = new Float32Array(this.nodeIds.length);
    for (let n = 0; n < pressure.length; n++) {
      const engine = this.engineNode[n]!;
      pressure[n] = engine && !cutOff[n] ? engineValues[engine - 1]! : 0;
    }
    return { atSeconds, pressure, cutOff, warnings };
  }

  /** Frees the engine's project. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.project.close();
  }
}

/** Runs `body` with epanet-js's warnings (it prints them with console.warn) collected instead of printed. */
function withEpanetWarnings(into: string[], body: () => void): void {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    const line = args.map(String).join(' ');
    if (line.startsWith('epanet-js (Warning')) {
      if (!into.includes(line)) into.push(line);
    } else warn(...args);
  };
  try {
    body();
  } finally {
    console.warn = warn;
  }
}
