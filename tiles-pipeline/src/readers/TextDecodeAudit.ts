import { isUtf8 } from 'node:buffer';

/** Encodings with one byte per character, where mojibake shows as runs of accented letters. */
const SINGLE_BYTE = /^(windows-125\d|iso-8859-\d+|windows-874|ibm866|koi8-[ru])$/;
/** Replacement character (invalid sequences), C1 controls and C0 controls other than tab and newlines. */
const BROKEN = /[\ufffd\u0080-\u009f\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
/** Three accented Latin letters in a row: what GBK or UTF-8 bytes read as Windows-1252 look like ("ÄÏ¿ª", "Ã¥Â"). */
const LATIN_RUN = /[\u00c0-\u00ff][\u00a0-\u00ff]{2}/;
/** Other code pages worth proposing, in order. */
const CANDIDATES = ['utf-8', 'gb18030', 'big5', 'windows-1252'];
const KEPT_EXAMPLES = 200;

interface Example {
  where: string;
  raw: Uint8Array;
  decoded: string;
}

/**
 * Judges whether the text of a file was decoded in the right code page, from the values
 * themselves: a wrong .cpg or dBASE language byte gives replacement characters and control
 * codes (invalid sequences), bytes that are valid UTF-8 read as something else (UTF-8 with a
 * "GBK" label), or runs of accented letters (GBK or UTF-8 read as Windows-1252). The verdict
 * is one warning for the file — the code page belongs to the file, and one message naming the
 * fields, an example and a code page that reads them cleanly says what to fix — instead of
 * the same warning on every feature.
 */
export class TextDecodeAudit {
  private nonAscii = 0;
  private implausible = 0;
  private broken = 0;
  private readonly fields = new Set<string>();
  private readonly examples: Example[] = [];

  constructor(
    readonly encoding: string,
    /** Where the encoding came from, for the message (".cpg \"GBK\"", "--encoding"…). */
    readonly declaredBy: string,
  ) {}

  /** One decoded text value (or field name); `where` names it, e.g. `record 3 field 名称`. */
  observe(raw: Uint8Array, decoded: string, field: string, where: string): void {
    let ascii = true;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return;
    this.nonAscii++;
    if (!implausible(raw, decoded, this.encoding)) return;
    this.implausible++;
    if (BROKEN.test(decoded)) this.broken++;
    this.fields.add(field);
    if (this.examples.length < KEPT_EXAMPLES) this.examples.push({ where, raw: Uint8Array.from(raw), decoded });
  }

  /**
   * The warning for the file, or undefined when its text reads plausibly. A single broken value
   * is enough (no correct decode yields one); a valid-elsewhere reading must be common, as a
   * short value can be valid UTF-8 by chance.
   */
  verdict(): string | undefined {
    if (this.implausible === 0) return undefined;
    if (this.broken === 0 && this.implausible * 2 < this.nonAscii) return undefined;
    const example = this.examples[0]!;
    const better = CANDIDATES.filter((c) => c !== this.encoding)
      .map((candidate) => ({ candidate, clean: this.examples.filter((e) => readsCleanly(e.raw, candidate)).length }))
      .sort((a, b) => b.clean - a.clean)[0];
    const fields = [...this.fields].slice(0, 5).join(', ');
    let message =
      `${this.implausible} of ${this.nonAscii} non-ASCII text values (fields ${fields}) do not read as ${this.encoding} ` +
      `(${this.declaredBy}): e.g. ${example.where} is ${JSON.stringify(example.decoded.slice(0, 40))}`;
    if (better && better.clean * 2 >= this.examples.length) {
      const fixed = new TextDecoder(better.candidate).decode(example.raw);
      message += `, which reads as ${JSON.stringify(fixed.slice(0, 40))} in ${better.candidate}; fix the .cpg or pass --encoding ${better.candidate}`;
    } else {
      message += '; check the .cpg or pass --encoding';
    }
    return message;
  }
}

function implausible(raw: Uint8Array, decoded: string, encoding: string): boolean {
  if (BROKEN.test(decoded)) return true;
  // Non-ASCII bytes that form valid UTF-8 are almost never text in another code page.
  if (encoding !== 'utf-8' && isUtf8(raw)) return true;
  return SINGLE_BYTE.test(encoding) && LATIN_RUN.test(decoded);
}

function readsCleanly(raw: Uint8Array, encoding: string): boolean {
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(raw);
  } catch {
    return false;
  }
  return !implausible(raw, text, encoding);
}
