// Faults 1 and 5: a worker killed outright (SIGKILL), or asked to stop (SIGTERM), in the middle of its work.
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLeftAfter, markChromiumLaunchedHere } from '../setup/chromium-processes';
import { describeWorker, exitOf, sleep, startFaultHarness, type FaultHarness, type WorkerProcess } from '../setup/fault-harness';
import { PART_BYTES, cleanRun, expectSameFile, freezeMidExport, resumption, type CleanRun } from './mid-export';

// Workers inherit this process's mark, and so do the browsers they launch.
markChromiumLaunchedHere();

describe('fault: worker killed mid-export', () => {
  let h: FaultHarness;
  let clean: CleanRun;
  /** The workers still running, `n` of them at least (each test may have stopped some). */
  const running = async (n: number): Promise<WorkerProcess[]> => {
    while (h.workers.filter((w) => w.running()).length < n) await h.startWorker(`worker-${h.workers.length + 1}`);
    return h.workers.filter((w) => w.running());
  };

  beforeAll(async () => {
    h = await startFaultHarness({ storage: 'local', workerEnv: { EXPORT_PART_BYTES: String(PART_BYTES) } });
    await running(1);
    clean = await cleanRun(h);
    console.log(`[faults] clean run: ${clean.rows} rows, ${clean.sizeBytes} bytes in ${clean.ms} ms`);
  }, 600_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('when the worker is SIGKILLed mid-export and another starts, then the report is READY, byte-identical, resumed from the last stored part', async () => {
    const [first, ...others] = await running(1);
    for (const w of others) w.signal('SIGKILL'); // one worker: the one that gets killed
    const { id } = await freezeMidExport(h, [first], clean.rows);
    const killedAt = Date.now();
    first.signal('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const atKill = await h.record(id);
    // What Temporal holds: heartbeats reach it throttled, so its checkpoint may lag the parts stored.
    const temporalView = await h.pendingExport(id);
    const second = await h.startWorker('after-kill');

    await expectSameFile(h, id, clean);
    const { attempts, lastStoredByFirst, resumed, finished } = resumption(h, id);
    console.log(`[faults] SIGKILL at ${atKill.progressRows} rows (Temporal's last heartbeat: ${JSON.stringify(temporalView?.heartbeat)}): `
      + `READY ${Date.now() - killedAt} ms after the kill; resumed from the ${resumed?.from} at part ${resumed?.parts}, ${resumed?.rows} rows; `
      + `last part stored before the kill: ${lastStoredByFirst?.part}`);

    expect(attempts).toEqual([1, 2]);
    expect(finished).toMatchObject({ worker: second.name, attempt: 2 });
    // The retry starts from the record or the heartbeat, whichever is further: at the last stored part,
    // or the one before it when the kill fell between storing a part and recording it.
    expect(resumed).toBeDefined();
    expect(resumed!.parts).toBeGreaterThanOrEqual(lastStoredByFirst!.part - 1);
    expect(resumed!.rows).toBeGreaterThanOrEqual(atKill.progressRows);
    expect(resumed!.parts).toBeGreaterThanOrEqual(temporalView?.heartbeat?.parts ?? 0);
    // It read only what came after its checkpoint: nothing stored before it is read twice.
    expect(finished!.rowsRead).toBe(clean.rows - resumed!.rows);
    expect(finished!.rowsRead).toBeLessThan(clean.rows);
  }, 300_000);

  it('when the exporting worker gets SIGTERM, then it stores its part, exits 0, and another worker resumes from that very part', async () => {
    const pair = (await running(2)).slice(0, 2);
    const { id, worker } = await freezeMidExport(h, pair, clean.rows);
    const other = pair.find((w) => w !== worker)!;
    const termAt = Date.now();
    worker.signal('SIGTERM');
    worker.signal('SIGCONT');
    expect(await exitOf(worker), describeWorker(worker)).toEqual({ code: 0, signal: null });
    const exitMs = Date.now() - termAt;

    await expectSameFile(h, id, clean);
    const readyMs = Date.now() - termAt;
    const { lines, resumed, finished } = resumption(h, id);
    const paused = lines.find((l) => l.msg === 'export paused: worker stopping') as { parts: number; rows: number; worker: string } | undefined;
    console.log(`[faults] SIGTERM: worker exited in ${exitMs} ms after storing part ${paused?.parts}; READY ${readyMs} ms after the signal; resumed from the ${resumed?.from} at part ${resumed?.parts}`);

    expect(paused).toMatchObject({ worker: worker.name });
    // Not a heartbeat time-out: the attempt failed at once as WorkerShutdown, and the next one resumed
    // exactly where it stopped — no row read twice.
    expect(resumed).toMatchObject({ worker: other.name, parts: paused!.parts, rows: paused!.rows });
    expect(finished).toMatchObject({ worker: other.name, rowsRead: clean.rows - paused!.rows });
    const started = await exportStartedEvent(h, id);
    expect(started?.lastFailure?.applicationFailureInfo?.type).toBe('WorkerShutdown');
  }, 300_000);

  it('when a worker printing a PDF gets SIGTERM, then it finishes that PDF within its grace time, exits 0, and no Chromium it launched survives', async () => {
    const ticketId = await ticketWithMessages(h, 1_500);
    const pair = (await running(2)).slice(0, 2);
    const res = await h.api(`/api/tickets/${ticketId}/export`, { method: 'POST', token: h.token });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };

    // The worker whose child is a Chromium is the one printing.
    const printing = await waitFor(() => pair.find((w) => w.running() && chromiumChildrenOf(w.pid).length > 0), 120_000);
    const termAt = Date.now();
    printing.signal('SIGTERM');
    expect(await exitOf(printing)).toEqual({ code: 0, signal: null });
    const exitMs = Date.now() - termAt;
    expect(await chromiumLeftAfter()).toEqual([]);

    const report = await h.waitForReport(id);
    expect(report.status, JSON.stringify(report.error)).toBe('READY');
    const pdf = await h.download(id);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // Printed once, by the worker that was told to stop: its browser was not closed under the job.
    const started = await exportStartedEvent(h, id);
    expect({ attempt: started?.attempt, identity: started?.identity }).toEqual({ attempt: 1, identity: expect.stringContaining(String(printing.pid)) });
    console.log(`[faults] SIGTERM while printing: worker exited in ${exitMs} ms, READY ${Date.now() - termAt} ms after the signal (${pdf.length} bytes)`);
    const idle = pair.find((w) => w !== printing)!;
    idle.signal('SIGTERM');
    expect(await exitOf(idle)).toEqual({ code: 0, signal: null });
    expect(await chromiumLeftAfter()).toEqual([]);
  }, 300_000);
});

/** Processes whose parent is `pid` and whose command is Chromium. */
function chromiumChildrenOf(pid: number): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === pid && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('chromium') ? [Number(d)] : [];
    } catch {
      return [];
    }
  });
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** A ticket with `count` messages, outside the big report's range: a print long enough to be caught mid-way. */
async function ticketWithMessages(h: FaultHarness, count: number): Promise<number> {
  const [{ id }] = await h.sql<{ id: number }[]>`
    insert into tickets (company_id, contact_id, whatsapp_id, status, direction, created_at, updated_at)
    select company_id, contact_id, whatsapp_id, 'open', 'inbound', '2026-09-10T12:00:00Z', '2026-09-10T12:00:00Z'
    from tickets where company_id = ${h.admin.companyId} order by id limit 1
    returning id`;
  await h.sql`
    insert into messages (company_id, ticket_id, contact_id, from_me, body, created_at)
    select t.company_id, t.id, t.contact_id, g % 2 = 0, 'Mensagem ' || g || ' de ' || ${count}::int || ': <b>não é negrito</b>',
           '2026-09-10T12:00:00Z'::timestamptz + g * interval '1 second'
    from tickets t, generate_series(1, ${count}::int) g where t.id = ${id}`;
  return id;
}

/** The report activity's ActivityTaskStarted event: its attempt, worker identity, and the failure of the attempt before. */
async function exportStartedEvent(h: FaultHarness, id: string) {
  const history = await h.workflows.client.workflow.getHandle(`report-${id}`).fetchHistory();
  return history.events?.find((e) => e.activityTaskStartedEventAttributes)?.activityTaskStartedEventAttributes;
}
