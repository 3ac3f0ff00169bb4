/**
 * The byte-level rules of reports.md that PostgreSQL's COPY does not do itself.
 * COPY (FORMAT csv, DELIMITER ';') already quotes a field holding ';', '"', CR or LF and doubles quotes
 * (RFC 4180) and writes null as an empty field; it ends lines with LF, and reports use CRLF.
 */
import { stringify } from 'csv-stringify/sync';

export const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** BOM + the header row: the first part of every CSV file. */
export function csvHeader(columns: readonly string[]): Buffer {
  const line = stringify([columns as string[]], { delimiter: ';', record_delimiter: '\r\n', quoted_match: /^$/ });
  return Buffer.concat([BOM, Buffer.from(line, 'utf8')]);
}

const QUOTE = 0x22;
const SEMICOLON = 0x3b;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Turns COPY's CSV output into report rows: LF line ends become CRLF and, for keyset reports, the
 * last column (the row's sort key, added by the exporter) is cut off and remembered as the cursor.
 * Only whole rows are emitted; a row split across chunks waits for its end.
 */
export class CopyRowSplitter {
  rows = 0;
  lastKey: string | null = null;
  private tail: Buffer = Buffer.alloc(0);

  constructor(private readonly hasKeyColumn: boolean) {}

  push(chunk: Buffer): Buffer {
    const input = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    // Each row grows by at most one byte (the CR) and has at least two bytes.
    const out = Buffer.allocUnsafe(input.length + (input.length >> 1) + 2);
    let o = 0;
    let rowStart = 0;
    let lastSeparator = -1;
    let inQuotes = false;
    for (let i = 0; i < input.length; i++) {
      const b = input[i];
      if (b === QUOTE) {
        inQuotes = !inQuotes;
      } else if (!inQuotes) {
        if (b === SEMICOLON) {
          lastSeparator = i;
        } else if (b === LF) {
          const end = this.hasKeyColumn ? lastSeparator : i;
          if (this.hasKeyColumn) this.lastKey = input.toString('latin1', lastSeparator + 1, i);
          o += input.copy(out, o, rowStart, end);
          out[o++] = CR;
          out[o++] = LF;
          this.rows++;
          rowStart = i + 1;
          lastSeparator = -1;
        }
      }
    }
    this.tail = Buffer.from(input.subarray(rowStart));
    return out.subarray(0, o);
  }

  /** COPY always ends its last row with LF: anything left is a truncated stream. */
  finish(): void {
    if (this.tail.length) throw new Error(`COPY stream ended inside a row (${this.tail.length} bytes left)`);
  }
}
