// Fault 3 on GCS: the storage emulator (fake-gcs-server, objects on disk) stopped in the middle of a
// 200,000-message export, then started again — or kept down past the export's retry budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_MESSAGES } from '../../workflows/definitions';
import { sleep, startFaultHarness, type FaultHarness, type WorkerProcess } from '../setup/fault-harness';
import { PART_BYTES, cleanRun, expectSameFile, freezeMidExport, resumption, type CleanRun } from './mid-export';

describe('fault: GCS unavailable mid-export', () => {
  let h: FaultHarness;
  let clean: CleanRun;
  const onlyWorker = async (name: string, env: Record<string, string> = {}): Promise<WorkerProcess> => {
    for (const w of h.workers) if (w.running()) w.signal('SIGKILL');
    await Promise.all(h.workers.map((w) => w.exited));
    return h.startWorker(name, env);
  };
  const waitForRetry = async (id: string): Promise<void> => {
    const deadline = Date.now() + 120_000;
    while (((await h.pendingExport(id).catch(() => null))?.attempt ?? 0) < 2) {
      if (Date.now() > deadline) throw new Error(`export of ${id} was never retried`);
      await sleep(100);
    }
  };
  const finalKey = (id: string) => `reports/${h.admin.companyId}/${id}/historico-de-atendimento_2026-10-01_2026-10-31.csv`;

  beforeAll(async () => {
    h = await startFaultHarness({ storage: 'gcs', workerEnv: { EXPORT_PART_BYTES: String(PART_BYTES) } });
    await onlyWorker('clean');
    clean = await cleanRun(h);
    console.log(`[faults] clean run on GCS: ${clean.rows} rows, ${clean.sizeBytes} bytes in ${clean.ms} ms`);
  }, 600_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('when fake-gcs-server stops mid-export and comes back, then the retry completes one whole object and no part or temporary remains', async () => {
    const worker = await onlyWorker('gcs');
    const { id } = await freezeMidExport(h, [worker], clean.rows);
    const stoppedAt = Date.now();
    await h.gcs!.stop();
    worker.signal('SIGCONT');
    await waitForRetry(id);
    await sleep(Math.max(0, 2_000 - (Date.now() - stoppedAt))); // down at least 2 s
    await h.gcs!.start();
    const downMs = Date.now() - stoppedAt;

    // While it recovers, the file's key holds nothing or the complete file — never a part of it (the
    // compose rounds' temporaries have keys of their own, and are gone at the end).
    const seen = new Set<number | null>();
    for (let row = await h.record(id); row.status === 'PROCESSING'; row = await h.record(id)) {
      seen.add(await h.storage.size(finalKey(id)));
      await sleep(20);
    }
    expect([...seen].filter((size) => size !== null && size !== clean.sizeBytes)).toEqual([]);

    const report = await expectSameFile(h, id, clean);
    const { attempts, resumed } = resumption(h, id);
    console.log(`[faults] fake-gcs-server down ${downMs} ms: READY ${Date.now() - stoppedAt} ms after the stop; attempts ${attempts.join(',')}, resumed from the ${resumed?.from} at part ${resumed?.parts}`);
    expect(resumed).toBeDefined();
    expect(await h.listObjects(`parts/${id}/`)).toEqual([]);
    expect(report.fileName).toBe(finalKey(id).split('/').pop());
    expect(await h.listObjects(`reports/${h.admin.companyId}/${id}/`)).toEqual([finalKey(id)]);
  }, 300_000);

  it('when fake-gcs-server stays down past the retry budget, then ERROR with a plain message, and once it is back nothing of the report remains', async () => {
    const worker = await onlyWorker('gcs-budget', { EXPORT_MAX_ATTEMPTS: '3' });
    const { id } = await freezeMidExport(h, [worker], clean.rows);
    const stoppedAt = Date.now();
    await h.gcs!.stop();
    worker.signal('SIGCONT');
    let report: Record<string, any>;
    try {
      report = await h.waitForReport(id, 240_000);
    } finally {
      await h.gcs!.start();
    }
    const errorMs = Date.now() - stoppedAt;
    expect(report.status).toBe('ERROR');
    expect(report.error).toEqual({ message: USER_MESSAGES.StorageFailed });
    expect((await h.api(`/api/reports/${id}/download`, { token: h.token })).status).toBe(409);

    // markReportFailed removes the parts stored before the outage once storage answers again.
    await h.workflows.client.workflow.getHandle(`report-${id}`).result().catch(() => {});
    console.log(`[faults] fake-gcs-server down for good: ERROR after ${errorMs} ms (3 attempts)`);
    expect(await h.listObjects(`parts/${id}/`)).toEqual([]);
    expect(await h.listObjects(`reports/${h.admin.companyId}/${id}/`)).toEqual([]);
  }, 300_000);
});
