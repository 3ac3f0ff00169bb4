import { describe, expect, it } from 'vitest';
import { BOM, CopyRowSplitter, csvHeader } from '../../src/csv/format';

// What COPY (FORMAT csv, DELIMITER ';') writes: LF line ends, RFC 4180 quotes, the sort key last.
const copyOutput = [
  '1;plain;1\n',
  '2;"semi;colon";2\n',
  '3;"line\nbreak and ""quotes""";2026-10-01 03:00:00+00|3\n',
  '4;"cr\r\nlf;";4\n',
  '5;;5\n',
].join('');

describe('CopyRowSplitter', () => {
  it('when COPY rows arrive, then lines end in CRLF, quoted line breaks stay, and the key column is cut off', () => {
    const s = new CopyRowSplitter(true);
    const out = s.push(Buffer.from(copyOutput));
    s.finish();
    expect(out.toString()).toBe(
      '1;plain\r\n2;"semi;colon"\r\n3;"line\nbreak and ""quotes"""\r\n4;"cr\r\nlf;"\r\n5;\r\n',
    );
    expect(s.rows).toBe(5);
    expect(s.lastKey).toBe('5');
  });

  it('when rows are split across chunks at every byte, then the output is the same', () => {
    const whole = new CopyRowSplitter(true).push(Buffer.from(copyOutput)).toString();
    const s = new CopyRowSplitter(true);
    const bytes = Buffer.from(copyOutput);
    let out = '';
    const keys: (string | null)[] = [];
    for (let i = 0; i < bytes.length; i++) {
      out += s.push(bytes.subarray(i, i + 1)).toString('latin1');
      keys.push(s.lastKey);
    }
    s.finish();
    expect(Buffer.from(out, 'latin1').toString()).toBe(whole);
    expect(keys).toContain('2026-10-01 03:00:00+00|3');
    expect(s.lastKey).toBe('5');
  });

  it('when multi-byte UTF-8 is split mid-character, then bytes pass through intact', () => {
    const text = '7;"Olá 😀; ação"\n';
    const s = new CopyRowSplitter(false);
    const b = Buffer.from(text);
    // Each view is valid until the next push(): copied before it.
    const out = Buffer.concat([b.subarray(0, 6), b.subarray(6, 9), b.subarray(9)].map((c) => Buffer.from(s.push(c))));
    expect(out.toString()).toBe('7;"Olá 😀; ação"\r\n');
  });

  it('when the stream stops inside a row, then finish() refuses it', () => {
    const s = new CopyRowSplitter(true);
    s.push(Buffer.from('1;"unterminated\n'));
    expect(() => s.finish()).toThrow(/ended inside a row/);
  });
});

describe('csvHeader', () => {
  it('starts with the BOM and ends the header row with CRLF', () => {
    const h = csvHeader(['ID do ticket', 'Última mensagem', 'Ocorrência/Tag']);
    expect(h.subarray(0, 3)).toEqual(BOM);
    expect(h.subarray(3).toString()).toBe('ID do ticket;Última mensagem;Ocorrência/Tag\r\n');
  });
});
