import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLines } from './readLines.js';

const dir = mkdtempSync(join(tmpdir(), 'cim-lines-'));

async function lines(content: string | Buffer): Promise<{ number: number; byteOffset: number; text: string }[]> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, content);
  const out = [];
  for await (const line of readLines(file)) out.push(line);
  return out;
}

describe('readLines', () => {
  it('numbers lines, skips blank ones, handles CRLF, a BOM and no final newline', async () => {
    expect(await lines('\ufeffa\r\n\r\nb\nc')).toEqual([
      { number: 1, byteOffset: 3, text: 'a' },
      { number: 3, byteOffset: 8, text: 'b' },
      { number: 4, byteOffset: 10, text: 'c' },
    ]);
  });

  it('keeps lines whole across read chunks (multi-byte characters included)', async () => {
    const text = Array.from({ length: 200_000 }, (_, i) => `{"名称":"楼${i}"}`).join('\n');
    const result = await lines(text);
    expect(result.length).toBe(200_000);
    expect(result[123_456]!.text).toBe('{"名称":"楼123456"}');
    expect(Buffer.from(text).subarray(result[123_456]!.byteOffset).toString().startsWith('{"名称":"楼123456"}')).toBe(true);
  });
});
