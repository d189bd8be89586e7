import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputFileError } from '../readers/InputFileError.js';
import { parseEpanet } from './parseEpanet.js';

const dir = join(import.meta.dirname, '../../../test/fixtures/epanet');

/** Data lines of a section, counted independently of the parser. */
function countRecords(text: string, section: string): number {
  let inside = false;
  let count = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) inside = line.toUpperCase() === `[${section}]`;
    else if (inside && line !== '' && !line.startsWith(';')) count++;
  }
  return count;
}

describe('parseEpanet', () => {
  for (const name of ['Net1.inp', 'Net2.inp', 'Net3.inp', 'Net6.inp']) {
    it(`${name}: every junction, reservoir, tank, pipe, pump and valve, with coordinates`, () => {
      const text = readFileSync(join(dir, name), 'utf8');
      const network = parseEpanet(text, name);
      const kinds = (kind: string): number => network.nodes.filter((n) => n.kind === kind).length + network.links.filter((l) => l.kind === kind).length;
      expect(kinds('junction')).toBe(countRecords(text, 'JUNCTIONS'));
      expect(kinds('reservoir')).toBe(countRecords(text, 'RESERVOIRS'));
      expect(kinds('tank')).toBe(countRecords(text, 'TANKS'));
      expect(kinds('pipe')).toBe(countRecords(text, 'PIPES'));
      expect(kinds('pump')).toBe(countRecords(text, 'PUMPS'));
      expect(kinds('valve')).toBe(countRecords(text, 'VALVES'));
      expect(network.issues).toEqual([]);
      expect(network.units).toBe('US');
      expect(network.nodes.filter((n) => n.x !== undefined).length).toBeGreaterThan(network.nodes.length * 0.9);
    });
  }

  it('Net3 and Net6 have the sizes their sources state', () => {
    const net3 = parseEpanet(readFileSync(join(dir, 'Net3.inp'), 'utf8'), 'Net3.inp');
    expect(net3.nodes.filter((n) => n.kind === 'junction').length).toBe(92);
    expect(net3.links.filter((l) => l.kind === 'pipe').length).toBe(117);
    const net6 = parseEpanet(readFileSync(join(dir, 'Net6.inp'), 'utf8'), 'Net6.inp');
    expect(net6.nodes.filter((n) => n.kind === 'junction').length).toBe(3323);
    expect(net6.links.filter((l) => l.kind === 'pipe').length).toBe(3829);
    expect(net6.links.filter((l) => l.kind === 'valve').length).toBe(2);
  });

  it('converts US units to metres (Net1 pipe 10: 10530 ft, 18 in)', () => {
    const net1 = parseEpanet(readFileSync(join(dir, 'Net1.inp'), 'utf8'), 'Net1.inp');
    const pipe = net1.links.find((l) => l.id === '10')!;
    expect(pipe.length).toBeCloseTo(10530 * 0.3048, 6);
    expect(pipe.diameter).toBeCloseTo(18 * 0.0254, 9);
    expect(net1.nodes.find((n) => n.id === '10')!.elevation).toBeCloseTo(710 * 0.3048, 6);
  });

  it('reads SI units (LPS: metres and millimetres)', () => {
    const text = '[JUNCTIONS]\n J1 5 0\n J2 4 0\n[PIPES]\n P1 J1 J2 120 300 100\n[OPTIONS]\n Units LPS\n[END]\n';
    const network = parseEpanet(text, 'si.inp');
    expect(network.units).toBe('SI');
    expect(network.links[0]).toMatchObject({ length: 120, diameter: 0.3 });
  });

  it('leaves out bad elements with an issue, and refuses a truncated file', () => {
    const text = '[JUNCTIONS]\n J1 5\n J2 x\n[PIPES]\n P1 J1 J9 100 200 100\n P2 J1 J1 100 200 100\n P3 J1 J2 100 0 100\n[END]\n';
    const network = parseEpanet(text, 'bad.inp');
    expect(network.issues.map((i) => i.code)).toEqual(['RECORD_INVALID', 'UNKNOWN_NODE', 'ZERO_LENGTH', 'DIAMETER_INVALID']);
    expect(() => parseEpanet('[JUNCTIONS]\n J1 5\n[PIPES]\n P1 J1', 'cut.inp')).toThrow(InputFileError);
  });
});

describe('parseEpanet: duplicate ids', () => {
  it('a node id defined twice is a file error naming both lines (EPANET error 215), never a merge', () => {
    const text = '[JUNCTIONS]\n J1 5\n J2 6\n[RESERVOIRS]\n J1 50\n[PIPES]\n P1 J1 J2 100 200 100\n[END]\n';
    expect(() => parseEpanet(text, 'dup.inp')).toThrow(/node id "J1" is defined twice \(lines 2 and 5\)/);
  });
  it('a link id defined twice is a file error', () => {
    const text = '[JUNCTIONS]\n J1 5\n J2 6\n J3 7\n[PIPES]\n P1 J1 J2 100 200 100\n P1 J2 J3 100 200 100\n[END]\n';
    expect(() => parseEpanet(text, 'dup.inp')).toThrow(/link id "P1" is defined twice \(lines 6 and 7\)/);
  });
  it('says when replacement characters (a wrong encoding) made the ids alike', () => {
    const text = '[JUNCTIONS]\n \ufffd\ufffd 5\n \ufffd\ufffd 6\n[END]\n';
    expect(() => parseEpanet(text, 'gbk.inp')).toThrow(/--encoding/);
  });
});
