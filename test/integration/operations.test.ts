// The operator's tools on real services: the Temporal UI / `temporal workflow list` query for failed reports,
// the memo (requester, never filters) and search attributes (no personal data), `npm run retry` and `npm run replay`.
import { until } from '../setup/until';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { retryReport } from '../../src/ops/retry-report';
import { createContact, createMessage, createTicket } from '../setup/rows';
import { useStack, useCompany } from '../setup/reports-api';

const ROOT = path.resolve(__dirname, '../..');
const execFileAsync = promisify(execFile);

describe('operating reports', () => {
  // A Chromium that cannot start: ticket exports (PDF) fail at once, in ERROR.
  const stack = useStack({ chromiumPath: '/nonexistent/chromium' });
  const company = useCompany(stack, 'Operações');
  let ticket: number;
  let failed: { id: string; workflowId: string };

  beforeAll(async () => {
    const contact = await createContact(stack.sql, company.id, 'Maria Pessoa', '5511977776666');
    ticket = await createTicket(stack.sql, company.id, { contactId: contact, whatsappId: company.whatsapp, createdAt: '2026-10-01T12:00:00Z' });
    await createMessage(stack.sql, company.id, { ticketId: ticket, contactId: contact, createdAt: '2026-10-01T12:00:05Z', from: 'customer', body: 'Oi' });
    const res = await stack.api(`/api/tickets/${ticket}/export`, { method: 'POST', token: company.token });
    expect(res.status).toBe(202);
    failed = (await res.json()) as { id: string; workflowId: string };
    expect((await stack.waitForReport(failed.id, company.token)).status).toBe('ERROR');
  }, 180_000);

  it('when a report fails, then the operator query for failed reports of its type and company lists it', async () => {
    // Test files share one Temporal server and their databases all number companies from 1: the task queue
    // keeps this file's runs apart. Operators run the same query without it.
    const mine = `TaskQueue = "${stack.taskQueue}"`;
    const query = `ReportType = "ticket_detail" and CompanyId = ${company.id} and ReportStatus = "ERROR" and ${mine}`;
    // Visibility is eventually consistent: poll.
    const found = await until('the failed report in the visibility list', async () => {
      const ids: string[] = [];
      for await (const run of stack.workflows.client.workflow.list({ query })) ids.push(run.workflowId);
      return ids.includes(failed.workflowId) && ids;
    });
    expect(found).toEqual([failed.workflowId]);
    const other = `ReportType = "ticket_detail" and CompanyId = ${company.id + 1000} and ReportStatus = "ERROR" and ${mine}`;
    const none: string[] = [];
    for await (const run of stack.workflows.client.workflow.list({ query: other })) none.push(run.workflowId);
    expect(none).toEqual([]);
  });

  it('when a report fails, then its memo has the requester but no filters, and its search attributes hold no personal data', async () => {
    const description = await stack.workflows.client.workflow.getHandle(failed.workflowId).describe();
    expect(description.memo).toEqual({ requestedBy: { id: company.admin } });
    const attributes = Object.fromEntries(description.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
    expect(attributes).toMatchObject({ CompanyId: company.id, ReportType: 'ticket_detail', ReportStatus: 'ERROR' });
    const text = JSON.stringify(description.raw.workflowExecutionInfo?.searchAttributes ?? {});
    expect(text).not.toMatch(/Maria|5511977776666|Oi/);
  });

  it('when a failed report is retried, then a new report with the same filters runs, linked to the old one in its memo', async () => {
    const deps = { sql: stack.sql, workflows: stack.workflows, storage: stack.storage, log: () => {} };
    const retried = await retryReport(deps, failed.id);
    expect(retried.id).not.toBe(failed.id);
    expect(retried.workflowId).not.toBe(failed.workflowId);
    expect(retried.retryOf).toBe(failed.id);
    const [row] = await stack.sql<{ filters: unknown; type: string; requestedBy: number }[]>`
      select filters, type, requested_by as "requestedBy" from reports.reports where id = ${retried.id}`;
    expect(row).toEqual({ filters: { ticketId: ticket }, type: 'ticket_detail', requestedBy: company.admin });
    const description = await stack.workflows.client.workflow.getHandle(retried.workflowId).describe();
    expect(description.memo).toEqual({ retryOf: failed.id, requestedBy: { id: company.admin } });
    // Chromium is still missing here: the re-run fails the same way, as its own report.
    expect((await stack.waitForReport(retried.id, company.token)).status).toBe('ERROR');
    expect((await stack.waitForReport(failed.id, company.token)).status).toBe('ERROR');
  });

  it('when a report that did not fail is retried, then it is refused', async () => {
    const res = await stack.api('/api/reports', {
      method: 'POST', token: company.token, body: JSON.stringify({ type: 'ticket_summary', filters: { from: '2026-10-01', to: '2026-10-31' } }),
    });
    const { id } = (await res.json()) as { id: string };
    expect((await stack.waitForReport(id, company.token)).status).toBe('READY');
    const deps = { sql: stack.sql, workflows: stack.workflows, storage: stack.storage, log: () => {} };
    await expect(retryReport(deps, id)).rejects.toThrow(/is READY: only failed \(ERROR\) reports are retried/);
  });

  it('when reports have finished, then GET /metrics counts them by type and status, with durations and rows', async () => {
    // So far in this file: two ticket_detail reports failed (one the retry of the other), one ticket_summary READY
    // (this worker and this API run in the test process, so one registry has both sides).
    const res = await fetch(`${stack.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('reports_started_total{type="ticket_detail"}')).toBe(2);
    expect(value('reports_started_total{type="ticket_summary"}')).toBe(1);
    expect(value('reports_failed_total{type="ticket_detail"}')).toBe(2);
    expect(value('reports_finished_total{type="ticket_detail",status="ERROR"}')).toBe(2);
    expect(value('reports_finished_total{type="ticket_summary",status="READY"}')).toBe(1);
    expect(value('report_duration_seconds_count{type="ticket_summary",status="READY"}')).toBe(1);
    expect(value('report_duration_seconds_sum{type="ticket_summary",status="READY"}')).toBeGreaterThan(0);
    expect(value('report_rows_exported_total{type="ticket_summary"}')).toBe(1); // the one ticket of this company
  });

  it('when `npm run replay` is given a finished workflow, then it replays it and prints that it is deterministic', async () => {
    const services = inject('services');
    const { stdout } = await execFileAsync(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/replay.ts', failed.workflowId], {
      cwd: ROOT, encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: services.temporalAddress, TEMPORAL_NAMESPACE: services.temporalNamespace },
    });
    expect(stdout).toMatch(new RegExp(`^deterministic: ${failed.workflowId} \\(\\d+ events\\) replays against the current code`, 'm'));
  }, 120_000);
});
