/** Code page names TextDecoder does not know by that spelling, as .cpg files and users write them. */
const ALIASES: Readonly<Record<string, string>> = {
  utf8: 'utf-8',
  '65001': 'utf-8',
  // GB18030 contains GBK and GB2312: decoding with it loses nothing and reads the rarer characters too.
  gbk: 'gb18030',
  gb2312: 'gb18030',
  cp936: 'gb18030',
  '936': 'gb18030',
  'ansi 936': 'gb18030',
  '54936': 'gb18030',
  'euc-cn': 'gb18030',
  big5: 'big5',
  cp950: 'big5',
  '950': 'big5',
  cp932: 'shift_jis',
  '932': 'shift_jis',
  sjis: 'shift_jis',
  cp949: 'euc-kr',
  '949': 'euc-kr',
  '866': 'ibm866',
  latin1: 'windows-1252',
  '8859_1': 'windows-1252',
  '88591': 'windows-1252',
  'iso 88591': 'windows-1252',
};

/**
 * The WHATWG encoding name (what TextDecoder takes) for a code page label from a .cpg file,
 * a dBASE table or the command line — "GBK", "936", "ANSI 1252", "UTF-8", "8859_5"… — or
 * undefined when no decoder exists for it. A BOM and surrounding space are ignored.
 */
export function encodingOfLabel(label: string): string | undefined {
  const key = label
    .replace(/^\ufeff/, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ');
  if (key === '') return undefined;
  const alias = ALIASES[key];
  if (alias) return alias;
  const windows = /^(?:cp|windows-?|ansi |ms)?(125[0-8]|874)$/.exec(key)?.[1];
  if (windows) return `windows-${windows}`;
  const iso = /^(?:iso[- ]?)?8859[_-](\d{1,2})$/.exec(key)?.[1];
  if (iso) return iso === '1' ? 'windows-1252' : `iso-8859-${iso}`;
  try {
    return new TextDecoder(key).encoding;
  } catch {
    return undefined;
  }
}
