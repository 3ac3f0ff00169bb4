// The fast CopyRowSplitter (indexOf scans, in-place compaction) against a plain byte-by-byte reading of the
// same rules, on COPY-like output with every awkward byte, cut into chunks at random places.
import { describe, expect, it } from 'vitest';
import { CopyRowSplitter } from '../../src/csv/format';

/** The rules, one byte at a time: LF outside quotes ends a row; with a key, the last `;key` is cut off. */
function reference(input: Buffer, hasKey: boolean): { out: Buffer; rows: number; lastKey: string | null } {
  const out: number[] = [];
  let row: number[] = [];
  let inQuotes = false;
  let rows = 0;
  let lastKey: string | null = null;
  for (const b of input) {
    if (b === 0x22) inQuotes = !inQuotes;
    if (b === 0x0a && !inQuotes) {
      let end = row.length;
      if (hasKey) {
        end = row.lastIndexOf(0x3b);
        lastKey = Buffer.from(row.slice(end + 1)).toString('latin1');
      }
      out.push(...row.slice(0, end), 0x0d, 0x0a);
      rows++;
      row = [];
    } else {
      row.push(b);
    }
  }
  return { out: Buffer.from(out), rows, lastKey };
}

/** A deterministic generator (no flaky tests): mulberry32. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['a', 'Olá', '😀', ';', '"', '\n', '\r\n', '\r', ' ', '=1+1', 'ação', ''];

/** What COPY (FORMAT csv, DELIMITER ';') writes for random cells, plus a key column when asked. */
function copyLikeOutput(next: () => number, rows: number, hasKey: boolean): Buffer {
  let text = '';
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    const columns = 1 + Math.floor(next() * 4);
    for (let c = 0; c < columns; c++) {
      let cell = '';
      const length = Math.floor(next() * 5);
      for (let i = 0; i < length; i++) cell += PIECES[Math.floor(next() * PIECES.length)];
      cells.push(/[;"\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
    }
    if (hasKey) cells.push(`${r}|2026-01-0${1 + (r % 9)} 03:00:00+00|${r * 7}`);
    text += `${cells.join(';')}\n`;
  }
  return Buffer.from(text);
}

function splitRandomly(next: () => number, input: Buffer, maxChunk: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < input.length; ) {
    const size = 1 + Math.floor(next() * maxChunk);
    // Copies, as the stream hands over buffers of its own (push() rewrites them in place).
    chunks.push(Buffer.from(input.subarray(i, i + size)));
    i += size;
  }
  return chunks;
}

describe('CopyRowSplitter against the byte-by-byte rules', () => {
  for (const hasKey of [true, false]) {
    it(`when rows with quotes, line breaks, CRs and multi-byte text arrive in random chunks (key column: ${hasKey}), then the bytes are the same`, () => {
      const next = random(hasKey ? 7 : 11);
      for (let round = 0; round < 40; round++) {
        const input = copyLikeOutput(next, 1 + Math.floor(next() * 60), hasKey);
        const expected = reference(input, hasKey);
        for (const maxChunk of [1, 7, 64, 100_000]) {
          const s = new CopyRowSplitter(hasKey);
          const out = Buffer.concat(splitRandomly(next, input, maxChunk).map((c) => Buffer.from(s.push(c))));
          s.finish();
          expect(out.equals(expected.out), `round ${round}, chunks up to ${maxChunk}`).toBe(true);
          expect(s.rows).toBe(expected.rows);
          expect(s.lastKey).toBe(expected.lastKey);
        }
      }
    });
  }

  it('when a quoted line break is the last byte of a chunk, then the row waits for its real end', () => {
    const s = new CopyRowSplitter(true);
    expect(s.push(Buffer.from('1;"a\n')).length).toBe(0);
    expect(s.push(Buffer.from('b";k1\n2;"";k2\n')).toString()).toBe('1;"a\nb"\r\n2;""\r\n');
    expect(s.lastKey).toBe('k2');
    expect(s.rows).toBe(2);
  });

  it('when a quoted field ends in ";" right before the key, then only the key is cut', () => {
    const s = new CopyRowSplitter(true);
    expect(s.push(Buffer.from('"x;";"y;"";";1|2\n')).toString()).toBe('"x;";"y;"";"\r\n');
    expect(s.lastKey).toBe('1|2');
  });

  it('without a key column, empty lines (one null column) become CRLF each', () => {
    const s = new CopyRowSplitter(false);
    expect(s.push(Buffer.from('\n\n\n')).toString()).toBe('\r\n\r\n\r\n');
    expect(s.rows).toBe(3);
  });

  it('when a key row has no ";" at all, then it is refused instead of cutting the wrong bytes', () => {
    expect(() => new CopyRowSplitter(true).push(Buffer.from('nokey\n'))).toThrow(/without its key column/);
  });
});
