// GET /api/reports/events across two API processes on one database: the stack's API in this process (A) and
// `src/server.ts` started as a separate OS process (B). Events cross through PostgreSQL LISTEN/NOTIFY only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompanyFixture, createCompany, createContact, createTicketsInBulk } from '../setup/rows';
import { GatedStorage } from '../setup/gated-storage';
import { SseClient, type SseEvent } from '../setup/sse';
import { useStack } from '../setup/reports-api';
import { type ApiProcess } from '../setup/stack';

const TICKETS = 20_000;

describe('live report events', () => {
  // Parts of 16 KiB stored at 100 ms each: a 1.4 MB export runs for several seconds, progress at every part.
  const stack = useStack({
    partBytes: 16 * 1024, wrapWorkerStorage: (s) => new GatedStorage(s, 100), events: { heartbeatMs: 300 },
  });
  let processB: ApiProcess;
  let a: CompanyFixture;
  let b: CompanyFixture;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    processB = await stack.startApiProcess();
    a = await createCompany(stack.sql, 'Eventos A');
    b = await createCompany(stack.sql, 'Eventos B');
    const contact = await createContact(stack.sql, a.id, 'Cliente', '5511922223333');
    await createTicketsInBulk(stack.sql, a.id, { contactId: contact, whatsappId: a.whatsapp, count: TICKETS, status: 'closed', direction: 'outbound', lastMessage: 'mensagem número ' });
    // In A, Resumo de Tickets is for admins and supervisors only.
    const restricted = await stack.api('/api/report-permissions/ticket_summary', {
      method: 'PUT', token: tokenOf(a.admin, a), body: JSON.stringify({ profiles: ['supervisor'] }),
    });
    expect(restricted.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.close();
  });

  const tokenOf = (userId: number, company: CompanyFixture) => stack.tokenFor({ id: userId, companyId: company.id });
  const post = (token: string, body: unknown) => stack.api('/api/reports', { method: 'POST', token, body: JSON.stringify(body) });

  async function listen(baseUrl: string, token: string): Promise<SseClient> {
    const client = await SseClient.connect(`${baseUrl}/api/reports/events?access_token=${token}`);
    clients.push(client);
    expect(client.status).toBe(200);
    expect(client.contentType).toMatch(/^text\/event-stream/);
    await client.waitFor((e) => e.event === 'snapshot');
    return client;
  }

  it('when a report is made and deleted through process A, then a client of process B follows it; another company and a user without permission get nothing', async () => {
    const supervisorA = await listen(processB.baseUrl, tokenOf(a.supervisor, a));
    const userA = await listen(processB.baseUrl, tokenOf(a.user, a));
    const adminB = await listen(processB.baseUrl, tokenOf(b.admin, b));

    const created = await post(tokenOf(a.admin, a), { type: 'ticket_summary', filters: { from: '2026-10-01', to: '2026-10-31' } });
    expect(created.status).toBe(202);
    const { id, workflowId } = (await created.json()) as { id: string; workflowId: string };

    const first = await supervisorA.waitFor((e) => e.event === 'report.created' && e.data.id === id);
    expect(first.data).toMatchObject({ status: 'PROCESSING', type: 'ticket_summary', requestedBy: { id: a.admin } });
    const ready = await supervisorA.waitFor((e) => e.event === 'report.updated' && e.data.id === id && e.data.status === 'READY', 60_000);
    expect(ready.data).toMatchObject({ rowCount: TICKETS, progress: { rows: TICKETS, totalRows: TICKETS, percent: 100 } });

    // The event, the REST resource (on either process) and the workflow's own query agree.
    await stack.workflows.client.workflow.getHandle(workflowId).result();
    const rest = await (await fetch(`${processB.baseUrl}/api/reports/${id}`, { headers: { authorization: `Bearer ${tokenOf(a.supervisor, a)}` } })).json();
    expect(rest).toEqual(ready.data);
    expect((await stack.workflows.state(workflowId))?.status).toBe('READY');

    // Progress came while it ran, at most about once a second, never going back.
    const updates = supervisorA.about(id).filter((e) => e.event === 'report.updated');
    const progress = updates.filter((e) => e.data.status === 'PROCESSING');
    expect(progress.length).toBeGreaterThan(2);
    const rows = progress.map((e) => e.data.progress.rows as number);
    expect(rows).toEqual([...rows].sort((x, y) => x - y));
    for (let i = 1; i < progress.length; i++) expect(progress[i].at - progress[i - 1].at).toBeGreaterThanOrEqual(800);
    expect(updates.at(-1)).toBe(ready);

    expect((await stack.api(`/api/reports/${id}`, { method: 'DELETE', token: tokenOf(a.admin, a) })).status).toBe(204);
    const deleted = await supervisorA.waitFor((e) => e.event === 'report.deleted' && e.data.id === id);
    expect(deleted.data).toEqual({ id });
    expect(supervisorA.about(id).map((e) => e.event)).toEqual([
      'report.created', ...updates.map((e) => e.event), 'report.deleted',
    ]);

    // A report each of them may see, made afterwards, reaches them: so everything before it would have too.
    const forUser = await post(tokenOf(a.admin, a), { type: 'licenses', filters: { month: 'current' } });
    const sentinelA = ((await forUser.json()) as { id: string }).id;
    await userA.waitFor((e) => e.event === 'report.created' && e.data.id === sentinelA);
    const forB = await post(tokenOf(b.admin, b), { type: 'licenses', filters: { month: 'current' } });
    const sentinelB = ((await forB.json()) as { id: string }).id;
    await adminB.waitFor((e) => e.event === 'report.created' && e.data.id === sentinelB);
    expect(userA.about(id)).toEqual([]);
    expect(adminB.about(id)).toEqual([]);
    expect(adminB.about(sentinelA)).toEqual([]);
    expect(supervisorA.about(sentinelB)).toEqual([]);
  });

  it('when a client connects or reconnects, then it first gets a snapshot of exactly the reports it may list', async () => {
    const token = tokenOf(a.user, a);
    const client = await listen(processB.baseUrl, token);
    const snapshot = client.events[0] as SseEvent;
    expect(snapshot.event).toBe('snapshot');
    const list = (await (await stack.api('/api/reports', { token })).json()) as { reports: unknown[] };
    expect(snapshot.data.reports).toEqual(list.reports);
    expect(snapshot.data.reports.length).toBeGreaterThan(0);
    expect(snapshot.data.reports.every((r: { type: string }) => r.type !== 'ticket_summary')).toBe(true);
  });

  it('when the LISTEN connection drops, then streams get a new snapshot and events flow again', async () => {
    const client = await listen(stack.baseUrl, tokenOf(b.admin, b));
    const [{ terminated }] = await stack.sql<{ terminated: number }[]>`
      select count(pg_terminate_backend(pid))::int as terminated from pg_stat_activity
      where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()`;
    expect(terminated).toBeGreaterThan(0);
    await client.waitFor((e) => e.event === 'snapshot' && client.events.indexOf(e) > 0);
    const res = await post(tokenOf(b.admin, b), { type: 'numbers', filters: { month: 'current' } });
    const { id } = (await res.json()) as { id: string };
    await client.waitFor((e) => e.event === 'report.created' && e.data.id === id);
    // Process B reconnected as well.
    const onB = await listen(processB.baseUrl, tokenOf(b.admin, b));
    const again = await post(tokenOf(b.admin, b), { type: 'numbers', filters: { month: 'previous' } });
    const second = ((await again.json()) as { id: string }).id;
    await onB.waitFor((e) => e.event === 'report.created' && e.data.id === second);
  });

  it('when an admin changes who may see a type, then open streams get a new snapshot at once', async () => {
    const userA = await listen(processB.baseUrl, tokenOf(a.user, a));
    const before = userA.events.length;
    const res = await stack.api('/api/report-permissions/licenses', {
      method: 'PUT', token: tokenOf(a.admin, a), body: JSON.stringify({ profiles: ['admin'] }),
    });
    expect(res.status).toBe(200);
    const again = await userA.waitFor((e) => e.event === 'snapshot' && userA.events.indexOf(e) >= before);
    expect(again.data.reports.filter((r: { type: string }) => r.type === 'licenses')).toEqual([]);
    await stack.api('/api/report-permissions/licenses', {
      method: 'PUT', token: tokenOf(a.admin, a), body: JSON.stringify({ profiles: ['admin', 'supervisor', 'user'] }),
    });
  });

  it('when a stream is idle, then keep-alive comments keep coming', async () => {
    const client = await listen(stack.baseUrl, tokenOf(b.admin, b));
    for (const deadline = Date.now() + 20_000; client.comments < 2; ) {
      if (Date.now() > deadline) throw new Error('no keep-alive comments');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(client.comments).toBeGreaterThanOrEqual(2);
  });

  it('when the token is missing or wrong, then 401; ?access_token= is accepted on the event stream only', async () => {
    expect((await SseClient.connect(`${processB.baseUrl}/api/reports/events`)).status).toBe(401);
    expect((await SseClient.connect(`${processB.baseUrl}/api/reports/events?access_token=nope`)).status).toBe(401);
    const header = await SseClient.connect(`${processB.baseUrl}/api/reports/events`, {
      headers: { authorization: `Bearer ${tokenOf(b.admin, b)}` },
    });
    clients.push(header);
    expect(header.status).toBe(200);
    expect((await fetch(`${processB.baseUrl}/api/reports?access_token=${tokenOf(b.admin, b)}`)).status).toBe(401);
  });
});
