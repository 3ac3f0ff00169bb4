// The workflow's `status` query (what operators see in the Temporal UI) follows a running export's progress,
// not only its end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompany, createContact, type CompanyFixture } from '../setup/fixtures';
import { GatedStorage } from '../setup/gated-storage';
import { startStack, type Stack } from '../setup/stack';
import { until } from '../setup/until';

const TICKETS = 20_000;

describe('the status query while an export runs', () => {
  let stack: Stack;
  let company: CompanyFixture;

  beforeAll(async () => {
    // Every stored part takes 150 ms, so the export of ~2 MB in 16 KiB parts runs for several seconds.
    stack = await startStack({ partBytes: 16 * 1024, wrapWorkerStorage: (s) => new GatedStorage(s, 150) });
    company = await createCompany(stack.sql, 'Progresso');
    const contact = await createContact(stack.sql, company.id, 'Cliente', '5511911113333');
    await stack.sql`
      insert into tickets (company_id, contact_id, whatsapp_id, status, direction, last_message, created_at, updated_at)
      select ${company.id}, ${contact}, ${company.whatsapp}, 'open', 'inbound', 'mensagem de teste número ' || g,
             '2026-10-01T03:00:00Z'::timestamptz + g * interval '1 minute', '2026-10-01T03:00:00Z'::timestamptz + g * interval '1 minute'
      from generate_series(1, ${TICKETS}) g`;
  }, 120_000);

  afterAll(() => stack?.stop());

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
