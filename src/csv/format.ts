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

const EMPTY = Buffer.alloc(0);

/**
 * Turns COPY's CSV output into report rows: LF line ends become CRLF and, for keyset reports, the
 * last column (the row's sort key, added by the exporter) is cut off and remembered as the cursor.
 * Only whole rows are emitted; a row split across chunks waits for its end.
 *
 * It runs once per exported byte, so it is written for speed (docs/performance.md): rows are found with
 * `indexOf` (native scans) rather than a byte loop, quotes are only walked in the rare rows that have
 * them, and with a key column the rows are compacted **in place** in the chunk (cutting `;key` frees at
 * least the byte the CR needs), so no output buffer is allocated: `push()` takes ownership of the chunk
 * it is given and returns a view of it. Only the last row's key becomes a string, once per chunk. Without
 * a key column the view is of a buffer the splitter reuses: valid until the next push().
 */
export class CopyRowSplitter {
  rows = 0;
  lastKey: string | null = null;
  private tail: Buffer = EMPTY;
  /** Position of the next `"` at or after the scan position in the current input (input length if none). */
  private nextQuote = 0;

  constructor(private readonly hasKeyColumn: boolean) {}

  push(chunk: Buffer): Buffer {
    const input = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    this.nextQuote = -1;
    // With the key column the output of every row is no longer than its input; without it, each row
    // grows by one byte (its CR), and a row has at least one byte (its LF).
    const out = this.hasKeyColumn ? input : this.outputFor(input.length * 2);
    let o = 0;
    let rowStart = 0;
    let end = this.rowEnd(input, 0);
    while (end >= 0) {
      const nextEnd = this.rowEnd(input, end + 1);
      let cut = end;
      if (this.hasKeyColumn) {
        // The key is never quoted and holds no ';', so the row's last ';' starts it.
        cut = input.lastIndexOf(SEMICOLON, end);
        if (cut < rowStart) throw new Error('COPY row without its key column');
        // Read before the row is rewritten over it; only the chunk's last row needs its key as text.
        if (nextEnd < 0) this.lastKey = input.toString('latin1', cut + 1, end);
        if (o !== rowStart) input.copyWithin(o, rowStart, cut);
        o += cut - rowStart;
      } else {
        o += input.copy(out, o, rowStart, cut);
      }
      out[o++] = CR;
      out[o++] = LF;
      this.rows++;
      rowStart = end + 1;
      end = nextEnd;
    }
    this.tail = rowStart < input.length ? input.subarray(rowStart) : EMPTY;
    return o === 0 ? EMPTY : out.subarray(0, o);
  }

  /**
   * Without a key column the rows grow (LF → CRLF), so they are written to one buffer kept for the next
   * chunk: a view of it is valid until the next push(). (A new buffer per chunk cost a large export more in
   * garbage collection than the copying itself.)
   */
  private output: Buffer = EMPTY;

  private outputFor(bytes: number): Buffer {
    if (this.output.length < bytes) this.output = Buffer.allocUnsafe(Math.max(bytes, 2 * this.output.length));
    return this.output;
  }

  /** COPY always ends its last row with LF: anything left is a truncated stream. */
  finish(): void {
    if (this.tail.length) throw new Error(`COPY stream ended inside a row (${this.tail.length} bytes left)`);
  }

  /**
   * The LF that ends the row starting at `start`, or -1 if the row is not complete in `input`.
   * A LF after an odd number of quotes is inside a quoted field (COPY doubles quotes inside fields, so
   * counting every quote keeps the parity right).
   */
  private rowEnd(input: Buffer, start: number): number {
    let lf = input.indexOf(LF, start);
    if (lf < 0) return -1;
    let quote = this.nextQuote;
    if (quote < start) quote = this.nextQuote = indexOrEnd(input, QUOTE, start);
    if (quote > lf) return lf;
    let open = false;
    for (;;) {
      while (quote < lf) {
        open = !open;
        quote = indexOrEnd(input, QUOTE, quote + 1);
      }
      if (!open) break;
      lf = input.indexOf(LF, lf + 1);
      if (lf < 0) return -1;
    }
    this.nextQuote = quote;
    return lf;
  }
}

function indexOrEnd(input: Buffer, byte: number, from: number): number {
  const i = input.indexOf(byte, from);
  return i < 0 ? input.length : i;
}
