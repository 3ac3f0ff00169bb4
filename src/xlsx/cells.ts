/**
 * One CSV cell of a report (text as PostgreSQL formatted it, reports.md "Rules for every CSV") as one
 * SpreadsheetML cell of its column's kind. The CSV's text is the source, so a workbook holds exactly what
 * the CSV of the same request holds, only typed: nothing is computed twice.
 */
import type { ColumnKind } from '../reports/definition';

/** Indexes into the `cellXfs` of styles.xml (workbook-parts.ts). */
export const STYLE = { header: 1, timestamp: 2, date: 3, duration: 4, money: 5, percent: 6 } as const;

const TIMESTAMP = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
const DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const DURATION = /^(\d+):(\d{2}):(\d{2})$/;
const INTEGER = /^-?\d{1,15}$/;
const DECIMAL = /^-?\d+,\d+$/;
/** Days from Excel's day 0 (1899-12-30, the 1900 system with its leap-year quirk) to 1970-01-01. */
const EPOCH_1970 = 25569;

/** A cell whose text does not match its column's kind: a report query and its column kinds disagree. */
export class CellKindError extends Error {}

/**
 * The `<c>` element for `text` at `ref` (e.g. `B7`), or '' for an empty field: empty cells are absent.
 * Wall-clock times are already in the company's zone in the CSV, and an Excel date value has no zone,
 * so a timestamp's serial is its local date and time as written.
 */
export function cellXml(ref: string, kind: ColumnKind, text: string): string {
  if (text === '') return '';
  switch (kind) {
    case 'text':
    case 'boolean':
      return textCell(ref, text);
    case 'integer':
      if (!INTEGER.test(text)) throw mismatch(kind, text);
      return `<c r="${ref}"><v>${text}</v></c>`;
    case 'money':
    case 'percent':
      if (!DECIMAL.test(text)) throw mismatch(kind, text);
      return `<c r="${ref}" s="${STYLE[kind]}"><v>${text.replace(',', '.')}</v></c>`;
    case 'timestamp': {
      // Checked by a regex, read by character codes: one cell per row of the large reports, no match arrays.
      if (!TIMESTAMP.test(text)) throw mismatch(kind, text);
      const days = civilDays(digits(text, 6, 4), digits(text, 3, 2), digits(text, 0, 2));
      const seconds = days * 86400 + digits(text, 11, 2) * 3600 + digits(text, 14, 2) * 60 + digits(text, 17, 2);
      return `<c r="${ref}" s="${STYLE.timestamp}"><v>${seconds / 86400}</v></c>`;
    }
    case 'date': {
      if (!DATE.test(text)) throw mismatch(kind, text);
      return `<c r="${ref}" s="${STYLE.date}"><v>${civilDays(digits(text, 6, 4), digits(text, 3, 2), digits(text, 0, 2))}</v></c>`;
    }
    case 'duration': {
      const m = DURATION.exec(text);
      if (!m) throw mismatch(kind, text);
      return `<c r="${ref}" s="${STYLE.duration}"><v>${(+m[1] * 3600 + +m[2] * 60 + +m[3]) / 86400}</v></c>`;
    }
  }
}

/** An inline-string cell: no shared-string table, so nothing grows with the file. */
export function textCell(ref: string, text: string, style?: number): string {
  const s = style === undefined ? '' : ` s="${style}"`;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  // Without xml:space a reader may drop leading and trailing white space (and the line breaks of a message).
  const space = first <= 32 || last <= 32 || text.includes('\n') ? ' xml:space="preserve"' : '';
  return `<c r="${ref}" t="inlineStr"${s}><is><t${space}>${escapeText(text)}</t></is></c>`;
}

const NEEDS_ESCAPE = /[&<>\r\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|_x[0-9A-Fa-f]{4}_|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ESCAPES = /[&<>\r\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|_(?=x[0-9A-Fa-f]{4}_)|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text as XML character data. XML 1.0 cannot hold most control characters, so those are written the way
 * SpreadsheetML spells any UTF-16 unit, `_xHHHH_`, and a `_` that would start such a spelling is itself
 * escaped (`_x005F_`): Excel and LibreOffice read both back to the original text.
 */
export function escapeText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(ESCAPES, (c) => {
    if (c === '&') return '&amp;';
    if (c === '<') return '&lt;';
    if (c === '>') return '&gt;';
    if (c === '\r') return '&#13;'; // a literal CR would be read back as LF (XML end-of-line handling)
    return `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`;
  });
}

/** Text for an XML attribute value (sheet names). */
export function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The column letters of a zero-based index: 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    letters = String.fromCharCode(65 + r) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** The number written by `length` ASCII digits at `start`. */
function digits(text: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) n = n * 10 + (text.charCodeAt(i) - 48);
  return n;
}

function civilDays(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / 86_400_000 + EPOCH_1970;
}

function mismatch(kind: ColumnKind, text: string): CellKindError {
  return new CellKindError(`a ${kind} column holds ${JSON.stringify(text.slice(0, 40))}`);
}
