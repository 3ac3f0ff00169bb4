// The live event stream's edges: a client that leaves during authentication, too many streams, a token that
// expires while its stream is open, and permissions changed while the LISTEN connection was down.
import { afterAll, describe, expect, it } from 'vitest';
import { createUser } from '../setup/rows';
import { SseClient } from '../setup/sse';
import { useStack, useCompany } from '../setup/reports-api';
import { until } from '../setup/until';

describe('GET /api/reports/events at its limits', () => {
  const stack = useStack({ events: { heartbeatMs: 60_000, maxStreamsPerUser: 2, maxStreamsPerCompany: 3 } });
  const a = useCompany(stack, 'Limites A');
  const b = useCompany(stack, 'Limites B');
  const clients: SseClient[] = [];

  afterAll(async () => {
    for (const c of clients) c.close();
  });

  const url = (token: string) => `${stack.baseUrl}/api/reports/events?access_token=${token}`;
  async function open(token: string): Promise<SseClient> {
    const client = await SseClient.connect(url(token));
    clients.push(client);
    if (client.status === 200) await client.waitFor((e) => e.event === 'snapshot');
    return client;
  }
  const closeAll = async () => {
    for (const c of clients.splice(0)) c.close();
    await until('every stream closed', async () => stack.events.openStreams() === 0, 5_000);
  };

  it('when the client leaves while its user is still being looked up, then no stream is kept', async () => {
    await closeAll();
    // Slow the look-up: the users table is locked until we say so.
    const locker = await stack.sql.reserve();
    await locker`begin`;
    await locker`lock table public.users in access exclusive mode`;
    const abort = new AbortController();
    const request = fetch(url(stack.tokenFor({ id: a.admin, companyId: a.id })), { signal: abort.signal }).catch(() => 'aborted');
    await until('the user look-up waiting on the lock', async () => {
      const [{ n }] = await stack.sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%from public.users%'`;
      return n > 0;
    }, 10_000);
    abort.abort();
    expect(await request).toBe('aborted');
    await new Promise((r) => setTimeout(r, 200));
    await locker`commit`;
    locker.release();
    // The look-up now completes; give the handler time to go on to where it would register the stream.
    await until('the user look-up done', async () => {
      const [{ n }] = await stack.sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%from public.users%'`;
      return n === 0;
    }, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(stack.events.openStreams()).toBe(0);
  });

  it('when a user opens more streams than allowed, then 429 with Retry-After; a closed one frees its place', async () => {
    await closeAll();
    const token = stack.tokenFor({ id: a.admin, companyId: a.id });
    const first = await open(token);
    await open(token);
    const res = await fetch(url(token));
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('retry-after')).toBe('30');
    const problem = (await res.json()) as { status: number; detail: string };
    expect(problem.status).toBe(429);
    expect(problem.detail).toMatch(/limite 2/);
    first.close();
    await until('the closed stream gone', async () => stack.events.openStreams(a.id) === 1, 5_000);
    expect((await open(token)).status).toBe(200);
  });

  it('when a company has as many streams as allowed, then its next user gets 429, and another company is not affected', async () => {
    await closeAll();
    const other = await createUser(stack.sql, a.id, 'Outra Pessoa', 'user');
    await open(stack.tokenFor({ id: a.admin, companyId: a.id }));
    await open(stack.tokenFor({ id: a.admin, companyId: a.id }));
    await open(stack.tokenFor({ id: a.supervisor, companyId: a.id }));
    const refused = await fetch(url(stack.tokenFor({ id: other, companyId: a.id })));
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/empresa já tem 3 conexões/);
    expect((await open(stack.tokenFor({ id: b.admin, companyId: b.id }))).status).toBe(200);
  });

  it('when the token expires while its stream is open, then the stream ends, telling why', async () => {
    await closeAll();
    const client = await open(stack.tokenFor({ id: b.admin, companyId: b.id }, 2));
    expect(client.status).toBe(200);
    await client.waitFor((e) => e.event === 'token.expired', 10_000);
    await until('the stream ended', async () => client.ended, 5_000);
    await until('the stream forgotten', async () => stack.events.openStreams(b.id) === 0, 5_000);
  });

  it('when permissions change while the LISTEN connection is down, then they are re-read before any event is delivered', async () => {
    await closeAll();
    const supervisor = await open(stack.tokenFor({ id: b.supervisor, companyId: b.id }));
    // Números becomes admin-only while nobody hears it (the notice lost, as it is in a LISTEN gap)...
    await stack.sql.begin(async (tx) => {
      await tx`alter table reports.report_permissions disable trigger report_permissions_notify`;
      await tx`insert into reports.report_permissions (company_id, type, profiles, updated_by) values (${b.id}, 'numbers', ${['admin']}, ${b.admin})`;
      await tx`alter table reports.report_permissions enable trigger report_permissions_notify`;
    });
    // ...and the LISTEN connection drops, then comes back.
    const [{ terminated }] = await stack.sql<{ terminated: number }[]>`
      select count(pg_terminate_backend(pid))::int as terminated from pg_stat_activity
      where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()`;
    expect(terminated).toBeGreaterThan(0);
    await supervisor.waitFor((e) => e.event === 'snapshot' && supervisor.events.indexOf(e) > 0, 15_000);
    const res = await stack.api('/api/reports', {
      method: 'POST', token: stack.tokenFor({ id: b.admin, companyId: b.id }), body: JSON.stringify({ type: 'numbers', filters: { month: 'current' } }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    // Events flow again (an admin's stream follows the report to READY)...
    const admin = await open(stack.tokenFor({ id: b.admin, companyId: b.id }));
    await admin.waitFor((e) => e.event === 'report.updated' && e.data.id === id && e.data.status === 'READY', 30_000);
    await new Promise((r) => setTimeout(r, 300));
    // ...but not to the supervisor, whom the new permissions exclude.
    expect(supervisor.about(id)).toEqual([]);
  });
});
