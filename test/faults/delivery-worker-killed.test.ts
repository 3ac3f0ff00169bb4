// A worker SIGKILLed while a webhook delivery waits between attempts: another worker sends the next attempt,
// as the same message, and a receiver that answered 2xx never hears it again.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitOf, startFaultHarness, type FaultHarness } from '../setup/fault-harness';
import { until } from '../setup/until';
import { startWebhookReceiver, type WebhookReceiver } from '../setup/webhook-receiver';

describe('fault: worker killed between delivery attempts', () => {
  let h: FaultHarness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    // Five seconds between attempts: the kill lands inside the wait, not after the second attempt.
    h = await startFaultHarness({ storage: 'local', workerEnv: { DELIVERY_RETRY_DELAYS: '5,5' } });
    receiver = await startWebhookReceiver();
    await h.startWorker('worker-1');
  }, 600_000);

  afterAll(async () => {
    await receiver?.close();
    await h?.stop();
  });

  it('when the worker dies during the wait and another starts, then the delivery ends DELIVERED with the same webhook-id, once', async () => {
    const res = await h.api('/api/webhook-endpoints', {
      method: 'POST', token: h.token, body: JSON.stringify({ url: receiver.url('/killed'), events: ['report.ready'] }),
    });
    expect(res.status).toBe(201);
    const { secret } = (await res.json()) as { secret: string };
    receiver.answer('/killed', { status: 500, body: 'ainda não' });
    const id = await h.requestReport({ type: 'login_logout', filters: { from: '2026-10-01', to: '2026-10-31' } });
    expect((await h.waitForReport(id)).status).toBe('READY');

    await until('first attempt recorded', async () => {
      const [d] = await h.sql<{ attempts: number }[]>`select attempts from reports.deliveries where report_id = ${id}`;
      return d?.attempts === 1 && receiver.received.length === 1;
    });
    const [first] = h.workers;
    first.signal('SIGKILL');
    expect(await exitOf(first)).toEqual({ code: null, signal: 'SIGKILL' });

    await h.startWorker('worker-2');
    const delivered = await until('delivered by the second worker', async () => {
      const [d] = await h.sql<{ id: string; status: string; attempts: number }[]>`
        select id, status, attempts from reports.deliveries where report_id = ${id}`;
      return d?.status === 'DELIVERED' && d;
    }, 120_000);
    expect(delivered.attempts).toBe(2);
    const got = receiver.received.filter((r) => r.path === '/killed');
    expect(got.map((m) => m.headers['webhook-id'])).toEqual([delivered.id, delivered.id]);
    expect((new Webhook(secret).verify(got[1].body, got[1].headers as Record<string, string>) as { data: { id: string } }).data.id).toBe(id);

    // The delivery's run is over: nothing is left to resend after the 2xx.
    const outcome = await h.workflows.client.workflow.getHandle(`delivery-${delivered.id}`).result();
    expect(outcome).toEqual({ delivered: true, attempts: 2 });
    expect(receiver.received.filter((r) => r.path === '/killed')).toHaveLength(2);
  });
});
