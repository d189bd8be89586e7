import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { TextDecodeAudit } from './TextDecodeAudit.js';

const names = ['南开测试楼', '卫津路12号', '天塔', '八里台商场', 'Tower A'];

function audit(encodeAs: string, decodeAs: string, values = names): string | undefined {
  const check = new TextDecodeAudit(decodeAs, `.cpg "${decodeAs}"`);
  values.forEach((value, i) => {
    const raw = iconv.encode(value, encodeAs);
    check.observe(raw, new TextDecoder(decodeAs).decode(raw), '名称', `record ${i + 1} field 名称`);
  });
  return check.verdict();
}

describe('TextDecodeAudit', () => {
  it('finds nothing wrong with text read in its own code page', () => {
    expect(audit('gbk', 'gb18030')).toBeUndefined();
    expect(audit('utf-8', 'utf-8')).toBeUndefined();
    expect(audit('big5', 'big5')).toBeUndefined();
    expect(audit('windows-1252', 'windows-1252', ['Größe', 'Café', 'Straße 5', 'Ærø'])).toBeUndefined();
  });
  it('UTF-8 read as GBK (valid UTF-8 is almost never GBK text): names UTF-8 and shows the text read right', () => {
    const verdict = audit('utf-8', 'gb18030')!;
    expect(verdict).toMatch(/^4 of 4 non-ASCII text values \(fields 名称\) do not read as gb18030/);
    expect(verdict).toContain('"南开测试楼" in utf-8; fix the .cpg or pass --encoding utf-8');
  });
  it('GBK read as UTF-8 (replacement characters) or as Windows-1252 (runs of accented letters): names GB18030', () => {
    expect(audit('gbk', 'utf-8')).toContain('--encoding gb18030');
    expect(audit('gbk', 'windows-1252')).toContain('--encoding gb18030');
  });
  it('one short value that happens to be valid UTF-8 among many is not a verdict', () => {
    const check = new TextDecodeAudit('gb18030', '.cpg "GBK"');
    for (const value of ['南开测试楼', '天塔', '八里台商场', '水上公园东门']) check.observe(iconv.encode(value, 'gbk'), value, '名称', 'x');
    const lucky = Buffer.from('é', 'utf8'); // also two valid GBK bytes
    check.observe(lucky, new TextDecoder('gb18030').decode(lucky), '名称', 'y');
    expect(check.verdict()).toBeUndefined();
  });
});
