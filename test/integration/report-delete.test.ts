// DELETE /api/reports/:id: a processing report's run is cancelled, its export notices through its heartbeat
// and stops, nothing it wrote remains; a finished report loses file and record. Real services throughout.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStorage } from '../../src/storage/local';
import { createCompany, createContact, createTicketsInBulk } from '../setup/rows';
import { GatedStorage } from '../setup/gated-storage';
import { SseClient } from '../setup/sse';
import { useStack, useCompany } from '../setup/reports-api';

const TICKETS = 40_000;
const PART_BYTES = 16 * 1024;

describe('deleting reports', () => {
  // Every stored part takes 100 ms: the export of ~4 MB in 16 KiB parts would need about 25 s.
  const stack = useStack({ partBytes: PART_BYTES, wrapWorkerStorage: (s) => (worker = new GatedStorage(s, 100)) });
  const company = useCompany(stack, 'Cancelamentos');
  let worker: GatedStorage;
  let events: SseClient;

  beforeAll(async () => {
    const contact = await createContact(stack.sql, company.id, 'Cliente', '5511911112222');
    await createTicketsInBulk(stack.sql, company.id, { contactId: contact, whatsappId: company.whatsapp, count: TICKETS });
    events = await SseClient.connect(`${stack.baseUrl}/api/reports/events?access_token=${company.token}`);
    await events.waitFor((e) => e.event === 'snapshot');
  }, 120_000);

  afterAll(async () => {
    events?.close();
  });

  function filesOf(reportId: string): string[] {
    const dir = (stack.storage as LocalStorage).dir;
    const all = (readdirSync(dir, { recursive: true }) as string[]).map((f) => f.split(path.sep).join('/'));
    return all.filter((f) => f.includes(reportId));
  }

  it('when a large export is deleted mid-run, then the run is cancelled, the export stops, and no file or record remains', async () => {
    const res = await stack.api('/api/reports', {
      method: 'POST', token: company.token, body: JSON.stringify({ type: 'ticket_summary', filters: { from: '2026-10-01', to: '2026-10-31' } }),
    });
    expect(res.status).toBe(202);
    const { id, workflowId } = (await res.json()) as { id: string; workflowId: string };

    // Mid-run: some parts stored, most not.
    for (;;) {
      const [row] = await stack.sql<{ rows: number; total: number | null }[]>`
        select progress_rows as rows, progress_total as total from reports.reports where id = ${id}`;
      if (row.rows > 0) {
        expect(row.total).toBe(TICKETS);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(filesOf(id).some((f) => f.startsWith(`parts/${id}/`))).toBe(true);

    const deleted = await stack.api(`/api/reports/${id}`, { method: 'DELETE', token: company.token });
    expect(deleted.status).toBe(204);
    // Gone at once for everyone: the resource, and the stream says so.
    expect((await stack.api(`/api/reports/${id}`, { token: company.token })).status).toBe(404);
    await events.waitFor((e) => e.event === 'report.deleted' && e.data.id === id);

    const handle = stack.workflows.client.workflow.getHandle(workflowId);
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');

    // The export itself noticed (ActivityTaskCanceled, not Completed), long before its last part...
    const history = (await handle.fetchHistory()).events ?? [];
    const exportScheduled = history.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'exportCsvReport');
    const exportCancelled = history.find(
      (e) => String(e.activityTaskCanceledEventAttributes?.scheduledEventId) === String(exportScheduled?.eventId),
    );
    expect(exportCancelled).toBeDefined();
    const exportCompleted = history.find(
      (e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(exportScheduled?.eventId),
    );
    expect(exportCompleted).toBeUndefined();
    expect(worker.writes).toBeLessThan((TICKETS * 90) / PART_BYTES);
    // ...and then the run removed what it had written.
    const discard = history.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'discardReportFiles');
    expect(Number(discard?.eventId)).toBeGreaterThan(Number(exportCancelled?.eventId));
    expect(filesOf(id)).toEqual([]);

    const [{ left }] = await stack.sql<{ left: number }[]>`
      select count(*)::int as left from reports.reports where id = ${id} or (company_id = ${company.id} and status = 'PROCESSING')`;
    expect(left).toBe(0);
  });

  it('when a finished report is deleted, then its file and record go, with report.deleted; a second DELETE is 404', async () => {
    const res = await stack.api('/api/reports', {
      method: 'POST', token: company.token, body: JSON.stringify({ type: 'ticket_summary', filters: { from: '2026-09-01', to: '2026-09-30' } }),
    });
    const { id } = (await res.json()) as { id: string };
    expect((await stack.waitForReport(id, company.token)).status).toBe('READY');
    const [{ objectKey }] = await stack.sql<{ objectKey: string }[]>`select object_key as "objectKey" from reports.reports where id = ${id}`;
    expect(await stack.storage.size(objectKey)).toBeGreaterThan(0);

    expect((await stack.api(`/api/reports/${id}`, { method: 'DELETE', token: company.token })).status).toBe(204);
    expect(await stack.storage.size(objectKey)).toBeNull();
    expect(filesOf(id)).toEqual([]);
    expect((await stack.api(`/api/reports/${id}`, { token: company.token })).status).toBe(404);
    await events.waitFor((e) => e.event === 'report.deleted' && e.data.id === id);
    expect((await stack.api(`/api/reports/${id}`, { method: 'DELETE', token: company.token })).status).toBe(404);
  });

  it('when another company deletes a report id, then 404 and the report stays', async () => {
    const other = await createCompany(stack.sql, 'Outra');
    const res = await stack.api('/api/reports', {
      method: 'POST', token: company.token, body: JSON.stringify({ type: 'licenses', filters: { month: 'current' } }),
    });
    const { id } = (await res.json()) as { id: string };
    await stack.waitForReport(id, company.token);
    const otherToken = stack.tokenFor({ id: other.admin, companyId: other.id });
    expect((await stack.api(`/api/reports/${id}`, { method: 'DELETE', token: otherToken })).status).toBe(404);
    expect((await stack.api(`/api/reports/${id}`, { token: company.token })).status).toBe(200);
  });

  it('when a company creates its 8th report of a type, then its oldest finished one is deleted at once, file and record, with report.deleted', async () => {
    const c = await createCompany(stack.sql, 'Oito relatórios');
    const cToken = stack.tokenFor({ id: c.admin, companyId: c.id });
    const stream = await SseClient.connect(`${stack.baseUrl}/api/reports/events?access_token=${cToken}`);
    try {
      const made: { id: string; objectKey: string }[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await stack.api('/api/reports', { method: 'POST', token: cToken, body: JSON.stringify({ type: 'licenses', filters: { month: 'current' } }) });
        expect(res.status).toBe(202);
        const { id } = (await res.json()) as { id: string };
        expect((await stack.waitForReport(id, cToken)).status).toBe('READY');
        const [{ objectKey }] = await stack.sql<{ objectKey: string }[]>`select object_key as "objectKey" from reports.reports where id = ${id}`;
        made.push({ id, objectKey });
        if (i < 7) expect(stream.events.filter((e) => e.event === 'report.deleted')).toEqual([]);
      }
      // This stack has no retention Schedule: the request that created the 8th did it.
      expect((await stack.api(`/api/reports/${made[0].id}`, { token: cToken })).status).toBe(404);
      expect(await stack.storage.size(made[0].objectKey)).toBeNull();
      await stream.waitFor((e) => e.event === 'report.deleted' && e.data.id === made[0].id);
      const list = (await (await stack.api('/api/reports', { token: cToken })).json()) as { reports: { id: string }[] };
      expect(list.reports.map((r) => r.id)).toEqual(made.slice(1).reverse().map((r) => r.id));
    } finally {
      stream.close();
    }
  });
});
