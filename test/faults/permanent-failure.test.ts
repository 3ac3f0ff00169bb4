// Fault 6: reports that can never succeed end in ERROR at once — a non-retryable failure on the first
// attempt, a plain message for the user — and are never left PROCESSING. (A failure that might pass, such
// as storage being down, is retried until the budget runs out: restarts.test.ts and gcs-outage.test.ts.)
// These faults are in this file's own database, so they run on the shared test services.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportWorkflowId, USER_MESSAGES } from '../../workflows/definitions';
import { createContact, createTicket } from '../setup/rows';
import { useStack, useCompany } from '../setup/reports-api';

describe('fault: a report that can never succeed', () => {
  const stack = useStack();
  const company = useCompany(stack, 'Loja Falhas');

  beforeAll(async () => {
    const contact = await createContact(stack.sql, company.id, 'Cliente', '5511999990000');
    await createTicket(stack.sql, company.id, { contactId: contact, whatsappId: company.whatsapp, createdAt: '2026-10-05T12:00:00Z' });
  }, 120_000);

  /** The report activity's one attempt, from the run's history: its number and how it failed. */
  async function reportActivityOutcome(reportId: string) {
    const history = await stack.workflows.client.workflow.getHandle(reportWorkflowId(reportId)).fetchHistory();
    const events = history.events ?? [];
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name?.match(/^(exportCsvReport|renderPdfReport)$/));
    const started = events.find((e) => e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === scheduled?.eventId?.toString());
    const failed = events.find((e) => e.activityTaskFailedEventAttributes?.scheduledEventId?.toString() === scheduled?.eventId?.toString());
    const failure = failed?.activityTaskFailedEventAttributes?.failure;
    return {
      attempt: started?.activityTaskStartedEventAttributes?.attempt,
      type: failure?.applicationFailureInfo?.type,
      nonRetryable: failure?.applicationFailureInfo?.nonRetryable,
    };
  }

  /** A report whose record was written past the API's validation (an older release, a hand edit). */
  async function startRecorded(type: string, format: 'csv' | 'pdf', filters: unknown): Promise<string> {
    const id = randomUUID();
    await stack.sql`
      insert into reports.reports (id, company_id, type, format, status, filters, requested_by, workflow_id)
      values (${id}, ${company.id}, ${type}, ${format}, 'PROCESSING', ${stack.sql.json(filters as never)}, ${company.admin}, ${reportWorkflowId(id)})`;
    await stack.workflows.start({ reportId: id, companyId: company.id, type, format }, {});
    return id;
  }

  async function expectErrorAtFirstAttempt(id: string, failureType: keyof typeof USER_MESSAGES) {
    const started = Date.now();
    const report = await stack.waitForReport(id, company.token, 60_000);
    expect(report.status).toBe('ERROR');
    expect(report.error).toEqual({ message: USER_MESSAGES[failureType] });
    expect(await reportActivityOutcome(id)).toEqual({ attempt: 1, type: failureType, nonRetryable: true });
    // The run itself failed (red in the Temporal UI), it is not waiting on anything.
    // The record turns ERROR just before the run fails: wait for the run's end before looking at it.
    const handle = stack.workflows.client.workflow.getHandle(reportWorkflowId(id));
    await handle.result().catch(() => {});
    const description = await handle.describe();
    expect(description.status.name).toBe('FAILED');
    return Date.now() - started;
  }

  it('when the stored filters are no longer valid, then ERROR on the first attempt (InvalidFilters)', async () => {
    const id = await startRecorded('ticket_summary', 'csv', { from: '2026-13-45', to: 'ontem' });
    const ms = await expectErrorAtFirstAttempt(id, 'InvalidFilters');
    console.log(`[faults] invalid stored filters: ERROR in ${ms} ms`);
  });

  it('when the stored type no longer exists, then ERROR on the first attempt (InvalidFilters)', async () => {
    const id = await startRecorded('relatorio_que_nao_existe', 'csv', {});
    await expectErrorAtFirstAttempt(id, 'InvalidFilters');
  });

  it('when the PDF ticket no longer exists, then ERROR on the first attempt (TicketNotFound)', async () => {
    const id = await startRecorded('ticket_detail', 'pdf', { ticketId: 987654321 });
    await expectErrorAtFirstAttempt(id, 'TicketNotFound');
  });

  it('when the record is gone, then the run fails on the first attempt (ReportNotFound) instead of retrying', async () => {
    const id = randomUUID();
    await stack.workflows.start({ reportId: id, companyId: company.id, type: 'ticket_summary', format: 'csv' }, {});
    const handle = stack.workflows.client.workflow.getHandle(reportWorkflowId(id));
    await expect(handle.result()).rejects.toMatchObject({ cause: { message: USER_MESSAGES.ReportNotFound } });
    expect(await reportActivityOutcome(id)).toEqual({ attempt: 1, type: 'ReportNotFound', nonRetryable: true });
  });

  it('when the report query fails in the database for good, then ERROR on the first attempt (QueryFailed)', async () => {
    // The schema drifted under the module: a column the report reads is gone.
    await stack.sql`alter table messages rename column body to body_renamed`;
    try {
      const res = await stack.api('/api/reports', {
        method: 'POST', token: company.token, body: JSON.stringify({ type: 'service_history', filters: { from: '2026-10-01', to: '2026-10-31' } }),
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      const ms = await expectErrorAtFirstAttempt(id, 'QueryFailed');
      console.log(`[faults] query failing for good: ERROR in ${ms} ms`);
      // Nothing half-made stays in storage.
      expect(await stack.storage.deletePrefix(`parts/${id}/`)).toBe(0);
    } finally {
      await stack.sql`alter table messages rename column body_renamed to body`;
    }
  });
});
