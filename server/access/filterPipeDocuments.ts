import { attributesFor, maySeeCategory, pipeAccessOf, type Role } from '../../workers/formats/dataAccess.js';
import type { NetworkDocument } from '../../workers/formats/networkDocument.js';
import type { ClearanceConflict } from '../../workers/formats/pipeAnalyses.js';

/**
 * network.json as a role may read it: the edges of the categories it sees, the nodes they need
 * (a node of another category at a visible edge's end keeps its position, not its point's id or
 * kind), valves, service connections and facilities re-indexed to what is kept, and the edges'
 * attribute columns through attributesFor (sensitive columns dropped when desensitised).
 */
export function networkForRole(doc: NetworkDocument, role: Role): NetworkDocument {
  const sees = (category: string): boolean => maySeeCategory(role, category);
  const keptEdges = doc.edges.id.flatMap((_, i) => (sees(doc.edges.category[i]!) ? [i] : []));
  const nodeUsed = new Uint8Array(doc.nodes.id.length);
  doc.nodes.category.forEach((category, i) => {
    if (sees(category)) nodeUsed[i] = 1;
  });
  for (const e of keptEdges) nodeUsed[doc.edges.from[e]!] = nodeUsed[doc.edges.to[e]!] = 1;
  const keptNodes = doc.nodes.id.flatMap((_, i) => (nodeUsed[i] ? [i] : []));
  const newNode = new Map(keptNodes.map((n, i) => [n, i]));
  const newEdge = new Map(keptEdges.map((e, i) => [e, i]));
  const pickNodes = <T>(column: readonly T[]): T[] => keptNodes.map((n) => column[n]!);
  const own = (n: number): boolean => sees(doc.nodes.category[n]!);
  const edges: Record<string, unknown[]> = {};
  for (const [key, column] of Object.entries(doc.edges) as [string, unknown[]][])
    edges[key] = key === 'from' || key === 'to' ? keptEdges.map((e) => newNode.get(column[e] as number)!) : keptEdges.map((e) => column[e]);
  const filtered: NetworkDocument = {
    ...doc,
    categories: Object.fromEntries(Object.entries(doc.categories).filter(([code]) => sees(code))),
    nodes: {
      id: pickNodes(doc.nodes.id),
      lon: pickNodes(doc.nodes.lon),
      lat: pickNodes(doc.nodes.lat),
      category: pickNodes(doc.nodes.category),
      feature: keptNodes.map((n) => (own(n) ? doc.nodes.feature[n]! : null)),
      kind: keptNodes.map((n) => (own(n) ? doc.nodes.kind[n]! : null)),
    },
    edges: attributesFor(role, edges) as unknown as NetworkDocument['edges'],
    valves: doc.valves.flatMap((v): NetworkDocument['valves'] => {
      if (v.node !== undefined) return own(v.node) && newNode.has(v.node) ? [{ id: v.id, node: newNode.get(v.node)! }] : [];
      if (v.edge !== undefined) return newEdge.has(v.edge) ? [{ id: v.id, edge: newEdge.get(v.edge)! }] : [];
      return [];
    }),
  };
  delete filtered.services;
  delete filtered.facilities;
  if (doc.services) {
    const rows = doc.services.node.flatMap((node, i) => {
      const edge = doc.services!.edge[i]!;
      return newNode.has(node) && (edge === null || newEdge.has(edge)) ? [i] : [];
    });
    if (rows.length > 0) {
      const s = doc.services;
      const pick = <T>(column: readonly T[]): T[] => rows.map((i) => column[i]!);
      filtered.services = {
        building: pick(s.building),
        node: rows.map((i) => newNode.get(s.node[i]!)!),
        edge: rows.map((i) => (s.edge[i] === null ? null : newEdge.get(s.edge[i]!)!)),
        how: pick(s.how),
        lon: pick(s.lon),
        lat: pick(s.lat),
        length: pick(s.length),
      };
    }
  }
  if (doc.facilities && filtered.services) {
    const served = new Set(filtered.services.building);
    const f = doc.facilities;
    const rows = f.id.flatMap((_, i) => ((f.building[i] !== null && served.has(f.building[i]!)) || (f.node[i] !== null && newNode.has(f.node[i]!)) ? [i] : []));
    const pick = <T>(column: readonly T[]): T[] => rows.map((i) => column[i]!);
    filtered.facilities = {
      id: pick(f.id),
      name: pick(f.name),
      kind: pick(f.kind),
      building: pick(f.building),
      node: rows.map((i) => (f.node[i] === null ? null : newNode.get(f.node[i]!)!)),
      how: pick(f.how),
    };
  }
  return filtered;
}

/** The parts of build-report.json this filter reads; everything else is dropped for a role that does not see every category. */
interface PipeReportShape {
  categories?: Record<string, unknown>;
  completeness?: Record<string, unknown>;
  topology?: { byCode: Record<string, number>; issues: { element: string; code: string }[]; truncated: boolean };
  clearance?: { conflicts: ClearanceConflict[]; found: number; source: string; pairsChecked: number; failed?: string };
  repairs?: { byCode: Record<string, number>; listed: { feature: string }[] };
  services?: unknown;
  facilities?: unknown;
  [key: string]: unknown;
}

/**
 * build-report.json as a role may read it. A role that sees every category reads it whole
 * (there are no owner contacts in it). Another role gets the parts it can attribute to its
 * categories: their completeness, topology findings and repairs of their features, and the
 * clearance conflicts its pipes are part of — and nothing it cannot attribute (inputs and their
 * file names, skipped features, totals: they describe the other networks too).
 *
 * A clearance conflict between a visible and a hidden pipe is kept with the hidden pipe's id
 * withheld ('') and its category, distances and place kept: the utility must know its pipe is
 * too close to a gas main to act on it (GB 50289 binds both owners, and an excavation there
 * meets it anyway), but it learns neither the other network's ids nor its layout beyond that
 * spot. Dropping it would hide a safety finding from the one party that can act on it.
 */
export function buildReportForRole(report: PipeReportShape, network: NetworkDocument, role: Role): PipeReportShape {
  if (pipeAccessOf(role).allCategories) return report;
  const sees = (category: string): boolean => maySeeCategory(role, category);
  const categoryOf = new Map<string, string>();
  network.edges.id.forEach((id, i) => categoryOf.set(id, network.edges.category[i]!));
  network.nodes.id.forEach((id, i) => {
    categoryOf.set(id, network.nodes.category[i]!);
    const feature = network.nodes.feature[i];
    if (feature) categoryOf.set(feature, network.nodes.category[i]!);
  });
  const visible = (id: string): boolean => {
    const category = categoryOf.get(id);
    return category !== undefined && sees(category);
  };
  const byCode = (items: readonly { code: string }[]): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const item of items) counts[item.code] = (counts[item.code] ?? 0) + 1;
    return counts;
  };
  const only = <T>(record: Record<string, T> | undefined): Record<string, T> => Object.fromEntries(Object.entries(record ?? {}).filter(([code]) => sees(code)));
  const topologyIssues = (report.topology?.issues ?? []).filter((issue) => visible(issue.element));
  const repairs = (report.repairs?.listed ?? []).filter((repair) => visible(repair.feature));
  const conflicts = (report.clearance?.conflicts ?? []).flatMap((conflict): ClearanceConflict[] => {
    const [ca, cb] = conflict.categories;
    const seeA = sees(ca);
    const seeB = sees(cb);
    if (!seeA && !seeB) return [];
    return [{ ...conflict, a: seeA ? conflict.a : '', b: seeB ? conflict.b : '' }];
  });
  return {
    filtered: { role, categories: Object.keys(only(report.categories)) },
    categories: only(report.categories),
    completeness: only(report.completeness),
    topology: { byCode: byCode(topologyIssues), issues: topologyIssues, truncated: report.topology?.truncated ?? false },
    repairs: { byCode: {}, listed: repairs },
    ...(report.clearance
      ? {
          clearance: {
            source: report.clearance.source,
            pairsChecked: report.clearance.pairsChecked,
            conflicts,
            // The listed ones only: a count of the unlisted (first 1,000 listed) would describe the other networks.
            found: conflicts.length,
            ...(report.clearance.failed !== undefined ? { failed: report.clearance.failed } : {}),
          },
        }
      : {}),
    // Service connections and critical facilities belong to the water network.
    ...(sees('JS') && report.services !== undefined ? { services: report.services } : {}),
    ...(sees('JS') && report.facilities !== undefined ? { facilities: report.facilities } : {}),
  };
}
