import Papa from 'papaparse';

/**
 * Exports of a tool's result: a file the browser saves. CSV goes through papaparse (quoting,
 * line breaks inside values, and formulae escaped: a pipe owner named "=HYPERLINK(…)" opened in
 * a spreadsheet must stay text — hand-written CSV gets one of these wrong).
 */
export function csvText(rows: readonly (readonly unknown[])[]): string {
  // A BOM, so spreadsheets read the Chinese names as UTF-8.
  return '\uFEFF' + Papa.unparse(rows as unknown[][], { escapeFormulae: true, newline: '\r\n' });
}

export function geoJsonText(value: unknown): string {
  return JSON.stringify(value, null, 1);
}

/** Saves `content` as `fileName` (a download: no page navigation, the object URL released after). */
export function saveFile(fileName: string, mimeType: string, content: string | Blob): void {
  const blob = typeof content === 'string' ? new Blob([content], { type: mimeType }) : content;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name for an export: the tool, what, and the local time (`cross-section-20261201-0412.csv`). */
export function exportFileName(tool: string, extension: string, at = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}`;
  return `${tool}-${stamp}.${extension}`;
}
