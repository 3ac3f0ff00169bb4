// Records one real history of each workflow type on the test services and writes it under
// test/replay/fixtures/histories/. Not part of `npm test`: run it with `npm run record-histories`
// (scripts/record-histories.ts) when a workflow change is intended and the committed histories must follow.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fetchHistoryObject } from '../../src/temporal/history';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CompanyFixture, createCompany, createContact, createMessage, createTicket } from '../setup/rows';
import { GatedStorage } from '../setup/gated-storage';
import { startStack, type Stack } from '../setup/stack';
import { until } from '../setup/until';
import { startWebhookReceiver, type WebhookReceiver } from '../setup/webhook-receiver';

const DIR = path.join(__dirname, 'fixtures/histories');

let stack: Stack;
let gate: GatedStorage;
let company: CompanyFixture;
let token: string;
let receiver: WebhookReceiver;

beforeAll(async () => {
  // A Chromium that cannot start: the PDF export fails at once, which gives the failure history.
  stack = await startStack({
    chromiumPath: '/nonexistent/chromium', wrapWorkerStorage: (s) => (gate = new GatedStorage(s)), delivery: { retryDelaysSeconds: [1, 1] },
  });
  receiver = await startWebhookReceiver();
  company = await createCompany(stack.sql, 'Histórias');
  token = stack.tokenFor({ id: company.admin, companyId: company.id });
}, 180_000);

afterAll(async () => {
  gate?.openGate();
  await receiver?.close();
  await stack?.stop();
});

async function save(name: string, workflowId: string): Promise<void> {
  const history = await fetchHistoryObject(stack.workflows.client, workflowId);
  writeFileSync(path.join(DIR, `${name}.json`), JSON.stringify({ workflowId, history }, null, 2) + '\n');
}

async function create(body: unknown): Promise<{ id: string; workflowId: string }> {
  const res = await stack.api('/api/reports', { method: 'POST', token, body: JSON.stringify(body) });
  expect(res.status).toBe(202);
  return (await res.json()) as { id: string; workflowId: string };
}

it('records a report that succeeds', async () => {
  const { id, workflowId } = await create({ type: 'ticket_summary', filters: { from: '2026-10-01', to: '2026-10-31' } });
  expect((await stack.waitForReport(id, token)).status).toBe('READY');
  await save('report-success', workflowId);
});

it('records a workbook (xlsx) report that succeeds', async () => {
  const { id, workflowId } = await create({ type: 'ticket_summary', filters: { from: '2026-10-01', to: '2026-10-31' }, format: 'xlsx' });
  expect((await stack.waitForReport(id, token)).status).toBe('READY');
  await save('report-xlsx-success', workflowId);
});

it('records a report that fails', async () => {
  const contact = await createContact(stack.sql, company.id, 'Maria', '5511988887777');
  const ticket = await createTicket(stack.sql, company.id, { contactId: contact, whatsappId: company.whatsapp, createdAt: '2026-10-01T12:00:00Z' });
  await createMessage(stack.sql, company.id, { ticketId: ticket, contactId: contact, createdAt: '2026-10-01T12:00:05Z', from: 'customer', body: 'Oi' });
  const res = await stack.api(`/api/tickets/${ticket}/export`, { method: 'POST', token });
  expect(res.status).toBe(202);
  const { id, workflowId } = (await res.json()) as { id: string; workflowId: string };
  expect((await stack.waitForReport(id, token, 30_000)).status).toBe('ERROR');
  await expect(stack.workflows.client.workflow.getHandle(workflowId).result()).rejects.toThrow();
  await save('report-failure', workflowId);
});

it('records a report cancelled by DELETE while it runs', async () => {
  gate.closeGate();
  const { id, workflowId } = await create({ type: 'ticket_summary', filters: { from: '2026-09-01', to: '2026-09-30' } });
  const handle = stack.workflows.client.workflow.getHandle(workflowId);
  // Wait until the export has started (it is held at its first write), then delete the report.
  for (;;) {
    const { pendingActivities } = await handle.describe().then((d) => d.raw);
    if ((pendingActivities ?? []).some((a) => Number(a.attempt) >= 1 && a.lastStartedTime)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const del = await stack.api(`/api/reports/${id}`, { method: 'DELETE', token });
  expect(del.status).toBeLessThan(300);
  gate.openGate();
  await expect(handle.result()).rejects.toThrow();
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  await save('report-cancelled', workflowId);
});

it('records a retention run', async () => {
  const workflowId = `retention-record-${Date.now()}`;
  await stack.workflows.client.workflow.execute('retentionWorkflow', {
    taskQueue: stack.taskQueue, workflowId, args: [{ keepPerType: 7 }],
  });
  await save('retention', workflowId);
});

it('records a report announced to a webhook endpoint, and that delivery retried once', async () => {
  const res = await stack.api('/api/webhook-endpoints', {
    method: 'POST', token, body: JSON.stringify({ url: receiver.url('/record'), events: ['report.ready'] }),
  });
  expect(res.status).toBe(201);
  receiver.answer('/record', { status: 500 });
  const { id, workflowId } = await create({ type: 'ticket_summary', filters: { from: '2026-08-01', to: '2026-08-31' } });
  expect((await stack.waitForReport(id, token)).status).toBe('READY');
  await save('report-announced', workflowId);
  const [delivery] = await until('delivered', async () => {
    const rows = await stack.sql<{ id: string }[]>`select id from reports.deliveries where report_id = ${id} and status = 'DELIVERED'`;
    return rows.length > 0 && rows;
  });
  await stack.workflows.client.workflow.getHandle(`delivery-${delivery.id}`).result();
  await save('delivery-retried', `delivery-${delivery.id}`);
});

it('records a scheduled run', async () => {
  const res = await stack.api('/api/report-schedules', {
    method: 'POST', token,
    body: JSON.stringify({ name: 'Acessos', type: 'login_logout', filters: { period: 'yesterday' }, cadence: { every: 'day', at: '05:00' } }),
  });
  expect(res.status).toBe(201);
  const { id: scheduleId } = (await res.json()) as { id: string };
  const workflowId = `scheduled-record-${Date.now()}`;
  const { reportId } = (await stack.workflows.client.workflow.execute('scheduledReportWorkflow', {
    taskQueue: stack.taskQueue, workflowId, args: [{ scheduleId }],
  })) as { reportId: string };
  expect((await stack.waitForReport(reportId, token)).status).toBe('READY');
  await save('scheduled-run', workflowId);
  await stack.api(`/api/report-schedules/${scheduleId}`, { method: 'DELETE', token });
});
