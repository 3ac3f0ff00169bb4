// A workbook (format xlsx) whose worker is SIGKILLed: in the CSV export it starts with, and in the
// conversion that follows. Either way the report ends READY with the very bytes of an uninterrupted run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIG_REPORT, exportLog, sha256, sleep, startFaultHarness, type FaultHarness, type WorkerProcess } from '../setup/fault-harness';
import { readWorkbook } from '../setup/xlsx';
import { PART_BYTES, freezeMidExport } from './mid-export';

const BIG_WORKBOOK = { ...BIG_REPORT, format: 'xlsx' };

describe('fault: worker killed while making a workbook', () => {
  let h: FaultHarness;
  let clean: { sha256: string; rows: number };

  const running = async (): Promise<WorkerProcess> => {
    const alive = h.workers.filter((w) => w.running());
    return alive[0] ?? h.startWorker(`worker-${h.workers.length + 1}`);
  };

  beforeAll(async () => {
    h = await startFaultHarness({ storage: 'local', workerEnv: { EXPORT_PART_BYTES: String(PART_BYTES) } });
    await running();
    const id = await h.requestReport(BIG_WORKBOOK);
    const report = await h.waitForReport(id);
    expect(report.status, JSON.stringify(report.error)).toBe('READY');
    const bytes = await h.download(id);
    const sheets = await readWorkbook(bytes);
    expect(sheets[0].rows.length - 1).toBe(report.rowCount);
    expect(report.rowCount).toBeGreaterThanOrEqual(200_000);
    clean = { sha256: sha256(bytes), rows: report.rowCount };
  }, 600_000);

  afterAll(async () => {
    await h?.stop();
  });

  async function expectCleanWorkbook(id: string) {
    const report = await h.waitForReport(id, 300_000);
    expect(report.status, JSON.stringify(report.error)).toBe('READY');
    expect(report.rowCount).toBe(clean.rows);
    expect(sha256(await h.download(id))).toBe(clean.sha256);
    // Nothing left behind: the stored CSV and the parts are gone, only the workbook stays.
    expect((await h.listObjects(`reports/${h.admin.companyId}/${id}/`)).map((k) => k.split('/').pop())).toEqual([report.fileName]);
    expect(await h.listObjects(`parts/${id}/`)).toEqual([]);
  }

  it('when the worker is SIGKILLed in the CSV export of a workbook, then another resumes it and the workbook is byte-identical', async () => {
    const worker = await running();
    const { id } = await freezeMidExport(h, [worker], clean.rows, 0.1, BIG_WORKBOOK);
    worker.signal('SIGKILL');
    expect(await worker.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const second = await h.startWorker('after-csv-kill');
    await expectCleanWorkbook(id);
    expect(exportLog(h.workers, id).find((l) => l.msg === 'export resumed')?.worker).toBe(second.name);
  }, 400_000);

  it('when the worker is SIGKILLed while converting the CSV to the workbook, then another converts it again and it is byte-identical', async () => {
    const worker = await running();
    const id = await h.requestReport(BIG_WORKBOOK);
    // The CSV is stored (the record names it) and the workbook is not: the conversion is under way.
    for (;;) {
      const row = await h.record(id);
      if (row.objectKey?.endsWith('.xlsx') || row.status !== 'PROCESSING') throw new Error('the conversion ended before the kill');
      if (row.objectKey?.endsWith('.csv')) break;
      await sleep(20);
    }
    worker.signal('SIGKILL');
    expect(await worker.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect((await h.record(id)).objectKey).toMatch(/\.csv$/);
    const second = await h.startWorker('after-conversion-kill');
    await expectCleanWorkbook(id);
    // The conversion that made the file ran on the new worker (attempt 2 when the kill caught it running).
    expect(exportLog(h.workers, id).find((l) => l.msg === 'workbook finished')).toMatchObject({ worker: second.name });
  }, 400_000);
});
