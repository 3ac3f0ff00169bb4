// Idempotency-Key and the per-company processing limit, under concurrent requests. The worker's storage is
// held shut, so reports stay PROCESSING for as long as a test counts them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompanyFixture, createCompany, createUser } from '../setup/rows';
import { GatedStorage } from '../setup/gated-storage';
import { useStack } from '../setup/reports-api';

const summary = (day: number) => ({ type: 'ticket_summary', filters: { from: `2026-10-${String(day).padStart(2, '0')}`, to: '2026-10-31' } });

describe('report requests: idempotency and limits', () => {
  const stack = useStack({
    maxProcessingPerCompany: 5,
    wrapWorkerStorage: (storage) => (gate = new GatedStorage(storage)),
  });
  let gate: GatedStorage;
  let a: CompanyFixture;

  beforeAll(async () => {
    gate.closeGate();
    a = await createCompany(stack.sql, 'Idempotência');
  }, 120_000);

  afterAll(async () => {
    gate?.openGate();
  });

  const post = (token: string, body: unknown, headers: Record<string, string> = {}) =>
    stack.api('/api/reports', { method: 'POST', token, body: JSON.stringify(body), headers });
  const reportWorkflowsOf = async (companyId: number) => {
    const query = `TaskQueue = '${stack.taskQueue}' AND WorkflowType = 'reportWorkflow' AND CompanyId = ${companyId}`;
    return (await stack.workflows.client.workflow.count(query)).count;
  };

  it('when 10 identical POSTs with one Idempotency-Key arrive at once, then one report, one workflow, and 202 once then 200', async () => {
    const token = stack.tokenFor({ id: a.admin, companyId: a.id });
    const headers = { 'Idempotency-Key': 'pedido-2026-10-resumo' };
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(token, summary(1), headers)));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { id: string }[];

    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    for (const r of responses) expect(r.headers.get('location')).toBe(`/api/reports/${bodies[0].id}`);
    const [{ count }] = await stack.sql<{ count: number }[]>`
      select count(*)::int as count from reports.reports where company_id = ${a.id}`;
    expect(count).toBe(1);
    // Temporal's list is eventually consistent: wait for the one run to be listed, then no other may be.
    while ((await reportWorkflowsOf(a.id)) === 0) await new Promise((r) => setTimeout(r, 100));
    expect(await reportWorkflowsOf(a.id)).toBe(1);
    const run = await stack.workflows.client.workflow.getHandle(`report-${bodies[0].id}`).describe();
    expect(run.status.name).toBe('RUNNING');

    // The same key later still answers the first report; a different request under it is refused.
    const again = await post(token, summary(1), headers);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(bodies[0].id);
    const other = await post(token, summary(2), headers);
    expect(other.status).toBe(422);
    expect(((await other.json()) as { detail: string }).detail).toMatch(/Idempotency-Key já foi usada/);
  });

  it('when another user sends the same key, or the key is older than 24 h, then it is a new request', async () => {
    const otherUser = await createUser(stack.sql, a.id, 'Outra Supervisora', 'supervisor');
    const headers = { 'Idempotency-Key': 'chave-repetida' };
    const first = await post(stack.tokenFor({ id: a.admin, companyId: a.id }), summary(3), headers);
    const second = await post(stack.tokenFor({ id: otherUser, companyId: a.id }), summary(3), headers);
    expect([first.status, second.status]).toEqual([202, 202]);
    const firstId = ((await first.json()) as { id: string }).id;
    expect(((await second.json()) as { id: string }).id).not.toBe(firstId);

    await stack.sql`update reports.idempotency_keys set created_at = now() - interval '24 hours 1 second' where report_id = ${firstId}`;
    const later = await post(stack.tokenFor({ id: a.admin, companyId: a.id }), summary(3), headers);
    expect(later.status).toBe(202);
    expect(((await later.json()) as { id: string }).id).not.toBe(firstId);
  });

  it('when the key is not printable ASCII of at most 255 characters, then 400 naming the header and nothing is created', async () => {
    const c = await createCompany(stack.sql, 'Chave inválida');
    const res = await post(stack.tokenFor({ id: c.admin, companyId: c.id }), summary(1), { 'Idempotency-Key': 'x'.repeat(256) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0].path).toBe('Idempotency-Key');
    const [{ count }] = await stack.sql<{ count: number }[]>`select count(*)::int as count from reports.reports where company_id = ${c.id}`;
    expect(count).toBe(0);
  });

  it('when a company with 1 report processing sends 8 at once, then 4 are accepted (5 in all) and 4 get 429 with Retry-After; other companies are not affected', async () => {
    const busy = await createCompany(stack.sql, 'Empresa ocupada');
    const calm = await createCompany(stack.sql, 'Empresa tranquila');
    const token = stack.tokenFor({ id: busy.admin, companyId: busy.id });
    const keyed = await post(token, summary(20), { 'Idempotency-Key': 'primeiro' });
    expect(keyed.status).toBe(202);
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => post(token, summary(i + 1))));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 202, 202, 202, 429, 429, 429, 429]);

    const refused = responses.find((r) => r.status === 429)!;
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = (await refused.json()) as { status: number; detail: string };
    expect(problem.status).toBe(429);
    expect(problem.detail).toBe(
      'A sua empresa já tem 5 relatórios em processamento, o máximo permitido é 5. Aguarde um deles terminar e tente novamente.',
    );
    const [{ processing }] = await stack.sql<{ processing: number }[]>`
      select count(*)::int as processing from reports.reports where company_id = ${busy.id} and status = 'PROCESSING'`;
    expect(processing).toBe(5);

    // Another company asks meanwhile: its own limit, untouched.
    expect((await post(stack.tokenFor({ id: calm.admin, companyId: calm.id }), summary(1))).status).toBe(202);
    // A repeated request is no new report, so it is answered even at the limit.
    const replay = await post(token, summary(20), { 'Idempotency-Key': 'primeiro' });
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as { id: string }).id).toBe(((await keyed.json()) as { id: string }).id);

    // Once reports finish, the company may ask again.
    gate.openGate();
    const running = await stack.sql<{ id: string }[]>`select id from reports.reports where company_id = ${busy.id}`;
    for (const { id } of running) expect((await stack.waitForReport(id, token)).status).toBe('READY');
    expect((await post(token, summary(9))).status).toBe(202);
  });
});
