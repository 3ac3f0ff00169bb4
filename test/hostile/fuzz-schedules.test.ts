// Hostile input: schedules and webhook endpoints fuzzed with generated bodies (fast-check). Whatever comes in,
// the answer is never a 5xx: it is problem details, and a refused body leaves nothing behind.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useStack, useCompany } from '../setup/reports-api';

const hostileString = fc.oneof(
  fc.string(), fc.string({ unit: 'binary' }),
  fc.constantFrom("' OR '1'='1", '\u0000', 'a\u0000b', '\ud800', '\u202e', '🚀'.repeat(40), '__proto__', '', '08:00', '25:61', 'last_week',
    'http://127.0.0.1/x', 'javascript:alert(1)', 'file:///etc/passwd', 'https://exemplo.com.br/hook', 'admin@exemplo.com.br'),
  fc.string({ minLength: 3_000, maxLength: 8_000 }),
);
const { value: hostileJson } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(hostileString, tie('value'), { maxKeys: 4 })),
}));

const VALID = { name: 'Semana', type: 'login_logout', filters: { period: 'last_week' }, cadence: { every: 'week', weekday: 1, at: '08:00' } };
const FIELDS = ['name', 'type', 'filters', 'format', 'cadence', 'recipients', 'paused', '__proto__', 'constructor'] as const;
const scheduleBody = fc.oneof(
  fc.record({ field: fc.constantFrom(...FIELDS), value: hostileJson }).map(({ field, value }) => ({ ...VALID, [field]: value })),
  fc.record({ field: fc.constantFrom('at', 'every', 'weekday', 'dayOfMonth'), value: hostileJson })
    .map(({ field, value }) => ({ ...VALID, cadence: { ...VALID.cadence, [field]: value } })),
  fc.record({ field: fc.constantFrom('emails', 'webhookEndpointIds'), value: fc.oneof(hostileJson, fc.array(hostileString, { maxLength: 12 })) })
    .map(({ field, value }) => ({ ...VALID, recipients: { [field]: value } })),
  fc.record({ value: hostileJson }).map(({ value }) => ({ ...VALID, filters: { period: value } })),
  hostileJson,
);
const endpointBody = fc.oneof(
  fc.record({ url: hostileJson, events: fc.constant(['report.ready']) }),
  fc.record({ url: fc.constant('http://127.0.0.1:9/hook'), events: hostileJson, description: fc.option(hostileJson) }),
  hostileJson,
);

describe('fuzzed schedules and webhook endpoints', () => {
  const stack = useStack();
  const company = useCompany(stack, 'Fuzz');

  const send = (path: string, method: string, body: unknown) =>
    stack.api(path, { method, token: company.token, body: JSON.stringify(body) });

  async function expectNo5xx(res: Response, body: unknown): Promise<Record<string, any>> {
    expect(res.status, JSON.stringify(body)?.slice(0, 300)).toBeLessThan(500);
    if (res.status >= 400) expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    return (await res.json()) as Record<string, any>;
  }

  it('when POST /api/report-schedules gets anything, then it answers 201 or a 4xx problem, and only 201 leaves a schedule', async () => {
    await fc.assert(fc.asyncProperty(scheduleBody, async (body) => {
      const res = await send('/api/report-schedules', 'POST', body);
      const answer = await expectNo5xx(res, body);
      expect([201, 400, 403, 409]).toContain(res.status);
      if (res.status === 201) expect((await send(`/api/report-schedules/${answer.id}`, 'DELETE', undefined)).status).toBe(204);
      if (res.status === 400) expect(typeof answer.detail).toBe('string');
    }), { numRuns: 120 });
    const [{ count }] = await stack.sql<{ count: number }[]>`select count(*)::int as count from reports.report_schedules`;
    expect(count).toBe(0);
  }, 180_000);

  it('when PATCH /api/report-schedules/:id gets anything, then never a 5xx, and a refused change changes nothing', async () => {
    const created = (await (await send('/api/report-schedules', 'POST', VALID)).json()) as { id: string };
    await fc.assert(fc.asyncProperty(scheduleBody, async (body) => {
      const before = await stack.sql`select name, cadence, filters, paused from reports.report_schedules where id = ${created.id}`;
      const res = await send(`/api/report-schedules/${created.id}`, 'PATCH', body);
      await expectNo5xx(res, body);
      if (res.status !== 200) {
        expect(await stack.sql`select name, cadence, filters, paused from reports.report_schedules where id = ${created.id}`).toEqual(before);
      }
    }), { numRuns: 80 });
  }, 180_000);

  it('when POST /api/webhook-endpoints gets anything, then it answers 201 or a 4xx problem', async () => {
    await fc.assert(fc.asyncProperty(endpointBody, async (body) => {
      const res = await send('/api/webhook-endpoints', 'POST', body);
      const answer = await expectNo5xx(res, body);
      expect([201, 400]).toContain(res.status);
      if (res.status === 201) expect((await send(`/api/webhook-endpoints/${answer.id}`, 'DELETE', undefined)).status).toBe(204);
    }), { numRuns: 120 });
  }, 180_000);
});
