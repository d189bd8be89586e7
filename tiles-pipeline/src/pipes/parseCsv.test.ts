import { describe, expect, it } from 'vitest';
import { parseCsv } from './parseCsv.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF or LF, and skips blank lines', () => {
    const text = '建筑编号,接入点,备注\r\nNK1,JS1,"a, b"\r\n\r\nNK2,,"say ""hi""\nnext line"\nNK3,JS3,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['建筑编号', '接入点', '备注'] },
      { line: 2, fields: ['NK1', 'JS1', 'a, b'] },
      { line: 4, fields: ['NK2', '', 'say "hi"\nnext line'] },
      { line: 6, fields: ['NK3', 'JS3', ''] },
    ]);
  });

  it('takes another delimiter, and names the line of a quote left open', () => {
    expect(parseCsv('a;b\n1;"2;3"', ';')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2;3'] },
    ]);
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow('line 2');
  });
});
