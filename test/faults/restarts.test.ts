// Faults 2, 3 (local disk) and 4: PostgreSQL restarted, the files folder made unwritable, the Temporal dev
// server restarted — each in the middle of a 200,000-message export, on services of this file's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_MESSAGES } from '../../workflows/definitions';
import { sleep, startFaultHarness, type FaultHarness, type WorkerProcess } from '../setup/fault-harness';
import { PART_BYTES, cleanRun, expectSameFile, freezeMidExport, resumption, type CleanRun } from './mid-export';

describe('fault: services restarted and disk unwritable mid-export (local storage)', () => {
  let h: FaultHarness;
  let clean: CleanRun;
  /** Exactly one running worker, with `env`: the one the export lands on. */
  const onlyWorker = async (name: string, env: Record<string, string> = {}): Promise<WorkerProcess> => {
    for (const w of h.workers) if (w.running()) w.signal('SIGKILL');
    await Promise.all(h.workers.map((w) => w.exited));
    return h.startWorker(name, env);
  };
  /** Waits until Temporal has scheduled another attempt of the export: the fault was met. */
  const waitForRetry = async (id: string, attempt = 2): Promise<void> => {
    const deadline = Date.now() + 120_000;
    while (((await h.pendingExport(id).catch(() => null))?.attempt ?? 0) < attempt) {
      if (Date.now() > deadline) throw new Error(`export of ${id} never reached attempt ${attempt}`);
      await sleep(100);
    }
  };

  beforeAll(async () => {
    h = await startFaultHarness({ storage: 'local', workerEnv: { EXPORT_PART_BYTES: String(PART_BYTES) } });
    await onlyWorker('clean');
    clean = await cleanRun(h);
    console.log(`[faults] clean run: ${clean.rows} rows, ${clean.sizeBytes} bytes in ${clean.ms} ms`);
  }, 600_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('when PostgreSQL is restarted mid-export, then the retry resumes and the file is byte-identical', async () => {
    const worker = await onlyWorker('pg');
    const { id } = await freezeMidExport(h, [worker], clean.rows);
    const atStop = await h.record(id);
    const stoppedAt = Date.now();
    await h.postgres.stop();
    worker.signal('SIGCONT');
    await sleep(2_000); // the export meets the dead connection and fails its attempt
    await h.postgres.start();
    const downMs = Date.now() - stoppedAt;

    await expectSameFile(h, id, clean, 90_000);
    // The worker lived through it (postgres.js alone would have crashed it: src/db/transaction.ts).
    expect(worker.running()).toBe(true);
    const { attempts, lastStoredByFirst, resumed, finished, story } = resumption(h, id);
    console.log(`[faults] PostgreSQL down ${downMs} ms at ${atStop.progressRows} rows: READY ${Date.now() - stoppedAt} ms after the stop; `
      + `attempts ${attempts.join(',')}, resumed from the ${resumed?.from} at part ${resumed?.parts} (last stored: ${lastStoredByFirst?.part})`);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(resumed!.parts).toBeGreaterThanOrEqual(lastStoredByFirst!.part - 1);
    expect(finished!.rowsRead, story()).toBe(clean.rows - resumed!.rows);
  }, 300_000);

  it('when the files folder is unwritable mid-export and writable again, then the retry completes one whole file and leaves no part', async () => {
    const worker = await onlyWorker('disk');
    const { id } = await freezeMidExport(h, [worker], clean.rows);
    const brokenAt = Date.now();
    h.storageUnwritable();
    worker.signal('SIGCONT');
    try {
      await waitForRetry(id);
      // No final file while parts cannot be stored.
      expect(h.listObjectsSync().filter((k) => k.startsWith(`reports/${h.admin.companyId}/${id}/`))).toEqual([]);
    } finally {
      h.storageWritable();
    }
    const downMs = Date.now() - brokenAt;

    const report = await expectSameFile(h, id, clean);
    const { resumed } = resumption(h, id);
    console.log(`[faults] files folder unwritable ${downMs} ms: READY ${Date.now() - brokenAt} ms after; resumed from the ${resumed?.from} at part ${resumed?.parts}`);
    expect(resumed).toBeDefined();
    // One complete file, and nothing else of this report: no part, no temporary.
    expect(h.listObjectsSync().filter((k) => k.includes(id))).toEqual([`reports/${h.admin.companyId}/${id}/${report.fileName}`]);
    expect(h.listObjectsSync().filter((k) => k.includes(id) && (k.startsWith('parts/') || k.endsWith('.tmp')))).toEqual([]);
  }, 300_000);

  it('when the files folder stays unwritable past the retry budget, then ERROR with a plain message and nothing of the report remains', async () => {
    const worker = await onlyWorker('disk-budget', { EXPORT_MAX_ATTEMPTS: '3' });
    const { id } = await freezeMidExport(h, [worker], clean.rows);
    const brokenAt = Date.now();
    h.storageUnwritable();
    worker.signal('SIGCONT');
    let report: Record<string, any>;
    try {
      report = await h.waitForReport(id);
    } finally {
      h.storageWritable();
    }
    const errorMs = Date.now() - brokenAt;
    expect(report.status).toBe('ERROR');
    expect(report.error).toEqual({ message: USER_MESSAGES.StorageFailed });
    expect(report.fileName ?? null).toBeNull();
    expect((await h.api(`/api/reports/${id}/download`, { token: h.token })).status).toBe(409);

    // The parts stored before the outage go once the folder is writable again (markReportFailed retries).
    await h.workflows.client.workflow.getHandle(`report-${id}`).result().catch(() => {});
    console.log(`[faults] files folder unwritable for good: ERROR after ${errorMs} ms (3 attempts)`);
    expect(h.listObjectsSync().filter((k) => k.includes(id))).toEqual([]);
  }, 300_000);

  it('when the Temporal dev server is restarted mid-export (SQLite kept), then the report completes byte-identical', async () => {
    const worker = await onlyWorker('temporal');
    const { id } = await freezeMidExport(h, [worker], clean.rows);
    const stoppedAt = Date.now();
    await h.temporal.stop();
    worker.signal('SIGCONT');
    await sleep(3_000); // the export goes on; heartbeats (and maybe its completion) cannot reach Temporal
    await h.temporal.start();
    const downMs = Date.now() - stoppedAt;

    await expectSameFile(h, id, clean);
    const { attempts } = resumption(h, id);
    console.log(`[faults] Temporal down ${downMs} ms: READY ${Date.now() - stoppedAt} ms after the stop; attempts ${attempts.join(',')}`);
    const description = await h.workflows.client.workflow.getHandle(`report-${id}`).describe();
    expect(description.status.name).toBe('COMPLETED');
  }, 300_000);
});
