// Report schedules through HTTP on the real Temporal dev server: each one a Temporal Schedule in the company's
// zone, created, changed, paused and deleted with its record (and settled after a crash between the two), its
// runs ordinary reports with `schedule` set that wait at the company's processing limit.
import { createServer } from 'node:http';
import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app';
import { resolvePeriod } from '../../src/reports/period';
import { reconcileSchedules } from '../../src/schedules/store';
import { pushSchedule, reportScheduleId } from '../../src/schedules/temporal-schedule';
import { ReportWorkflows } from '../../src/temporal/client';
import { type CompanyFixture, createCompany, createQueue, createUser } from '../setup/rows';
import { GatedStorage } from '../setup/gated-storage';
import { testServices } from '../setup/services';
import { profileTokens, useStack } from '../setup/reports-api';
import { until } from '../setup/until';
import { startWebhookReceiver, type WebhookReceiver } from '../setup/webhook-receiver';

const WEEKLY = {
  name: 'Estatísticas da semana',
  type: 'service_statistics',
  filters: { period: 'last_week' },
  cadence: { every: 'week', weekday: 1, at: '08:00' },
};

describe('report schedules', () => {
  const stack = useStack({
    maxProcessingPerCompany: 1, scheduleLimitWaitSeconds: 1, delivery: { retryDelaysSeconds: [1] },
    wrapWorkerStorage: (s) => (gate = new GatedStorage(s)),
  });
  let gate: GatedStorage;
  let receiver: WebhookReceiver;
  let a: CompanyFixture;
  let b: CompanyFixture;
  let t: Record<'adminA' | 'supervisorA' | 'userA' | 'adminB', string>;
  let emailA: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    a = await createCompany(stack.sql, 'Agendamentos A', 'America/Manaus');
    b = await createCompany(stack.sql, 'Agendamentos B');
    t = profileTokens(stack, a, b);
    [{ email: emailA }] = await stack.sql<{ email: string }[]>`select email from users where id = ${a.supervisor}`;
  }, 120_000);

  afterAll(async () => {
    gate?.openGate();
    await receiver?.close();
  });

  const call = (token: string, path: string, method = 'GET', body?: unknown) =>
    stack.api(path, { method, token, body: body === undefined ? undefined : JSON.stringify(body) });
  const create = async (token: string, body: unknown) => {
    const res = await call(token, '/api/report-schedules', 'POST', body);
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as Record<string, any>;
  };
  const describeTemporal = (id: string) => stack.workflows.client.schedule.getHandle(reportScheduleId(id)).describe();
  const paths = async (res: Response) => ((await res.json()) as { errors?: { path: string }[] }).errors?.map((e) => e.path) ?? [];

  it('when an admin creates a weekly schedule, then it is a Temporal Schedule on Mondays 08:00 in the company\'s zone, overlap SKIP, without PII', async () => {
    const res = await call(t.adminA, '/api/report-schedules', 'POST', { ...WEEKLY, recipients: { emails: [emailA.toUpperCase()] } });
    expect(res.status).toBe(201);
    const s = (await res.json()) as Record<string, any>;
    expect(res.headers.get('location')).toBe(`/api/report-schedules/${s.id}`);
    expect(s).toMatchObject({
      name: WEEKLY.name, type: 'service_statistics', filters: { period: 'last_week' }, format: 'csv', paused: false,
      cadenceText: 'toda segunda-feira às 08:00', timezone: 'America/Manaus', recipients: { emails: [emailA], webhookEndpointIds: [] }, lastRun: null,
    });
    expect(s.nextRunAt).toHaveLength(3);
    for (const at of s.nextRunAt as string[]) {
      const d = new Date(at);
      // 08:00 in Manaus (UTC-4) is 12:00 UTC, on a Monday.
      expect([d.getUTCDay(), d.getUTCHours(), d.getUTCMinutes()]).toEqual([1, 12, 0]);
    }
    const temporal = await describeTemporal(s.id);
    expect(temporal.spec.timezone).toBe('America/Manaus');
    expect(temporal.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(temporal.state.paused).toBe(false);
    expect(temporal.action).toMatchObject({ workflowType: 'scheduledReportWorkflow', taskQueue: stack.taskQueue, args: [{ scheduleId: s.id }] });
    expect(temporal.memo).toEqual({ companyId: a.id, type: 'service_statistics' });
    expect(temporal.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]).sort()).toEqual([['CompanyId', a.id], ['ReportType', 'service_statistics']]);
    const everything = JSON.stringify({ ...temporal, raw: undefined });
    expect(everything).not.toContain(emailA);
    expect(everything).not.toContain(WEEKLY.name);
    await call(t.adminA, `/api/report-schedules/${s.id}`, 'DELETE');
  });

  it('when a user touches schedules, then 403 everywhere; a supervisor manages them, but not for a type their profile may not use', async () => {
    const s = await create(t.supervisorA, { ...WEEKLY, name: 'Da supervisora' });
    for (const [method, path, body] of [
      ['GET', '/api/report-schedules'], ['POST', '/api/report-schedules', WEEKLY], ['GET', `/api/report-schedules/${s.id}`],
      ['PATCH', `/api/report-schedules/${s.id}`, { paused: true }], ['DELETE', `/api/report-schedules/${s.id}`],
      ['POST', `/api/report-schedules/${s.id}/run`], ['GET', `/api/report-schedules/${s.id}/deliveries`],
    ] as const) {
      expect((await call(t.userA, path, method, body)).status, `${method} ${path}`).toBe(403);
    }
    expect((await describeTemporal(s.id)).state.paused).toBe(false);
    expect((await call(t.adminA, '/api/report-permissions/login_logout', 'PUT', { profiles: ['admin'] })).status).toBe(200);
    const refused = await call(t.supervisorA, '/api/report-schedules', 'POST', { ...WEEKLY, type: 'login_logout' });
    expect(refused.status).toBe(403);
    const adminOnly = await create(t.adminA, { ...WEEKLY, type: 'login_logout', name: 'Só admin' });
    expect((await call(t.supervisorA, `/api/report-schedules/${adminOnly.id}`)).status).toBe(404);
    const list = (await (await call(t.supervisorA, '/api/report-schedules')).json()) as { schedules: { id: string }[] };
    expect(list.schedules.map((x) => x.id)).toEqual([s.id]);
    await call(t.adminA, '/api/report-permissions/login_logout', 'PUT', { profiles: ['admin', 'supervisor', 'user'] });
    for (const id of [s.id, adminOnly.id]) expect((await call(t.adminA, `/api/report-schedules/${id}`, 'DELETE')).status).toBe(204);
  });

  it('when another company names a schedule, then 404 on every route and nothing changes', async () => {
    const s = await create(t.adminA, WEEKLY);
    for (const [method, path, body] of [
      ['GET', `/api/report-schedules/${s.id}`], ['PATCH', `/api/report-schedules/${s.id}`, { paused: true }],
      ['DELETE', `/api/report-schedules/${s.id}`], ['POST', `/api/report-schedules/${s.id}/run`],
      ['GET', `/api/report-schedules/${s.id}/deliveries`],
    ] as const) {
      expect((await call(t.adminB, path, method, body)).status, `${method} ${path}`).toBe(404);
    }
    const listB = (await (await call(t.adminB, '/api/report-schedules')).json()) as { schedules: unknown[] };
    expect(listB.schedules).toEqual([]);
    expect((await describeTemporal(s.id)).state.paused).toBe(false);
    expect((await call(t.adminA, '/api/report-schedules/not-a-uuid')).status).toBe(404);
    await call(t.adminA, `/api/report-schedules/${s.id}`, 'DELETE');
  });

  it('when a schedule is wrong, then 400 naming each field, and nothing is created', async () => {
    const deleted = await createUser(stack.sql, a.id, 'Ex Funcionária', 'user', { deletedAt: '2026-06-01T00:00:00Z' });
    const [{ email: deletedEmail }] = await stack.sql<{ email: string }[]>`select email from users where id = ${deleted}`;
    const [{ email: otherCompanyEmail }] = await stack.sql<{ email: string }[]>`select email from users where id = ${b.admin}`;
    const endpointB = (await (await call(t.adminB, '/api/webhook-endpoints', 'POST', { url: receiver.url('/b'), events: ['report.ready'] })).json()) as { id: string };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...WEEKLY, type: 'ticket_detail', filters: { ticketId: 1 } }, 'type'],
      [{ ...WEEKLY, type: 'no_such' }, 'type'],
      [{ ...WEEKLY, name: '' }, 'name'],
      [{ ...WEEKLY, name: undefined }, 'name'],
      [{ ...WEEKLY, filters: { from: '2026-10-10', to: '2026-10-01' } }, 'filters.from'],
      [{ ...WEEKLY, filters: { period: 'last_week', from: '2026-10-01' } }, 'filters.period'],
      [{ ...WEEKLY, filters: { period: 'fortnight' } }, 'filters.period'],
      [{ ...WEEKLY, filters: { period: 'last_week', queueIds: [999999] } }, 'filters.queueIds.0'],
      [{ ...WEEKLY, format: 'pdf' }, 'format'],
      [{ ...WEEKLY, cadence: { every: 'month', dayOfMonth: 29, at: '06:30' } }, 'cadence.dayOfMonth'],
      [{ ...WEEKLY, cadence: { every: 'day', at: '24:00' } }, 'cadence.at'],
      [{ ...WEEKLY, cadence: { every: 'week', weekday: 8, at: '08:00' } }, 'cadence.weekday'],
      [{ ...WEEKLY, cadence: { every: 'hour' } }, 'cadence.every'],
      [{ ...WEEKLY, recipients: { emails: ['alguem@fora.com'] } }, 'recipients.emails.0'],
      [{ ...WEEKLY, recipients: { emails: [emailA, deletedEmail] } }, 'recipients.emails.1'],
      [{ ...WEEKLY, recipients: { emails: [otherCompanyEmail] } }, 'recipients.emails.0'],
      [{ ...WEEKLY, recipients: { emails: [emailA, emailA] } }, 'recipients.emails.1'],
      [{ ...WEEKLY, recipients: { emails: Array.from({ length: 11 }, () => emailA) } }, 'recipients.emails'],
      [{ ...WEEKLY, recipients: { webhookEndpointIds: [endpointB.id] } }, 'recipients.webhookEndpointIds.0'],
      [{ ...WEEKLY, paused: 'yes' }, 'paused'],
      [{ ...WEEKLY, owner: 1 }, 'owner'],
      [{ ...WEEKLY, name: 'a\u0000b' }, 'name'],
      [{ ...WEEKLY, recipients: { emails: ['x\u0000@y.com'] } }, 'recipients.emails.0'],
      [{ ...WEEKLY, filters: { period: 'last_week', queueIds: ['\ud800'] } }, 'filters.queueIds.0'],
    ];
    for (const [body, path] of cases) {
      const res = await call(t.adminA, '/api/report-schedules', 'POST', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await paths(res), JSON.stringify(body)).toContain(path);
    }
    const [{ count }] = await stack.sql<{ count: number }[]>`select count(*)::int as count from reports.report_schedules where company_id = ${a.id}`;
    expect(count).toBe(0);
  });

  it('when a company has 20 schedules, then the 21st is refused', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await create(t.adminB, { ...WEEKLY, name: `S${i}`, cadence: { every: 'day', at: '03:00' } })).id);
    const res = await call(t.adminB, '/api/report-schedules', 'POST', WEEKLY);
    expect(res.status).toBe(409);
    for (const id of ids) expect((await call(t.adminB, `/api/report-schedules/${id}`, 'DELETE')).status).toBe(204);
    for (const id of ids.slice(0, 3)) await expect(describeTemporal(id)).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('when a schedule is paused, resumed and changed, then its Temporal Schedule follows; a bad change changes nothing', async () => {
    const s = await create(t.adminA, WEEKLY);
    const paused = (await (await call(t.adminA, `/api/report-schedules/${s.id}`, 'PATCH', { paused: true })).json()) as Record<string, any>;
    expect(paused).toMatchObject({ paused: true, nextRunAt: [] });
    expect((await describeTemporal(s.id)).state.paused).toBe(true);
    const resumed = (await (await call(t.adminA, `/api/report-schedules/${s.id}`, 'PATCH', { paused: false, cadence: { every: 'month', dayOfMonth: 1, at: '06:30' } })).json()) as Record<string, any>;
    expect(resumed).toMatchObject({ paused: false, cadenceText: 'todo dia 1 do mês às 06:30' });
    for (const at of resumed.nextRunAt as string[]) expect(at).toMatch(/-01T10:30:00\.000Z$/);
    const temporal = await describeTemporal(s.id);
    expect(temporal.state.paused).toBe(false);
    expect(temporal.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 6, end: 6, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }], dayOfMonth: [{ start: 1, end: 1, step: 1 }] });
    const bad = await call(t.adminA, `/api/report-schedules/${s.id}`, 'PATCH', { cadence: { every: 'day', at: '7h' } });
    expect(bad.status).toBe(400);
    expect(await paths(bad)).toEqual(['cadence.at']);
    expect((await (await call(t.adminA, `/api/report-schedules/${s.id}`)).json()) as Record<string, any>).toMatchObject({ cadence: { every: 'month' } });
    await call(t.adminA, `/api/report-schedules/${s.id}`, 'DELETE');
  });

  it('when a schedule is run now, then an ordinary report with `schedule` and the concrete last week is made and delivered to its endpoint', async () => {
    const endpoint = (await (await call(t.adminA, '/api/webhook-endpoints', 'POST', { url: receiver.url('/sched'), events: ['report.failed'] })).json()) as { id: string };
    const s = await create(t.adminA, { ...WEEKLY, recipients: { webhookEndpointIds: [endpoint.id] } });
    const before = resolvePeriod('last_week', 'America/Manaus', new Date());
    const res = await call(t.supervisorA, `/api/report-schedules/${s.id}/run`, 'POST');
    expect(res.status).toBe(202);
    const report = (await res.json()) as Record<string, any>;
    expect(report).toMatchObject({ type: 'service_statistics', schedule: { id: s.id, name: WEEKLY.name }, filters: before });
    expect((await stack.waitForReport(report.id, t.adminA)).status).toBe('READY');
    const listed = (await (await call(t.adminA, '/api/reports')).json()) as { reports: { id: string; schedule: unknown }[] };
    expect(listed.reports.find((r) => r.id === report.id)?.schedule).toEqual({ id: s.id, name: WEEKLY.name });
    // Named by the schedule, the endpoint hears report.ready although it subscribed to report.failed only.
    const [message] = await until('scheduled report announced', async () => receiver.received.filter((r) => r.path === '/sched').length > 0 && receiver.received.filter((r) => r.path === '/sched'));
    expect(JSON.parse(message.body)).toMatchObject({ type: 'report.ready', data: { id: report.id, schedule: { id: s.id } } });
    const deliveries = await until('delivered', async () => {
      const d = (await (await call(t.adminA, `/api/report-schedules/${s.id}/deliveries`)).json()) as { deliveries: any[] };
      return d.deliveries[0]?.status === 'DELIVERED' && d.deliveries;
    });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ reportId: report.id, channel: 'webhook', attempts: 1 });
    const again = (await (await call(t.adminA, `/api/report-schedules/${s.id}`)).json()) as Record<string, any>;
    expect(again.lastRun).toEqual({ reportId: report.id, status: 'READY', at: report.createdAt });
    expect(again.runs).toEqual([{ reportId: report.id, status: 'READY', at: report.createdAt }]);
    // A delivery that did not fail cannot be sent again.
    expect((await call(t.adminA, `/api/report-schedules/${s.id}/deliveries/${deliveries[0].id}/retry`, 'POST')).status).toBe(409);
    expect((await call(t.adminB, `/api/report-schedules/${s.id}/deliveries/${deliveries[0].id}/retry`, 'POST')).status).toBe(404);
    // Deleting the schedule removes its Temporal Schedule; the report it made stays, still naming it.
    expect((await call(t.adminA, `/api/report-schedules/${s.id}`, 'DELETE')).status).toBe(204);
    await expect(describeTemporal(s.id)).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect(((await (await call(t.adminA, `/api/reports/${report.id}`)).json()) as Record<string, any>).schedule).toEqual({ id: s.id, name: WEEKLY.name });
    expect((await call(t.adminA, `/api/report-schedules/${s.id}`)).status).toBe(404);
    await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}`, 'DELETE');
  });

  it('when the Temporal Schedule fires while the company is at its limit, then the run waits and makes its report once a slot frees', async () => {
    const s = await create(t.adminA, { ...WEEKLY, type: 'login_logout', name: 'Acessos' });
    gate.closeGate();
    const blocking = (await (await call(t.adminA, '/api/reports', 'POST', { type: 'ticket_summary', filters: { from: '2026-10-01', to: '2026-10-02' } })).json()) as { id: string };
    await stack.workflows.client.schedule.getHandle(reportScheduleId(s.id)).trigger();
    const run = await until('scheduled run started', async () => {
      for await (const w of stack.workflows.client.workflow.list({ query: `WorkflowType = 'scheduledReportWorkflow' and TaskQueue = '${stack.taskQueue}'` })) return w;
      return undefined;
    });
    const handle = stack.workflows.client.workflow.getHandle(run.workflowId);
    // It waits (timers), making no report, while the slot is taken.
    await until('two waits', async () => {
      const { events } = await handle.fetchHistory();
      return (events ?? []).filter((e) => e.timerStartedEventAttributes).length >= 2;
    });
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const [{ count }] = await stack.sql<{ count: number }[]>`select count(*)::int as count from reports.reports where schedule_id = ${s.id}`;
    expect(count).toBe(0);
    gate.openGate();
    expect((await stack.waitForReport(blocking.id, t.adminA)).status).toBe('READY');
    const result = (await handle.result()) as { reportId: string; waits: number };
    expect(result.waits).toBeGreaterThanOrEqual(2);
    const made = await stack.waitForReport(result.reportId, t.adminA);
    expect(made).toMatchObject({ status: 'READY', type: 'login_logout', schedule: { id: s.id, name: 'Acessos' }, requestedBy: { id: a.admin } });
    await call(t.adminA, `/api/report-schedules/${s.id}`, 'DELETE');
  });

  it('when a schedule\'s filters stop being valid, then it can still be paused, its run records why it made nothing, and edits are refused naming the field', async () => {
    const queue = await createQueue(stack.sql, a.id, 'Fila que vai sumir');
    const s = await create(t.adminA, { ...WEEKLY, name: 'Por fila', filters: { period: 'last_week', queueIds: [queue] } });
    await stack.sql`delete from queues where id = ${queue}`;
    await stack.workflows.client.schedule.getHandle(reportScheduleId(s.id)).trigger();
    const failed = await until('run recorded as failed', async () => {
      const one = (await (await call(t.adminA, `/api/report-schedules/${s.id}`)).json()) as Record<string, any>;
      return one.lastRun?.status === 'ERROR' && one;
    });
    expect(failed.lastRun).toMatchObject({ reportId: null, error: { message: expect.stringMatching(/^O agendamento não pôde gerar o relatório: .*filters\.queueIds\.0/) } });
    expect(failed.runs).toEqual([]);
    const paused = await call(t.adminA, `/api/report-schedules/${s.id}`, 'PATCH', { paused: true });
    expect(paused.status).toBe(200);
    expect((await describeTemporal(s.id)).state.paused).toBe(true);
    const renamed = await call(t.adminA, `/api/report-schedules/${s.id}`, 'PATCH', { name: 'Outro nome' });
    expect(renamed.status).toBe(400);
    expect(await paths(renamed)).toEqual(['filters.queueIds.0']);
    await call(t.adminA, `/api/report-schedules/${s.id}`, 'DELETE');
  });

  describe('after a crash between the record and Temporal', () => {
    const insertRow = async (state: string, paused = false) => {
      const [{ id }] = await stack.sql<{ id: string }[]>`
        insert into reports.report_schedules (id, company_id, name, type, filters, format, cadence, created_by, sync_state, paused, sync_since)
        values (gen_random_uuid(), ${a.id}, 'Interrompido', 'login_logout', ${stack.sql.json({ period: 'yesterday' })}, 'csv',
                ${stack.sql.json({ every: 'day', at: '05:00' })}, ${a.admin}, ${state}, ${paused}, now() - interval '10 minutes')
        returning id`;
      return id;
    };
    const push = (id: string, paused = false) => pushSchedule(stack.workflows.client, {
      id, companyId: a.id, type: 'login_logout', cadence: { every: 'day', at: '05:00' }, paused, timezone: a.timezone,
    }, { taskQueue: stack.taskQueue });
    const sync = () => ({ client: stack.workflows.client, temporal: { taskQueue: stack.taskQueue } });
    const rowOf = async (id: string) => (await stack.sql<{ syncState: string }[]>`select sync_state as "syncState" from reports.report_schedules where id = ${id}`)[0];

    it('when a creation died after Temporal, then neither the row nor the Temporal Schedule remains', async () => {
      const id = await insertRow('creating');
      await push(id);
      expect(await reconcileSchedules(stack.sql, sync(), { graceMs: 0 })).toBe(1);
      expect(await rowOf(id)).toBeUndefined();
      await expect(describeTemporal(id)).rejects.toBeInstanceOf(ScheduleNotFoundError);
    });

    it('when a delete died between the two, then a later request for the company finishes it', async () => {
      const id = await insertRow('deleting');
      await push(id);
      // Any schedules request of the company settles it (rows older than the grace time).
      expect((await call(t.adminA, '/api/report-schedules')).status).toBe(200);
      expect(await rowOf(id)).toBeUndefined();
      await expect(describeTemporal(id)).rejects.toBeInstanceOf(ScheduleNotFoundError);
    });

    it('when an update died before Temporal, then it is pushed again', async () => {
      const id = await insertRow('updating', true);
      await push(id, false);
      await reconcileSchedules(stack.sql, sync(), { graceMs: 0 });
      expect(await rowOf(id)).toEqual({ syncState: 'synced' });
      expect((await describeTemporal(id)).state.paused).toBe(true);
      await call(t.adminA, `/api/report-schedules/${id}`, 'DELETE');
    });

    it('when a Temporal Schedule has no record, then its first run removes it and makes nothing', async () => {
      const id = '00000000-0000-4000-8000-000000000001';
      await push(id);
      await stack.workflows.client.schedule.getHandle(reportScheduleId(id)).trigger();
      await until('orphan removed', async () => describeTemporal(id).then(() => false, (err) => err instanceof ScheduleNotFoundError));
      const [{ count }] = await stack.sql<{ count: number }[]>`select count(*)::int as count from reports.reports where schedule_id = ${id}`;
      expect(count).toBe(0);
    });

    it('when Temporal is unreachable at creation, then 503, the row is never shown, and reconciliation removes it', async () => {
      const services = testServices();
      const broken = await ReportWorkflows.connect({ address: services.temporalAddress, namespace: services.temporalNamespace, taskQueue: stack.taskQueue });
      await broken.close();
      const server = createServer(buildApp({ sql: stack.sql, storage: stack.storage, workflows: broken, jwtSecret: stack.jwtSecret }));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/api/report-schedules`, {
          method: 'POST', headers: { authorization: `Bearer ${t.adminB}`, 'content-type': 'application/json' }, body: JSON.stringify(WEEKLY),
        });
        expect(res.status).toBe(503);
        // Temporal could not say whether it made the schedule: the row stays as a tombstone until it can.
        const rows = await stack.sql<{ id: string; syncState: string }[]>`
          select id, sync_state as "syncState" from reports.report_schedules where company_id = ${b.id}`;
        expect(rows.map((r) => r.syncState)).toEqual(['deleting']);
        expect(((await (await call(t.adminB, '/api/report-schedules')).json()) as { schedules: unknown[] }).schedules).toEqual([]);
        await reconcileSchedules(stack.sql, sync(), { graceMs: 0 });
        expect(await rowOf(rows[0].id)).toBeUndefined();
        await expect(describeTemporal(rows[0].id)).rejects.toBeInstanceOf(ScheduleNotFoundError);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
});
