/**
 * Reads back a report CSV as this module writes it (BOM, `;`, CRLF, RFC 4180 quotes: a quoted field may
 * hold `;`, `""` and line breaks), chunk by chunk, into rows of cell texts. Only a row split across two
 * chunks is ever copied.
 */
const QUOTE = 0x22;
const SEMICOLON = 0x3b;
const CR = 0x0d;
const LF = 0x0a;
const EMPTY = Buffer.alloc(0);

export class CsvRowReader {
  private tail: Buffer = EMPTY;
  private started = false;

  /** The complete rows in `chunk` (and what was left of the previous one). */
  push(chunk: Buffer): string[][] {
    return [...this.rows(chunk)];
  }

  /**
   * The same rows, one at a time: a row is parsed only when the previous one has been used, so a chunk's
   * rows are never all alive at once (they would outlive the young generation's collections).
   * Consume it to the end before the next chunk.
   */
  *rows(chunk: Buffer): Generator<string[]> {
    let input = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    if (!this.started) {
      if (input.length < 3) { this.tail = input; return; }
      if (input[0] !== 0xef || input[1] !== 0xbb || input[2] !== 0xbf) throw new Error('the CSV does not start with its BOM');
      input = input.subarray(3);
      this.started = true;
    }
    let pos = 0;
    const out: string[][] = [];
    for (;;) {
      const end = this.readRow(input, pos, out);
      if (end < 0) break;
      pos = end;
      yield out.pop()!;
    }
    this.tail = pos < input.length ? Buffer.from(input.subarray(pos)) : EMPTY;
  }

  /** The stored file ends with CRLF: anything left is a truncated file. */
  finish(): void {
    if (this.tail.length || !this.started) throw new Error(`the CSV ends inside a row (${this.tail.length} bytes left)`);
  }

  /** Parses the row at `start` into `rows` and returns where the next row starts, or -1 if it is incomplete. */
  private readRow(input: Buffer, start: number, rows: string[][]): number {
    const fields: string[] = [];
    let i = start;
    for (;;) {
      if (i >= input.length) return -1;
      if (input[i] === QUOTE) {
        // Quoted: up to the quote not followed by another one.
        let j = i + 1;
        let doubled = false;
        for (;;) {
          j = input.indexOf(QUOTE, j);
          if (j < 0 || j + 1 >= input.length) return -1;
          if (input[j + 1] !== QUOTE) break;
          doubled = true;
          j += 2;
        }
        const text = input.toString('utf8', i + 1, j);
        fields.push(doubled ? text.replace(/""/g, '"') : text);
        i = j + 1;
      } else {
        let j = i;
        while (j < input.length && input[j] !== SEMICOLON && input[j] !== CR) j++;
        if (j >= input.length) return -1;
        fields.push(input.toString('utf8', i, j));
        i = j;
      }
      if (input[i] === SEMICOLON) { i++; continue; }
      if (input[i] === CR) {
        if (i + 1 >= input.length) return -1;
        if (input[i + 1] !== LF) throw new Error('a CR without LF outside quotes in the CSV');
        rows.push(fields);
        return i + 2;
      }
      throw new Error(`unexpected byte ${input[i]} after a quoted field in the CSV`);
    }
  }
}
