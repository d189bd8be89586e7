import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText } from './decodeText.js';
import { encodingOfLabel } from './encodingOfLabel.js';
import { InputFileError } from './InputFileError.js';

const text = '[JUNCTIONS]\n 节点一 5\n 节点二 6\n';

describe('decodeText', () => {
  it('reads UTF-8 (with or without a BOM) as UTF-8 and anything else as GB18030', () => {
    expect(decodeText(Buffer.from(text), 'a.inp')).toEqual({ text, encoding: 'utf-8' });
    expect(decodeText(Buffer.from(`\ufeff${text}`), 'a.inp')).toEqual({ text, encoding: 'utf-8' });
    expect(decodeText(iconv.encode(text, 'gbk'), 'a.inp')).toEqual({ text, encoding: 'gb18030' });
  });
  it('decodes in the encoding given, and refuses bytes invalid in it, naming the line (never replacement characters)', () => {
    const traditional = '[JUNCTIONS]\n 節點一 5\n';
    expect(decodeText(iconv.encode(traditional, 'big5'), 'a.inp', 'big5').text).toBe(traditional);
    expect(() => decodeText(iconv.encode(text, 'gbk'), 'a.inp', 'utf-8')).toThrow(InputFileError);
    expect(() => decodeText(iconv.encode(text, 'gbk'), 'a.inp', 'utf-8')).toThrow(/a\.inp at line 2: the text is not valid utf-8/);
    expect(() => decodeText(Buffer.from(text), 'a.inp', 'klingon')).toThrow(/unknown encoding "klingon"/);
  });
});

describe('encodingOfLabel', () => {
  it('reads code pages as .cpg files and users write them', () => {
    const cases: [string, string | undefined][] = [
      ['UTF-8', 'utf-8'],
      ['utf8', 'utf-8'],
      ['65001', 'utf-8'],
      ['\ufeffGBK', 'gb18030'],
      [' CP936\r\n', 'gb18030'],
      ['ANSI 936', 'gb18030'],
      ['GB2312', 'gb18030'],
      ['BIG5', 'big5'],
      ['1252', 'windows-1252'],
      ['ANSI 1251', 'windows-1251'],
      ['8859_1', 'windows-1252'],
      ['8859_5', 'iso-8859-5'],
      ['Shift_JIS', 'shift_jis'],
      ['klingon-7', undefined],
      ['', undefined],
    ];
    for (const [label, expected] of cases) expect(encodingOfLabel(label), label).toBe(expected);
  });
});
