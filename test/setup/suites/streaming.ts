// A large report cut in small parts, for any type: byte-identical to the file cut in default parts, progress
// counting every row, and a part that fails to be stored resumed from the last stored key, not from the top.
import { describe, expect, it } from 'vitest';
import { parseReportCsv } from '../csv';
import { PartRecorder } from '../part-recorder';
import { ReportsApi, useStack } from '../reports-api';
import type { Stack, StackOptions } from '../stack';

export interface StreamingCase {
  type: string;
  filters: Record<string, unknown>;
  /** How many data rows `arrange` makes. */
  rows: number;
  /** The key the export resumes after, as the test names it (`(sent_at, id)`); none: the type tests its resumption itself (`more`). */
  key?: string;
  /** More options of the small-parts stack. */
  smallOptions?: StackOptions;
  /** A company with `rows` rows on `stack`: a client as its admin, and what its file's rows must be. */
  arrange(stack: Stack): Promise<{ api: ReportsApi; expectRows(rows: string[][]): void }>;
}

export interface StreamingStacks {
  small: Stack;
  recorder(): PartRecorder;
}

export function describeStreaming(c: StreamingCase, more?: (s: StreamingStacks) => void): void {
  describe(`${c.type} streams many rows`, () => {
    let recorder: PartRecorder;
    const small = useStack({ ...c.smallOptions, partBytes: 4096, wrapWorkerStorage: (s) => (recorder = new PartRecorder(s)) });
    const normal = useStack();
    const total = c.rows;

    it('when the file is cut in 4 KB parts, then it is byte-identical to one cut in default parts, and progress counts every row', async () => {
      const [a, b] = [await c.arrange(small), await c.arrange(normal)];
      // Held after the header: the count is known while no row has been stored yet.
      recorder.holdDataParts();
      const id = await a.api.request(c.type, c.filters);
      const midway = await a.api.waitFor(id, (r) => r.progress.totalRows !== null);
      expect(midway).toMatchObject({ status: 'PROCESSING', progress: { rows: 0, totalRows: total } });
      recorder.release();
      const done = await a.api.ready(id);
      expect(done).toMatchObject({ status: 'READY', rowCount: total, progress: { rows: total, totalRows: total, percent: 100 } });
      const cut = await a.api.download(id);

      const { report, bytes: whole } = await b.api.run(c.type, c.filters);
      expect(report.rowCount).toBe(total);
      // A part closes at the first COPY chunk past 4 KB: many parts here, one with the default 8 MB.
      expect(recorder.dataParts).toBeGreaterThanOrEqual(10);
      expect(cut.equals(whole)).toBe(true);
      const rows = parseReportCsv(cut).slice(1);
      expect(rows).toHaveLength(total);
      a.expectRows(rows);
    }, 180_000);

    if (c.key) it(`when a part fails to be stored, then the retry resumes after the last stored ${c.key} and the file is unchanged`, async () => {
      const { api } = await c.arrange(small);
      const clean = await api.run(c.type, c.filters);
      const stored = recorder.dataParts;
      recorder.failOnceAtDataPart(4);
      const resumed = await api.run(c.type, c.filters);
      expect(recorder.failures).toBe(1);
      expect(resumed.bytes.equals(clean.bytes)).toBe(true);
      expect(resumed.report).toMatchObject({ rowCount: total, progress: { rows: total, totalRows: total } });
      // Parts 1-3 were stored once: the retry went on from part 4's first row, not from the top.
      const parts = recorder.dataKeys.slice(stored).map((k) => Number(k.slice(-6)));
      expect(parts.slice(0, 4)).toEqual([1, 2, 3, 4]);
      expect(new Set(parts).size).toBe(parts.length);
    }, 180_000);

    more?.({ small, recorder: () => recorder });
  });
}
