// PartBuffers: an export's parts gathered in two reusable buffers, handed out as views.
import { describe, expect, it } from 'vitest';
import { PartBuffers } from '../../src/csv/part-buffers';

describe('PartBuffers', () => {
  it('when chunks are appended and parts taken, then each part holds exactly its chunks, in order', () => {
    const parts = new PartBuffers(10, 4);
    const taken: string[] = [];
    let expected = '';
    const all: string[] = [];
    for (let i = 0; i < 50; i++) {
      const chunk = `<${i}>`.repeat(1 + (i % 5));
      parts.append(Buffer.from(chunk));
      expected += chunk;
      if (parts.length >= 10) {
        const part = parts.take();
        // A part is used (stored) before the next one is taken, as the exporter does.
        taken.push(part.toString());
        all.push(expected);
        expected = '';
      }
    }
    taken.push(parts.take().toString());
    all.push(expected);
    expect(taken).toEqual(all);
  });

  it('when a part is taken, then filling goes on in the other buffer and leaves the taken part intact', () => {
    const parts = new PartBuffers(4);
    parts.append(Buffer.from('aaaa'));
    const first = parts.take();
    parts.append(Buffer.from('bbbb'));
    expect(first.toString()).toBe('aaaa');
    const second = parts.take();
    expect(second.toString()).toBe('bbbb');
    expect(parts.length).toBe(0);
  });

  it('when a chunk is bigger than a part, then the buffer grows to hold it whole', () => {
    const parts = new PartBuffers(8, 0);
    const big = Buffer.alloc(100_000, 'x');
    parts.append(Buffer.from('ab'));
    parts.append(big);
    const part = parts.take();
    expect(part.length).toBe(100_002);
    expect(part.subarray(0, 3).toString()).toBe('abx');
  });

  it('when nothing was appended, then the part taken is empty', () => {
    expect(new PartBuffers(1024).take().length).toBe(0);
  });
});
