// The workflow's `status` query (what operators see in the Temporal UI) follows a running export's progress,
// not only its end.
import { beforeAll, describe, expect, it } from 'vitest';
import { createContact, createTicketsInBulk } from '../setup/rows';
import { GatedStorage } from '../setup/gated-storage';
import { useStack, useCompany } from '../setup/reports-api';
import { until } from '../setup/until';

const TICKETS = 20_000;

describe('the status query while an export runs', () => {
  // Every stored part takes 150 ms, so the export of ~2 MB in 16 KiB parts runs for several seconds.
  const stack = useStack({ partBytes: 16 * 1024, wrapWorkerStorage: (s) => new GatedStorage(s, 150) });
  const company = useCompany(stack, 'Progresso');

  beforeAll(async () => {
    const contact = await createContact(stack.sql, company.id, 'Cliente', '5511911113333');
    await createTicketsInBulk(stack.sql, company.id, { contactId: contact, whatsappId: company.whatsapp, count: TICKETS });
  }, 120_000);

  it('when the export is half-way, then the query shows rows, the total and a percent below 100; at the end, all of them', async () => {
    const token = stack.tokenFor({ id: company.admin, companyId: company.id });
    const res = await stack.api('/api/reports', {
      method: 'POST', token, body: JSON.stringify({ type: 'ticket_summary', filters: { from: '2026-10-01', to: '2026-10-31' } }),
    });
    const { id, workflowId } = (await res.json()) as { id: string; workflowId: string };
    const midway = await until('progress in the status query', async () => {
      const state = await stack.workflows.state(workflowId);
      return state?.status === 'PROCESSING' && state.progress.rows > 0 ? state : undefined;
    }, 30_000);
    expect(midway.progress.rows).toBeLessThan(TICKETS);
    expect(midway.progress.totalRows).toBe(TICKETS);
    expect(midway.progress.percent).toBe(Math.floor((midway.progress.rows * 100) / TICKETS));
    expect((await stack.waitForReport(id, token, 120_000)).status).toBe('READY');
    const done = await stack.workflows.state(workflowId);
    expect(done).toMatchObject({ status: 'READY', progress: { rows: TICKETS, totalRows: TICKETS, percent: 100 } });
  }, 180_000);
});
