// No noisy neighbour (issue 15): heavy exports run on `<taskQueue>-heavy` with a budget of their own, so a
// small report of another company finishes while every heavy slot is taken.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heavyTaskQueue } from '../../workflows/definitions';
import { type CompanyFixture, createCompany } from '../setup/rows';
import { ReportsApi } from '../setup/reports-api';
import { GatedStorage } from '../setup/gated-storage';
import { startStack, type Stack } from '../setup/stack';

const MONTH = { from: '2026-10-01', to: '2026-10-31' };

/** The report a stored key belongs to: `parts/<id>/…` or `reports/<company>/<id>/…`. */
const reportIdOf = (key: string) => /^parts\/([^/]+)\//.exec(key)?.[1] ?? /^reports\/\d+\/([^/]+)\//.exec(key)?.[1];

describe('heavy exports on their own task queue', () => {
  let stack: Stack;
  let heavyCompany: CompanyFixture;
  let smallCompany: CompanyFixture;
  let gated: GatedStorage;
  // Which company each report id belongs to, read once per report: the gate holds only the heavy company's writes.
  const companyOf = new Map<string, number>();

  beforeAll(async () => {
    const holds = async (key: string) => {
      const id = reportIdOf(key);
      if (!id) return false;
      if (!companyOf.has(id)) {
        const [row] = await stack.sql<{ companyId: number }[]>`select company_id as "companyId" from reports.reports where id = ${id}`;
        companyOf.set(id, row?.companyId ?? 0);
      }
      return companyOf.get(id) === heavyCompany.id;
    };
    // Two slots on each queue: without the heavy queue, two held exports would take every slot there is.
    stack = await startStack({ activitySlots: 2, heavySlots: 2, wrapWorkerStorage: (s) => (gated = new GatedStorage(s, 0, holds)) });
    heavyCompany = await createCompany(stack.sql, 'Empresa Grande');
    smallCompany = await createCompany(stack.sql, 'Empresa Pequena');
  }, 120_000);

  afterAll(async () => {
    gated?.openGate();
    await stack?.stop();
  });

  /** The task queue each activity of the report's run was scheduled on, by activity name. */
  async function scheduledQueues(reportId: string): Promise<[string, string][]> {
    const handle = stack.workflows.client.workflow.getHandle(`report-${reportId}`);
    // READY is written by markReportReady; the run schedules its deliveries after it, so wait for its end.
    await handle.result();
    const history = await handle.fetchHistory();
    return (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a != null)
      .map((a) => [a.activityType!.name!, a.taskQueue!.name!]);
  }

  it('when a month of service_history is asked for, then its export runs on the heavy queue; one day and ticket_summary stay on the main queue', async () => {
    const token = stack.tokenFor({ id: smallCompany.admin, companyId: smallCompany.id });
    const month = await new ReportsApi(stack, token).request('service_history', MONTH);
    const oneDay = await new ReportsApi(stack, token).request('service_history', { from: MONTH.from, to: MONTH.from });
    const summary = await new ReportsApi(stack, token).request('ticket_summary', MONTH);
    const workbook = await new ReportsApi(stack, token).request('service_history', MONTH, 'xlsx');
    for (const id of [month, oneDay, summary, workbook]) expect((await stack.waitForReport(id, token)).status).toBe('READY');

    const main = stack.taskQueue;
    const heavy = heavyTaskQueue(main);
    expect(await scheduledQueues(month)).toEqual([['exportCsvReport', heavy], ['markReportReady', main], ['planReportDeliveries', main]]);
    expect(await scheduledQueues(workbook)).toEqual([
      ['exportCsvReport', heavy], ['convertCsvToXlsx', heavy], ['markReportReady', main], ['planReportDeliveries', main],
    ]);
    for (const id of [oneDay, summary]) expect((await scheduledQueues(id))[0]).toEqual(['exportCsvReport', main]);
  });

  it('when every heavy slot holds an export, then a small report of another company still becomes READY, and the waiting exports start as slots free', async () => {
    const heavyToken = stack.tokenFor({ id: heavyCompany.admin, companyId: heavyCompany.id });
    const smallToken = stack.tokenFor({ id: smallCompany.admin, companyId: smallCompany.id });
    gated.closeGate();
    const heavy = [];
    for (let i = 0; i < 4; i++) heavy.push(await new ReportsApi(stack, heavyToken).request('service_history', MONTH));
    const heldReports = () => new Set([...gated.waiting].map((k) => reportIdOf(k) ?? k));
    // Two exports reach storage and wait there; the other two wait for a heavy slot.
    for (const deadline = Date.now() + 30_000; heldReports().size < 2; ) {
      if (Date.now() > deadline) throw new Error(`heavy exports never reached storage: ${[...gated.waiting].join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    const small = await new ReportsApi(stack, smallToken).request('ticket_summary', MONTH);
    const ready = await new ReportsApi(stack, smallToken).waitFor(small, (r) => r.status !== 'PROCESSING', 30_000);
    expect(ready.status).toBe('READY');
    // The budget held: still only two heavy exports at a time, all four still processing.
    expect(heldReports().size).toBe(2);
    for (const id of heavy) expect(((await (await stack.api(`/api/reports/${id}`, { token: heavyToken })).json()) as { status: string }).status).toBe('PROCESSING');

    gated.openGate();
    for (const id of heavy) expect((await stack.waitForReport(id, heavyToken)).status).toBe('READY');
  });
});
