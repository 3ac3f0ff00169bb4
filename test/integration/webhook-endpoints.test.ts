// Webhook endpoints through HTTP on real services: admin CRUD with the secret shown once, signed messages
// verified by the `standardwebhooks` package in a real receiver, announcements of every finished report to
// its own company only, retries with the same webhook-id, and the address rules at registration and send.
import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryActivities } from '../../activities/deliveries';
import { buildApp } from '../../src/api/app';
import { ReportWorkflows } from '../../src/temporal/client';
import { type CompanyFixture, createCompany, createContact, createMessage, createTicket } from '../setup/rows';
import { profileTokens, useStack } from '../setup/reports-api';
import { testServices } from '../setup/services';
import { until } from '../setup/until';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../setup/webhook-receiver';

const SUMMARY = { type: 'ticket_summary', filters: { from: '2026-10-01', to: '2026-10-31' } };

describe('webhook endpoints', () => {
  // Chromium that cannot start: a ticket's PDF ends in ERROR, which gives the report.failed event.
  const stack = useStack({ chromiumPath: '/nonexistent/chromium', delivery: { retryDelaysSeconds: [1, 1] } });
  let receiver: WebhookReceiver;
  let a: CompanyFixture;
  let b: CompanyFixture;
  let t: Record<'adminA' | 'supervisorA' | 'userA' | 'adminB', string>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    a = await createCompany(stack.sql, 'Webhooks A');
    b = await createCompany(stack.sql, 'Webhooks B');
    t = profileTokens(stack, a, b);
  }, 120_000);

  afterAll(async () => {
    await receiver?.close();
  });

  const call = (token: string, path: string, method = 'GET', body?: unknown) =>
    stack.api(path, { method, token, body: body === undefined ? undefined : JSON.stringify(body) });
  const register = async (token: string, path: string, events = ['report.ready', 'report.failed']) => {
    const res = await call(token, '/api/webhook-endpoints', 'POST', { url: receiver.url(path), description: `teste ${path}`, events });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; secret: string; url: string };
  };
  const at = (path: string): ReceivedWebhook[] => receiver.received.filter((r) => r.path === path);
  const verify = (secret: string, r: ReceivedWebhook) =>
    new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; timestamp: string; data: any };

  it('when an admin registers an endpoint, then 201 shows the secret once and lists never show it', async () => {
    const res = await call(t.adminA, '/api/webhook-endpoints', 'POST', { url: receiver.url('/once'), events: ['report.ready'] });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Record<string, any>;
    expect(res.headers.get('location')).toBe(`/api/webhook-endpoints/${created.id}`);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.secret.slice(6), 'base64')).toHaveLength(32);
    expect(created).toMatchObject({ url: receiver.url('/once'), events: ['report.ready'], description: null });
    const list = (await (await call(t.adminA, '/api/webhook-endpoints')).json()) as { endpoints: Record<string, unknown>[] };
    expect(list.endpoints.map((e) => e.id)).toContain(created.id);
    for (const e of list.endpoints) expect(e).not.toHaveProperty('secret');
    const one = (await (await call(t.adminA, `/api/webhook-endpoints/${created.id}`)).json()) as Record<string, unknown>;
    expect(one).not.toHaveProperty('secret');
    expect(JSON.stringify(list)).not.toContain(created.secret.slice(6));
    expect((await call(t.adminA, `/api/webhook-endpoints/${created.id}`, 'DELETE')).status).toBe(204);
    expect((await call(t.adminA, `/api/webhook-endpoints/${created.id}`)).status).toBe(404);
  });

  it('when a supervisor or a user touches endpoints, then 403 on every route', async () => {
    const endpoint = await register(t.adminA, '/perm');
    for (const token of [t.supervisorA, t.userA]) {
      for (const [method, path, body] of [
        ['GET', '/api/webhook-endpoints'], ['POST', '/api/webhook-endpoints', { url: receiver.url(), events: ['report.ready'] }],
        ['GET', `/api/webhook-endpoints/${endpoint.id}`], ['DELETE', `/api/webhook-endpoints/${endpoint.id}`],
        ['POST', `/api/webhook-endpoints/${endpoint.id}/test`], ['GET', `/api/webhook-endpoints/${endpoint.id}/deliveries`],
      ] as const) {
        const res = await call(token, path, method, body);
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      }
    }
    expect(at('/perm')).toHaveLength(0);
    await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}`, 'DELETE');
  });

  it('when another company\'s admin names an endpoint, then 404 and nothing is sent or removed', async () => {
    const endpoint = await register(t.adminA, '/theirs');
    for (const [method, path] of [
      ['GET', `/api/webhook-endpoints/${endpoint.id}`], ['DELETE', `/api/webhook-endpoints/${endpoint.id}`],
      ['POST', `/api/webhook-endpoints/${endpoint.id}/test`], ['GET', `/api/webhook-endpoints/${endpoint.id}/deliveries`],
    ] as const) {
      expect((await call(t.adminB, path, method)).status, `${method} ${path}`).toBe(404);
    }
    const listB = (await (await call(t.adminB, '/api/webhook-endpoints')).json()) as { endpoints: { id: string }[] };
    expect(listB.endpoints.map((e) => e.id)).not.toContain(endpoint.id);
    expect(at('/theirs')).toHaveLength(0);
    expect((await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}`)).status).toBe(200);
    expect((await call(t.adminA, '/api/webhook-endpoints/not-a-uuid')).status).toBe(404);
    await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}`, 'DELETE');
  });

  it('when the body is wrong, then 400 naming each field', async () => {
    const cases: [unknown, string][] = [
      [{ events: ['report.ready'] }, 'url'],
      [{ url: 'ftp://exemplo.com.br/x', events: ['report.ready'] }, 'url'],
      [{ url: 'not a url', events: ['report.ready'] }, 'url'],
      [{ url: 'http://user:pw@127.0.0.1/x', events: ['report.ready'] }, 'url'],
      [{ url: receiver.url(), events: [] }, 'events'],
      [{ url: receiver.url(), events: ['report.deleted'] }, 'events.0'],
      [{ url: receiver.url(), events: ['report.ready', 'report.ready'] }, 'events'],
      [{ url: receiver.url(), events: ['report.ready'], secret: 'whsec_mine' }, 'secret'],
      [{ url: receiver.url(), events: ['report.ready'], description: 'x'.repeat(201) }, 'description'],
      [{ url: receiver.url(), events: ['report.ready'], description: 'nul\u0000' }, 'description'],
    ];
    for (const [body, path] of cases) {
      const res = await call(t.adminA, '/api/webhook-endpoints', 'POST', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(path);
    }
  });

  it('when a company has 10 endpoints, then the 11th is refused and another company is not affected', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await register(t.adminB, `/many-${i}`)).id);
    const res = await call(t.adminB, '/api/webhook-endpoints', 'POST', { url: receiver.url('/many-10'), events: ['report.ready'] });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/máximo/);
    const other = await register(t.adminA, '/not-many');
    for (const id of ids) await call(t.adminB, `/api/webhook-endpoints/${id}`, 'DELETE');
    await call(t.adminA, `/api/webhook-endpoints/${other.id}`, 'DELETE');
  });

  it('when a report of a company is READY, then its endpoints get a signed report.ready whose link downloads the file, and the other company hears nothing', async () => {
    const endpointA = await register(t.adminA, '/ready-a');
    const failedOnly = await register(t.adminA, '/failed-only-a', ['report.failed']);
    const endpointB = await register(t.adminB, '/ready-b');
    const contact = await createContact(stack.sql, a.id, 'Cliente Webhook', '5511955554444');
    await createTicket(stack.sql, a.id, { contactId: contact, whatsappId: a.whatsapp, createdAt: '2026-10-02T12:00:00Z' });

    const created = await call(t.adminA, '/api/reports', 'POST', SUMMARY);
    expect(created.status).toBe(202);
    const report = (await created.json()) as { id: string };
    expect((await stack.waitForReport(report.id, t.adminA)).status).toBe('READY');

    const [message] = await until('report.ready at A', async () => at('/ready-a').length > 0 && at('/ready-a'));
    expect(message.headers['content-type']).toBe('application/json');
    const event = verify(endpointA.secret, message);
    expect(event.type).toBe('report.ready');
    expect(event.data).toMatchObject({ id: report.id, type: 'ticket_summary', status: 'READY', rowCount: 1 });
    expect(Math.abs(Number(message.headers['webhook-timestamp']) * 1000 - Date.now())).toBeLessThan(5 * 60_000);
    // Another key does not verify it: the signature is really over this message with this secret.
    expect(() => verify(endpointB.secret, message)).toThrow();
    expect(() => new Webhook(endpointA.secret).verify(message.body.replace('READY', 'ERROR'), message.headers as Record<string, string>)).toThrow();

    // The link in the message downloads the very file the API serves.
    const viaHook = await fetch(event.data.downloadUrl);
    expect(viaHook.status).toBe(200);
    const viaApi = await fetch(new URL((await call(t.adminA, `/api/reports/${report.id}/download`)).headers.get('location')!, stack.baseUrl));
    const file = Buffer.from(await viaHook.arrayBuffer());
    expect(file.equals(Buffer.from(await viaApi.arrayBuffer()))).toBe(true);
    expect(file.toString('utf8')).toContain('5511955554444');
    expect(new Date(event.data.expiresAt).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);

    const deliveries = (await (await call(t.adminA, `/api/webhook-endpoints/${endpointA.id}/deliveries`)).json()) as { deliveries: any[] };
    await until('delivery recorded', async () => {
      const d = (await (await call(t.adminA, `/api/webhook-endpoints/${endpointA.id}/deliveries`)).json()) as { deliveries: any[] };
      return d.deliveries[0]?.status === 'DELIVERED';
    });
    expect(deliveries.deliveries).toHaveLength(1);
    expect(deliveries.deliveries[0]).toMatchObject({ id: message.headers['webhook-id'], reportId: report.id, channel: 'webhook', target: receiver.url('/ready-a') });

    // B's report reaches B only.
    const createdB = await call(t.adminB, '/api/reports', 'POST', SUMMARY);
    const reportB = (await createdB.json()) as { id: string };
    expect((await stack.waitForReport(reportB.id, t.adminB)).status).toBe('READY');
    const [messageB] = await until('report.ready at B', async () => at('/ready-b').length > 0 && at('/ready-b'));
    expect(verify(endpointB.secret, messageB).data.id).toBe(reportB.id);
    expect(at('/ready-a').map((m) => JSON.parse(m.body).data.id)).toEqual([report.id]);
    expect(at('/ready-b').map((m) => JSON.parse(m.body).data.id)).toEqual([reportB.id]);
    expect(at('/failed-only-a')).toHaveLength(0);
    const [{ count }] = await stack.sql<{ count: number }[]>`
      select count(*)::int as count from reports.deliveries where endpoint_id = ${failedOnly.id}`;
    expect(count).toBe(0);
    for (const [token, id] of [[t.adminA, endpointA.id], [t.adminA, failedOnly.id], [t.adminB, endpointB.id]]) {
      await call(token, `/api/webhook-endpoints/${id}`, 'DELETE');
    }
  });

  it('when a report ends in ERROR, then report.failed carries its message, signed', async () => {
    const endpoint = await register(t.adminA, '/failed', ['report.failed']);
    const contact = await createContact(stack.sql, a.id, 'Maria', '5511988887777');
    const ticket = await createTicket(stack.sql, a.id, { contactId: contact, whatsappId: a.whatsapp, createdAt: '2026-10-01T12:00:00Z' });
    await createMessage(stack.sql, a.id, { ticketId: ticket, contactId: contact, createdAt: '2026-10-01T12:00:05Z', from: 'customer', body: 'Oi' });
    const res = await call(t.adminA, `/api/tickets/${ticket}/export`, 'POST');
    expect(res.status).toBe(202);
    const report = (await res.json()) as { id: string };
    const done = await stack.waitForReport(report.id, t.adminA, 30_000);
    expect(done.status).toBe('ERROR');
    const [message] = await until('report.failed', async () => at('/failed').length > 0 && at('/failed'));
    const event = verify(endpoint.secret, message);
    expect(event).toMatchObject({ type: 'report.failed', data: { id: report.id, status: 'ERROR', error: { message: done.error.message } } });
    expect(event.data).not.toHaveProperty('downloadUrl');
    await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}`, 'DELETE');
  });

  it('when the receiver answers 500 twice then 200, then it gets the same webhook-id three times and the delivery is DELIVERED after 3 attempts', async () => {
    const endpoint = await register(t.adminA, '/flaky');
    receiver.answer('/flaky', { status: 500, body: 'indisponível' }, { status: 500, body: 'indisponível' });
    const res = await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}/test`, 'POST');
    expect(res.status).toBe(200);
    const first = (await res.json()) as Record<string, any>;
    expect(first).toMatchObject({ status: 'PENDING', attempts: 1, event: 'webhook.test', lastError: 'O destino respondeu HTTP 500: indisponível' });
    const delivered = await until('delivered', async () => {
      const d = (await (await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}/deliveries`)).json()) as { deliveries: any[] };
      return d.deliveries[0]?.status === 'DELIVERED' && d.deliveries[0];
    });
    expect(delivered).toMatchObject({ id: first.id, attempts: 3, lastError: null });
    expect(delivered.deliveredAt).not.toBeNull();
    const got = at('/flaky');
    expect(got).toHaveLength(3);
    expect(new Set(got.map((m) => m.headers['webhook-id']))).toEqual(new Set([first.id]));
    for (const m of got) expect(verify(endpoint.secret, m).type).toBe('webhook.test');
    const attempts = await stack.sql<{ attempt: number; httpStatus: number }[]>`
      select attempt, http_status as "httpStatus" from reports.delivery_attempts where delivery_id = ${first.id} order by attempt`;
    expect(attempts).toEqual([{ attempt: 1, httpStatus: 500 }, { attempt: 2, httpStatus: 500 }, { attempt: 3, httpStatus: 200 }]);
    // The delivery's log as an operator reads it (docs/delivery.md).
    const log = await stack.sql<{ attempt: number; at: Date; httpStatus: number | null; error: string | null }[]>`
      select attempt, at, http_status as "httpStatus", error from reports.delivery_attempts where delivery_id = ${first.id} order by attempt`;
    console.log(`[webhook delivery] ${JSON.stringify({ status: delivered.status, attempts: delivered.attempts, event: delivered.event })}\n` +
      log.map((a) => `  attempt ${a.attempt} at ${a.at.toISOString()}: HTTP ${a.httpStatus ?? '-'}${a.error ? ` (${a.error})` : ''}`).join('\n'));
    await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}`, 'DELETE');
  });

  it('when the receiver never answers 2xx, then every wait is used and the delivery is FAILED with its last answer', async () => {
    const endpoint = await register(t.adminA, '/down');
    receiver.answer('/down', ...Array.from({ length: 5 }, () => ({ status: 503, body: 'fora do ar' })));
    const first = (await (await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}/test`, 'POST')).json()) as { id: string };
    const failed = await until('failed', async () => {
      const d = (await (await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}/deliveries`)).json()) as { deliveries: any[] };
      return d.deliveries[0]?.status === 'FAILED' && d.deliveries[0];
    });
    expect(failed).toMatchObject({ id: first.id, attempts: 3, lastError: 'O destino respondeu HTTP 503: fora do ar', deliveredAt: null });
    expect(at('/down')).toHaveLength(3);

    // Redelivered once the receiver is back: the same message (same webhook-id), a fourth attempt.
    const retryPath = `/api/webhook-endpoints/${endpoint.id}/deliveries/${first.id}/retry`;
    expect((await call(t.supervisorA, retryPath, 'POST')).status).toBe(403);
    expect((await call(t.adminB, retryPath, 'POST')).status).toBe(404);
    receiver.answer('/down');
    const retried = await call(t.adminA, retryPath, 'POST');
    expect(retried.status).toBe(202);
    expect(await retried.json()).toMatchObject({ id: first.id, status: 'PENDING', lastError: null });
    const redelivered = await until('redelivered', async () => {
      const d = (await (await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}/deliveries`)).json()) as { deliveries: any[] };
      return d.deliveries[0]?.status === 'DELIVERED' && d.deliveries[0];
    });
    expect(redelivered).toMatchObject({ id: first.id, attempts: 4 });
    expect(at('/down').map((m) => m.headers['webhook-id'])).toEqual([first.id, first.id, first.id, first.id]);
    expect(verify(endpoint.secret, at('/down')[3]).type).toBe('webhook.test');
    expect((await call(t.adminA, retryPath, 'POST')).status).toBe(409);
    expect((await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}/deliveries/00000000-0000-4000-8000-000000000000/retry`, 'POST')).status).toBe(404);
    await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}`, 'DELETE');
  });

  it('when the receiver answers with a redirect, then it is not followed and counts as a failed attempt', async () => {
    const endpoint = await register(t.adminA, '/moved');
    receiver.answer('/moved', ...Array.from({ length: 3 }, () => ({ status: 302, headers: { location: receiver.url('/elsewhere') } })));
    const first = (await (await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}/test`, 'POST')).json()) as Record<string, unknown>;
    expect(first).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'O destino respondeu HTTP 302' });
    expect(at('/elsewhere')).toHaveLength(0);
    await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}`, 'DELETE');
  });

  describe('with WEBHOOK_ALLOW_PRIVATE=false', () => {
    let strict: Server;
    let strictUrl: string;

    beforeAll(async () => {
      strict = createServer(buildApp({
        sql: stack.sql, storage: stack.storage, workflows: stack.workflows, jwtSecret: stack.jwtSecret,
        delivery: { rules: { allowPrivate: false, httpsOnly: false }, retryDelaysSeconds: [1] },
      }));
      await new Promise<void>((resolve) => strict.listen(0, '127.0.0.1', resolve));
      strictUrl = `http://127.0.0.1:${(strict.address() as { port: number }).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => strict.close(() => resolve())));

    it('when the URL is loopback, private, link-local or multicast, then 400 naming url', async () => {
      for (const url of [
        receiver.url('/private'), 'http://localhost:9/x', 'http://10.1.2.3/x', 'http://172.16.0.1/x', 'http://192.168.1.1/x',
        'http://169.254.169.254/latest/meta-data', 'http://[::1]:9/x', 'http://[fe80::1]/x', 'http://224.0.0.1/x',
        'http://[::ffff:127.0.0.1]/x', 'http://0.0.0.0/x',
      ]) {
        const res = await fetch(`${strictUrl}/api/webhook-endpoints`, {
          method: 'POST', headers: { authorization: `Bearer ${t.adminA}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url, events: ['report.ready'] }),
        });
        expect(res.status, url).toBe(400);
        const body = (await res.json()) as { errors: { path: string; message: string }[] };
        expect(body.errors[0].path).toBe('url');
      }
      expect(at('/private')).toHaveLength(0);
    });

    it('when an endpoint registered while allowed points inside at send time, then the send is refused and nothing reaches it', async () => {
      // Registered by the permissive API under a name; the strict worker resolves the name again and refuses.
      const url = receiver.url('/later-private').replace('127.0.0.1', 'localhost');
      const res = await call(t.adminA, '/api/webhook-endpoints', 'POST', { url, events: ['report.ready'] });
      expect(res.status).toBe(201);
      const endpoint = (await res.json()) as { id: string };
      const [delivery] = await stack.sql<{ id: string }[]>`
        insert into reports.deliveries (id, company_id, endpoint_id, channel, target, event, body)
        values (gen_random_uuid(), ${a.id}, ${endpoint.id}, 'webhook', ${url}, 'webhook.test', '{}') returning id`;
      const strictWorker = createDeliveryActivities({ sql: stack.sql, storage: stack.storage, webhookRules: { allowPrivate: false, httpsOnly: false } });
      expect(await strictWorker.attemptWebhookDelivery(delivery.id)).toEqual({ done: false });
      const [row] = await stack.sql<{ attempts: number; lastError: string }[]>`
        select attempts, last_error as "lastError" from reports.deliveries where id = ${delivery.id}`;
      expect(row.attempts).toBe(1);
      expect(row.lastError).toMatch(/^Endereço recusado: aponta para um endereço interno \((127\.0\.0\.1|::1)\)/);
      expect(at('/later-private')).toHaveLength(0);
      // The same delivery through the permissive rules is sent: the refusal came from the rules, not the receiver.
      const permissive = createDeliveryActivities({ sql: stack.sql, storage: stack.storage, webhookRules: { allowPrivate: true, httpsOnly: false } });
      expect(await permissive.attemptWebhookDelivery(delivery.id)).toEqual({ done: true });
      expect(at('/later-private')).toHaveLength(1);
      await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}`, 'DELETE');
    });

    it('when production asks for https, then an http URL is refused naming url', async () => {
      const production = createServer(buildApp({
        sql: stack.sql, storage: stack.storage, workflows: stack.workflows, jwtSecret: stack.jwtSecret,
        delivery: { rules: { allowPrivate: true, httpsOnly: true }, retryDelaysSeconds: [1] },
      }));
      await new Promise<void>((resolve) => production.listen(0, '127.0.0.1', resolve));
      try {
        const res = await fetch(`http://127.0.0.1:${(production.address() as { port: number }).port}/api/webhook-endpoints`, {
          method: 'POST', headers: { authorization: `Bearer ${t.adminA}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url: receiver.url('/plain'), events: ['report.ready'] }),
        });
        expect(res.status).toBe(400);
        expect(((await res.json()) as { errors: { path: string; message: string }[] }).errors[0]).toEqual({ path: 'url', message: 'url: deve começar com https://' });
      } finally {
        await new Promise<void>((resolve) => production.close(() => resolve()));
      }
    });
  });

  it('when Temporal is unreachable, then a test and a redelivery answer 503 and the deliveries say FAILED with why', async () => {
    const endpoint = await register(t.adminA, '/no-temporal');
    const [failed] = await stack.sql<{ id: string }[]>`
      insert into reports.deliveries (id, company_id, endpoint_id, channel, target, event, body, status, attempts, last_error)
      values (gen_random_uuid(), ${a.id}, ${endpoint.id}, 'webhook', ${endpoint.url}, 'webhook.test', '{}', 'FAILED', 7, 'HTTP 500')
      returning id`;
    const services = testServices();
    const broken = await ReportWorkflows.connect({ address: services.temporalAddress, namespace: services.temporalNamespace, taskQueue: stack.taskQueue });
    await broken.close();
    const server = createServer(buildApp({ sql: stack.sql, storage: stack.storage, workflows: broken, jwtSecret: stack.jwtSecret }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const post = (path: string) => fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}${path}`, {
      method: 'POST', headers: { authorization: `Bearer ${t.adminA}` },
    });
    try {
      const test = await post(`/api/webhook-endpoints/${endpoint.id}/test`);
      expect(test.status).toBe(503);
      expect(test.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const retry = await post(`/api/webhook-endpoints/${endpoint.id}/deliveries/${failed.id}/retry`);
      expect(retry.status).toBe(503);
      const rows = await stack.sql<{ id: string; event: string; status: string; lastError: string }[]>`
        select id, event, status, last_error as "lastError" from reports.deliveries where endpoint_id = ${endpoint.id} order by created_at`;
      expect(rows).toEqual([
        { id: failed.id, event: 'webhook.test', status: 'FAILED', lastError: 'HTTP 500' },
        { id: expect.any(String), event: 'webhook.test', status: 'FAILED', lastError: expect.stringMatching(/^O serviço de entregas está indisponível: nada foi enviado/) },
      ]);
      expect(at('/no-temporal')).toHaveLength(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await call(t.adminA, `/api/webhook-endpoints/${endpoint.id}`, 'DELETE');
    }
  });
});
