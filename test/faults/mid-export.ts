// Shared steps of the fault tests: a clean reference run, and a fault landed in the middle of an export.
import { expect } from 'vitest';
import { BIG_REPORT, exportLog, sha256, type FaultHarness, type WorkerProcess } from '../setup/fault-harness';
import { parseReportCsv } from '../setup/csv';

/** Stored parts of about this size: the 200,000-message report is split into well over a hundred. */
export const PART_BYTES = 256 * 1024;

export interface CleanRun {
  sha256: string;
  sizeBytes: number;
  rows: number;
  ms: number;
}

/** The big report exported without any fault: what every faulted run must equal, byte for byte. */
export async function cleanRun(h: FaultHarness): Promise<CleanRun> {
  const started = Date.now();
  const id = await h.requestReport();
  const report = await h.waitForReport(id);
  expect(report.status, JSON.stringify(report.error)).toBe('READY');
  const bytes = await h.download(id);
  const rows = parseReportCsv(bytes).length - 1;
  expect(rows).toBe(report.rowCount);
  expect(rows).toBeGreaterThanOrEqual(200_000);
  return { sha256: sha256(bytes), sizeBytes: bytes.length, rows, ms: Date.now() - started };
}

/**
 * Requests the big report and freezes the worker exporting it (SIGSTOP) once `fraction` of its rows are
 * stored as parts, then checks from the record that the file is not made yet: the fault that follows lands
 * mid-export, for sure. Should the export ever outrun the freeze, the arrangement is made again with a new
 * report. The worker is left stopped: the caller kills it, or continues it (SIGCONT) after breaking something.
 */
export async function freezeMidExport(
  h: FaultHarness, workers: WorkerProcess[], totalRows: number, fraction = 0.1,
  request: Parameters<FaultHarness['requestReport']>[0] = BIG_REPORT,
): Promise<{ id: string; worker: WorkerProcess }> {
  for (let tries = 1; ; tries++) {
    const id = await h.requestReport(request);
    await h.waitForProgress(id, Math.floor(totalRows * fraction));
    // The worker that logged the last stored part is the one exporting now.
    const worker = workers.find((w) => w.name === exportLog(workers, id).filter((l) => l.msg === 'export part stored').at(-1)?.worker);
    if (!worker) throw new Error(`no worker logged a stored part of report ${id}`);
    worker.signal('SIGSTOP');
    const row = await h.record(id);
    if (row.objectKey === null && row.progressRows < totalRows) return { id, worker };
    worker.signal('SIGCONT');
    if (tries === 3) throw new Error('the export finished before the worker could be frozen, three times');
  }
}

/** After a faulted run: READY, and the very bytes of the clean run. */
export async function expectSameFile(h: FaultHarness, id: string, clean: CleanRun, timeoutMs = 240_000): Promise<Record<string, any>> {
  const report = await h.waitForReport(id, timeoutMs);
  expect(report.status, JSON.stringify(report.error)).toBe('READY');
  expect(report.rowCount).toBe(clean.rows);
  const bytes = await h.download(id);
  expect(bytes.length).toBe(clean.sizeBytes);
  expect(sha256(bytes)).toBe(clean.sha256);
  return report;
}

/** How the retry resumed: the last part the faulted attempt stored, and where the next attempt started. */
export function resumption(h: FaultHarness, id: string) {
  const lines = exportLog(h.workers, id);
  const attempts = [...new Set(lines.map((l) => Number(l.attempt)).filter(Number.isFinite))].sort((a, b) => a - b);
  const stored = (attempt: number) => lines.filter((l) => l.msg === 'export part stored' && l.attempt === attempt);
  const first = attempts[0];
  const lastStoredByFirst = stored(first).at(-1) as { part: number; rows: number } | undefined;
  const finished = lines.find((l) => l.msg === 'export finished') as { rowsRead: number; rows: number; attempt: number; worker: string } | undefined;
  // Where the attempt that finished started (a fault may fail more than one attempt: each resumes further).
  const resumes = lines.filter((l) => l.msg === 'export resumed') as unknown as { from: string; parts: number; rows: number; attempt: number }[];
  const resumed = resumes.find((l) => l.attempt === finished?.attempt) ?? resumes[0];
  /** One line per event of the export, for an assertion's message. */
  const story = () => h.workers
    .flatMap((w) => w.logs
      .filter((l) => (l.reportId === id || l.workflowId === `report-${id}`) && l.msg !== 'export part stored' && l.msg !== 'Activity started')
      .map((l) => `${l.time} ${w.name} #${String(l.attempt)} ${l.msg}${l.error ? ` ${JSON.stringify(l.error)}` : ''}`))
    .sort()
    .join('\n');
  return { lines, attempts, lastStoredByFirst, resumed, finished, story };
}

export { BIG_REPORT };
