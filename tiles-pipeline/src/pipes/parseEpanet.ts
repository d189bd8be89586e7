import { InputFileError } from '../readers/InputFileError.js';

/** Unit systems of EPANET: [OPTIONS] Units decides (GPM/CFS/MGD/IMGD/AFD are US customary). */
export type EpanetUnits = 'US' | 'SI';

export interface EpanetNode {
  id: string;
  kind: 'junction' | 'reservoir' | 'tank';
  /** Elevation (junction, tank) or total head (reservoir), metres. */
  elevation: number;
  /** Base demand in the file's flow units (junctions). */
  demand?: number;
  /** Schematic planar coordinates from [COORDINATES] (file units), when given. */
  x?: number;
  y?: number;
  /** Line in the file, for messages. */
  line: number;
}

export interface EpanetLink {
  id: string;
  kind: 'pipe' | 'pump' | 'valve';
  from: string;
  to: string;
  /** Metres (pipes; 0 for pumps and valves, which are points in the network). */
  length: number;
  /** Metres (pipes and valves). */
  diameter: number;
  roughness?: number;
  /** Open, Closed or CV (check valve) for pipes; the valve type (PRV, TCV, …) for valves. */
  status?: string;
  valveType?: string;
  /** Intermediate points from [VERTICES] (file units). */
  vertices: [number, number][];
  line: number;
}

export interface EpanetNetwork {
  title: string;
  units: EpanetUnits;
  flowUnits: string;
  nodes: EpanetNode[];
  links: EpanetLink[];
  /** Problems with single elements; the element is left out (file-level problems throw). */
  issues: { line: number; element: string; code: string; message: string }[];
}

const US_FLOW_UNITS = new Set(['CFS', 'GPM', 'MGD', 'IMGD', 'AFD']);
const SI_FLOW_UNITS = new Set(['LPS', 'LPM', 'MLD', 'CMH', 'CMD', 'CMS']);
const FOOT = 0.3048;
const INCH = 0.0254;

/**
 * Parses an EPANET 2 input file (text): junctions, reservoirs, tanks, pipes, pumps, valves,
 * coordinates and vertices, converted to metres. Sections it does not need (patterns, curves,
 * controls, quality…) are skipped. A record with missing fields or non-numbers is an issue for
 * that element; a file without [JUNCTIONS]/[PIPES], that stops mid-record or that defines an
 * id twice is a file error.
 */
export function parseEpanet(text: string, file: string): EpanetNetwork {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const network: EpanetNetwork = { title: '', units: 'US', flowUnits: 'GPM', nodes: [], links: [], issues: [] };
  const sections = new Map<string, { line: number; fields: string[] }[]>();
  let section = '';
  lines.forEach((raw, index) => {
    const content = raw.replace(/;.*$/, '').trim();
    if (content === '') return;
    const header = /^\[([A-Z_]+)\]$/i.exec(content);
    if (header) {
      section = header[1]!.toUpperCase();
      if (!sections.has(section)) sections.set(section, []);
      return;
    }
    if (section === '') throw new InputFileError(file, 'not an EPANET input file: data before the first [SECTION]', `line ${index + 1}`);
    if (section === 'TITLE') {
      network.title = network.title ? `${network.title}\n${content}` : content;
      return;
    }
    sections.get(section)!.push({ line: index + 1, fields: content.split(/\s+/) });
  });
  if (!sections.has('JUNCTIONS') && !sections.has('RESERVOIRS'))
    throw new InputFileError(file, 'not an EPANET input file: no [JUNCTIONS] or [RESERVOIRS] section');
  if (!sections.has('END')) throw new InputFileError(file, 'the file has no [END] section (truncated?)', `line ${lines.length}`);

  for (const { fields } of sections.get('OPTIONS') ?? []) {
    if (fields[0]?.toUpperCase() === 'UNITS' && fields[1]) {
      const flow = fields[1].toUpperCase();
      if (!US_FLOW_UNITS.has(flow) && !SI_FLOW_UNITS.has(flow)) throw new InputFileError(file, `unknown flow units "${fields[1]}" in [OPTIONS]`);
      network.flowUnits = flow;
      network.units = US_FLOW_UNITS.has(flow) ? 'US' : 'SI';
    }
  }
  const length = network.units === 'US' ? FOOT : 1;
  const diameter = network.units === 'US' ? INCH : 0.001;

  const issue = (line: number, element: string, code: string, message: string): void => {
    network.issues.push({ line, element, code, message });
  };
  const numbers = (fields: string[], from: number, count: number): number[] | undefined => {
    const values = fields.slice(from, from + count).map(Number);
    return values.length === count && values.every(Number.isFinite) ? values : undefined;
  };

  // EPANET refuses a repeated id (its error 215): the links naming it would be ambiguous. A file
  // read in the wrong encoding shows up here too, its distinct Chinese ids decoded alike.
  const duplicate = (kind: 'node' | 'link', id: string, first: number, line: number): never => {
    throw new InputFileError(
      file,
      `${kind} id ${JSON.stringify(id)} is defined twice (lines ${first} and ${line}); EPANET ids must be unique` +
        (/[\ufffd]/.test(id) ? " (the id holds replacement characters: pass the file's --encoding)" : ''),
      `line ${line}`,
    );
  };
  const nodeLines = new Map<string, number>();
  const addNode = (node: EpanetNode): void => {
    const first = nodeLines.get(node.id);
    if (first !== undefined) duplicate('node', node.id, first, node.line);
    nodeLines.set(node.id, node.line);
    network.nodes.push(node);
  };
  for (const { line, fields } of sections.get('JUNCTIONS') ?? []) {
    const [id] = fields;
    const values = numbers(fields, 1, 1);
    if (!id || !values) {
      issue(line, id ?? '?', 'RECORD_INVALID', 'a junction needs an id and a numeric elevation');
      continue;
    }
    const demand = fields[2] !== undefined ? Number(fields[2]) : undefined;
    addNode({ id, kind: 'junction', elevation: values[0]! * length, ...(demand !== undefined && Number.isFinite(demand) ? { demand } : {}), line });
  }
  for (const { line, fields } of sections.get('RESERVOIRS') ?? []) {
    const values = numbers(fields, 1, 1);
    if (!fields[0] || !values) {
      issue(line, fields[0] ?? '?', 'RECORD_INVALID', 'a reservoir needs an id and a numeric head');
      continue;
    }
    addNode({ id: fields[0], kind: 'reservoir', elevation: values[0]! * length, line });
  }
  for (const { line, fields } of sections.get('TANKS') ?? []) {
    const values = numbers(fields, 1, 1);
    if (!fields[0] || !values) {
      issue(line, fields[0] ?? '?', 'RECORD_INVALID', 'a tank needs an id and a numeric elevation');
      continue;
    }
    addNode({ id: fields[0], kind: 'tank', elevation: values[0]! * length, line });
  }

  const linkLines = new Map<string, number>();
  const addLink = (link: EpanetLink): void => {
    const first = linkLines.get(link.id);
    if (first !== undefined) duplicate('link', link.id, first, link.line);
    linkLines.set(link.id, link.line);
    for (const end of [link.from, link.to]) {
      if (!nodeLines.has(end)) return issue(link.line, link.id, 'UNKNOWN_NODE', `${link.kind} ${link.id} refers to node ${end}, which is not defined`);
    }
    if (link.from === link.to) return issue(link.line, link.id, 'ZERO_LENGTH', `${link.kind} ${link.id} starts and ends at node ${link.from}`);
    network.links.push(link);
  };
  for (const { line, fields } of sections.get('PIPES') ?? []) {
    const [id, from, to] = fields;
    const values = numbers(fields, 3, 3);
    if (!id || !from || !to || !values) {
      issue(line, id ?? '?', 'RECORD_INVALID', 'a pipe needs id, node1, node2, length, diameter and roughness');
      continue;
    }
    if (values[0]! <= 0 || values[1]! <= 0) {
      issue(line, id, values[1]! <= 0 ? 'DIAMETER_INVALID' : 'LENGTH_INVALID', `pipe ${id} has length ${values[0]} and diameter ${values[1]}`);
      continue;
    }
    addLink({
      id,
      kind: 'pipe',
      from,
      to,
      length: values[0]! * length,
      diameter: values[1]! * diameter,
      roughness: values[2]!,
      status: (fields[7] ?? 'Open').toUpperCase(),
      vertices: [],
      line,
    });
  }
  for (const { line, fields } of sections.get('PUMPS') ?? []) {
    const [id, from, to] = fields;
    if (!id || !from || !to) {
      issue(line, id ?? '?', 'RECORD_INVALID', 'a pump needs id, node1 and node2');
      continue;
    }
    addLink({ id, kind: 'pump', from, to, length: 0, diameter: 0, vertices: [], line });
  }
  for (const { line, fields } of sections.get('VALVES') ?? []) {
    const [id, from, to] = fields;
    const values = numbers(fields, 3, 1);
    const valveType = fields[4]?.toUpperCase();
    if (!id || !from || !to || !values || !valveType) {
      issue(line, id ?? '?', 'RECORD_INVALID', 'a valve needs id, node1, node2, diameter and type');
      continue;
    }
    addLink({ id, kind: 'valve', from, to, length: 0, diameter: values[0]! * diameter, valveType, vertices: [], line });
  }

  const nodesById = new Map(network.nodes.map((n) => [n.id, n]));
  for (const { line, fields } of sections.get('COORDINATES') ?? []) {
    const node = nodesById.get(fields[0] ?? '');
    const values = numbers(fields, 1, 2);
    if (!node || !values) {
      issue(line, fields[0] ?? '?', 'COORDINATE_INVALID', `coordinates for ${node ? 'node' : 'unknown node'} ${fields[0]} are not two numbers`);
      continue;
    }
    node.x = values[0]!;
    node.y = values[1]!;
  }
  const linksById = new Map(network.links.map((l) => [l.id, l]));
  for (const { line, fields } of sections.get('VERTICES') ?? []) {
    const link = linksById.get(fields[0] ?? '');
    const values = numbers(fields, 1, 2);
    if (!link || !values) {
      issue(line, fields[0] ?? '?', 'COORDINATE_INVALID', `vertex of ${link ? 'link' : 'unknown link'} ${fields[0]} is not two numbers`);
      continue;
    }
    link.vertices.push([values[0]!, values[1]!]);
  }
  return network;
}
