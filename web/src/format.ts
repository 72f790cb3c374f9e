// Small formatting helpers shared by the pages.

// Human-readable size, as the original's filesize 4.1.2 printed it (base 2,
// symbols B/KB/MB/GB/TB, two decimals with trailing zeros dropped):
// 64512000 -> "61.52 MB".
export function fileSize(bytes: unknown): string {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  let exponent = bytes > 0 ? Math.floor(Math.log(bytes) / Math.log(1024)) : 0;
  exponent = Math.min(Math.max(exponent, 0), units.length - 1);
  const value = exponent === 0 ? bytes : bytes / Math.pow(1024, exponent);
  return `${Number(value.toFixed(2))} ${units[exponent]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

// A highlighted value split into plain and emphasised parts. The server wraps
// matches in <em>…</em> and escapes nothing else, so the parts are rendered
// as text, never as HTML.
export interface HighlightPart {
  text: string;
  em: boolean;
}

export function splitHighlight(fragment: string): HighlightPart[] {
  const parts: HighlightPart[] = [];
  let em = false;
  for (const piece of fragment.split(/(<em>|<\/em>)/)) {
    if (piece === '<em>') em = true;
    else if (piece === '</em>') em = false;
    else if (piece !== '') parts.push({ text: piece, em });
  }
  return parts;
}

export function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

// Only http(s) links are made clickable: the data comes from uploaded files.
export function safeUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  return /^https?:\/\//i.test(value) ? value : null;
}

export function revisionUrl(source: Record<string, any> | undefined): string | null {
  if (!source || typeof source.revision !== 'string' || source.revision === '') return null;
  const repo = safeUrl(source.repository);
  if (!repo) return null;
  return `${repo.replace(/\/+$/, '')}/rev/${encodeURIComponent(source.revision)}`;
}

// A date-time as "YYYY-MM-DD HH:MM:SS" for the narrow table column; the raw
// string stays in the cell's title and <time datetime>.
export function compactDate(value: unknown): string {
  const text = asText(value);
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)/.exec(text);
  return m ? `${m[1]} ${m[2]}` : text;
}
