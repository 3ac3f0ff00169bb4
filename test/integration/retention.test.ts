// Retention by the Temporal Schedule (every second here) and at creation: the newest 7 reports per company
// and type stay, 24 h links expire (seconds here), and a run that finds nothing to do touches nothing.
import { until as untilWithin } from '../setup/until';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RetentionResult } from '../../workflows/retention';
import type { LocalStorage } from '../../src/storage/local';
import { ensureRetentionSchedule, retentionScheduleId } from '../../src/temporal/schedules';
import { type CompanyFixture, createCompany } from '../setup/rows';
import { ReportsApi, useCompany, useStack } from '../setup/reports-api';
import { type Stack } from '../setup/stack';

const summary = (day: number) => ({ type: 'ticket_summary', filters: { from: `2026-10-${String(day).padStart(2, '0')}`, to: '2026-10-31' } });

async function makeReport(stack: Stack, company: CompanyFixture, body: { type: string; filters: Record<string, unknown> }) {
  const api = new ReportsApi(stack, stack.tokenFor({ id: company.admin, companyId: company.id }));
  const id = await api.request(body.type, body.filters);
  await api.ready(id);
  const [{ objectKey }] = await stack.sql<{ objectKey: string }[]>`select object_key as "objectKey" from reports.reports where id = ${id}`;
  return { id, objectKey };
}

/** Completed retention runs of this stack's Schedule (optionally: started after `since`), with results and memos. */
async function retentionRuns(stack: Stack, since?: Date) {
  const query = `WorkflowType = 'retentionWorkflow' AND TaskQueue = '${stack.taskQueue}' AND ExecutionStatus = 'Completed'` +
    (since ? ` AND StartTime > '${since.toISOString()}'` : '');
  const runs: { workflowId: string; result: RetentionResult; memo: Record<string, unknown> | undefined }[] = [];
  for await (const run of stack.workflows.client.workflow.list({ query })) {
    const handle = stack.workflows.client.workflow.getHandle(run.workflowId, run.runId);
    runs.push({ workflowId: run.workflowId, result: (await handle.result()) as RetentionResult, memo: run.memo });
  }
  return runs;
}

const until = <T>(what: string, check: () => Promise<T | undefined | false>) => untilWithin(what, check, 60_000);

describe('retention: the newest 7 per company and type', () => {
  const stack = useStack({ retention: { intervalMs: 1000 } });
  const a = useCompany(stack, 'Retenção A');
  const b = useCompany(stack, 'Retenção B');
  let oldest: { id: string; objectKey: string }[];

  const filesUnder = () => (readdirSync((stack.storage as LocalStorage).dir, { recursive: true }) as string[]).sort();

  it('when a company makes 9 reports of one type, then the oldest 2 are gone, file and record; other types and companies are untouched', async () => {
    const otherType = [await makeReport(stack, a, { type: 'licenses', filters: { month: 'current' } })];
    const otherCompany = [await makeReport(stack, b, summary(1)), await makeReport(stack, b, summary(2))];
    const nine = [];
    for (let day = 1; day <= 9; day++) nine.push(await makeReport(stack, a, summary(day)));
    oldest = nine.slice(0, 2);

    const token = stack.tokenFor({ id: a.admin, companyId: a.id });
    const listed = (await (await stack.api('/api/reports?type=ticket_summary', { token })).json()) as { reports: { id: string }[] };
    expect(listed.reports.map((r) => r.id)).toEqual(nine.slice(2).reverse().map((r) => r.id));
    for (const gone of oldest) {
      expect((await stack.api(`/api/reports/${gone.id}`, { token })).status).toBe(404);
      expect(await stack.storage.size(gone.objectKey)).toBeNull();
    }
    for (const kept of [...nine.slice(2), ...otherType, ...otherCompany]) {
      expect(await stack.storage.size(kept.objectKey)).toBeGreaterThan(0);
    }
    const [{ count }] = await stack.sql<{ count: number }[]>`select count(*)::int as count from reports.reports`;
    expect(count).toBe(7 + otherType.length + otherCompany.length);
  });

  it('when finished reports older than the newest 7 are left over, then the Schedule deletes them and its run says so; a processing one stays', async () => {
    // Arranged as an API that died before pruning would leave them: 7 newer reports, and older ones beyond.
    const c = await createCompany(stack.sql, 'Retenção C');
    const rows: { id: string; objectKey: string | null; status: string; age: string }[] = [];
    const arrange = async (status: 'READY' | 'ERROR' | 'PROCESSING', age: string) => {
      const id = randomUUID();
      const objectKey = status === 'READY' ? `reports/${c.id}/${id}/numeros.csv` : null;
      if (objectKey) await stack.storage.put(objectKey, Buffer.from('\uFEFFnúmeros\r\n'));
      rows.push({ id, objectKey, status, age });
      return { id, objectKey };
    };
    const processing = await arrange('PROCESSING', '3 days');
    const leftovers = [await arrange('READY', '2 days'), await arrange('ERROR', '47 hours')];
    const newest = [];
    for (let hour = 7; hour >= 1; hour--) newest.push(await arrange('READY', `${hour} hours`));
    // One transaction: a retention run never sees half of the arrangement.
    await stack.sql.begin(async (tx) => {
      for (const r of rows) {
        await tx`
          insert into reports.reports (id, company_id, type, format, status, filters, requested_by, workflow_id,
                                       created_at, finished_at, object_key, file_name, expires_at)
          values (${r.id}, ${c.id}, 'numbers', 'csv', ${r.status}, ${tx.json({ month: 'current' })}, ${c.admin}, ${`report-${r.id}`},
                  now() - ${r.age}::interval, case when ${r.status} <> 'PROCESSING' then now() - ${r.age}::interval end,
                  ${r.objectKey}, 'numeros.csv', now() + interval '1 day')`;
      }
    });

    await until('the leftovers deleted', async () => {
      const rows = await stack.sql`select 1 from reports.reports where id = any(${leftovers.map((l) => l.id)}::uuid[])`;
      return rows.length === 0;
    });
    expect(await stack.storage.size(leftovers[0].objectKey!)).toBeNull();
    const kept = await stack.sql<{ id: string }[]>`select id from reports.reports where company_id = ${c.id} order by created_at`;
    expect(kept.map((r) => r.id)).toEqual([processing.id, ...newest.map((n) => n.id)]);
    for (const n of newest) expect(await stack.storage.size(n.objectKey!)).toBeGreaterThan(0);

    const run = await until('the run that deleted them', async () =>
      (await retentionRuns(stack)).find((r) => r.result.deleted.reports.some((d) => d.id === leftovers[0].id)));
    expect(run.result.deleted.reports).toEqual(leftovers.map((l) => ({ id: l.id, companyId: c.id, type: 'numbers' })));
    expect(run.result.summary).toBe('deleted 0 expired file(s) and 2 old report(s) beyond the newest 7 per type');
    expect(run.memo).toMatchObject({ deletedReports: 2, expiredFiles: 0, summary: run.result.summary });
    await stack.sql`delete from reports.reports where id = ${processing.id}`;
  });

  it('when retention runs again with nothing to do, then it changes nothing: no row, no file', async () => {
    const state = () => stack.sql`select id, status, expired, object_key, event_seq from reports.reports order by id`;
    const before = { rows: await state(), files: filesUnder() };
    const since = new Date();
    const runs = await until('two more retention runs', async () => {
      const found = await retentionRuns(stack, since);
      return found.length >= 2 && found;
    });
    for (const run of runs) {
      expect(run.result).toMatchObject({ summary: 'nothing to delete', expired: { count: 0 }, deleted: { count: 0 } });
    }
    expect({ rows: await state(), files: filesUnder() }).toEqual(before);
    for (const gone of oldest) expect(await stack.storage.size(gone.objectKey)).toBeNull();
  });

  it('when the Schedule is ensured again, then it is left as it is; a new interval updates it', async () => {
    const id = retentionScheduleId(stack.taskQueue);
    expect(stack.retentionScheduleId).toBe(id);
    expect(retentionScheduleId('reports')).toBe('reports-retention');
    const handle = stack.workflows.client.schedule.getHandle(id);
    const first = await handle.describe();
    expect(first.spec.intervals).toEqual([expect.objectContaining({ every: 1000 })]);
    expect(first.policies.overlap).toBe('SKIP');
    expect(first.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionWorkflow', taskQueue: stack.taskQueue, args: [{ keepPerType: 7 }] });

    const again = await ensureRetentionSchedule(stack.workflows.client, { taskQueue: stack.taskQueue, intervalMs: 1000 });
    expect(again).toEqual({ scheduleId: id, intervalMs: 1000, created: false });
    expect((await handle.describe()).info.lastUpdatedAt).toEqual(first.info.lastUpdatedAt);

    await ensureRetentionSchedule(stack.workflows.client, { taskQueue: stack.taskQueue, intervalMs: 15 * 60 * 1000 });
    expect((await handle.describe()).spec.intervals).toEqual([expect.objectContaining({ every: 15 * 60 * 1000 })]);
  });
});

describe('retention: links expire', () => {
  const stack = useStack({ retention: { intervalMs: 1000 }, linkLifetimeSeconds: 3 });
  const company = useCompany(stack, 'Expiração');

  it('when a link expires, then the Schedule deletes the file, the record stays with expired: true, and download answers 410', async () => {
    const token = stack.tokenFor({ id: company.admin, companyId: company.id });
    const { id, objectKey } = await makeReport(stack, company, summary(1));
    const ready = (await (await stack.api(`/api/reports/${id}`, { token })).json()) as { finishedAt: string; expiresAt: string };
    expect(Date.parse(ready.expiresAt) - Date.parse(ready.finishedAt)).toBe(3000);

    await until('the file expired', async () => {
      const [row] = await stack.sql<{ expired: boolean }[]>`select expired from reports.reports where id = ${id}`;
      return row.expired;
    });
    expect(await stack.storage.size(objectKey)).toBeNull();
    const download = await stack.api(`/api/reports/${id}/download`, { token });
    expect(download.status).toBe(410);
    expect(((await download.json()) as { detail: string }).detail).toMatch(/expirou/);
    expect(await (await stack.api(`/api/reports/${id}`, { token })).json()).toMatchObject({ id, status: 'READY', expired: true });

    const run = await until('the run that expired it', async () =>
      (await retentionRuns(stack)).find((r) => r.result.expired.reports.some((e) => e.id === id)));
    expect(run.result.deleted.count).toBe(0);
    expect(run.memo).toMatchObject({ expiredFiles: 1 });
  });
});
