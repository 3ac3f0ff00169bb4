// Estatísticas de Atendimento with business hours and a first-response target, through HTTP on real services:
// the same trackings in calendar and in business time, every cell worked out by hand below.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportWorkflowId, USER_MESSAGES } from '../../workflows/definitions';
import { type CompanyFixture, type Sender, createContact, createMessage, createQueue, createTicket, createTracking, createUser } from '../setup/rows';
import { csvFile, ReportsApi, useCompany, useStack } from '../setup/reports-api';
import { type Stack } from '../setup/stack';

const TYPE = 'service_statistics';
const HEADER = 'Fila;Operador;Atendimentos;Finalizados;Taxa de resolução;Tempo médio de espera;Tempo médio de primeira resposta;Tempo médio de atendimento;' +
  'Mediana de espera;P90 de espera;Mediana de primeira resposta;P90 de primeira resposta;Mediana de atendimento;P90 de atendimento;Primeira resposta no prazo';
const RANGE = { from: '2026-10-13', to: '2026-10-23' };
const MON_TO_FRI_8_TO_18 = Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['08:00', '18:00']]]));

/**
 * São Paulo (UTC-3). Hours Monday to Friday 08:00–18:00 (reports.md's example), holiday Wednesday 21/10,
 * target 1800 s. Times local; "bus." = business seconds.
 *
 * | tracking | queue, operator | queued → started             | customer → reply               | started → finished             |
 * | K1       | Suporte, Ana    | Fri 16/10 17:50 → 17:58: 480  | Fri 17:55 → Mon 19/10 08:10:   | Fri 17:58 → Mon 09:00:         |
 * |          |                 | (bus. 480)                    | 224100 (bus. 5 + 10 min = 900) | 226920 (bus. 120 + 3600 = 3720)|
 * | K2       | Suporte, Ana    | Tue 10:00 → 10:02: 120 (120)  | 10:00 → 10:40: 2400 (2400)     | 10:02 → 11:00: 3480 (3480)     |
 * | K3       | Suporte, Bruno  | holiday 09:00 → 09:30: 1800   | 09:00 → 09:20: 1200 (bus. 0)   | unfinished                     |
 * |          |                 | (bus. 0)                      |                                |                                |
 * | K4       | Vendas, Bruno   | Thu 19:00, never started      | 19:05, only a system message   | —                              |
 * | K5       | Vendas, Bruno   | Thu 17:00 → 17:30: 1800 (1800)| 17:01 → 17:21: 1200 (1200)     | Thu 17:30 → Fri 08:30: 54000   |
 * |          |                 |                               |                                | (bus. 1800 + 1800 = 3600)      |
 * | K6       | Vendas, —       | Tue 09:00, never started      | 09:01, no reply                | —                              |
 */
describe('service_statistics: medians, P90, the target, and business time', () => {
  const stack = useStack();
  const c = useCompany(stack, 'Loja Horário');
  const noTarget = useCompany(stack, 'Loja Sem Meta');
  const bare = useCompany(stack, 'Loja Sem Horário');

  beforeAll(async () => {
    await arrange(stack, c, { holidays: ['2026-10-21'], firstResponseTargetSeconds: 1800 });
    await arrange(stack, noTarget, { holidays: ['2026-10-21'], firstResponseTargetSeconds: null });
    await arrange(stack, bare, null);
  }, 120_000);

  it('when timeBasis is calendar (the default), then medians, P90 and the share within the target are exact, cell by cell', async () => {
    const expected = csvFile(HEADER, [
      // K1, K2. Waits {120, 480}: mean = median = 300; P90 = 120 + 0.9 × 360 = 444. Replies {2400, 224100}: mean = median
      // 113250; P90 2400 + 0.9 × 221700 = 201930. Service {3480, 226920}: 115200; P90 3480 + 0.9 × 223440 = 204576.
      // Within 1800 s: neither → 0,00.
      'Suporte;Ana Souza;2;2;100,00;00:05:00;31:27:30;32:00:00;00:05:00;00:07:24;31:27:30;56:05:30;32:00:00;56:49:36;0,00',
      // K3 alone: no service time; its reply (1200 s) is within the target.
      'Suporte;Bruno Lima;1;0;0,00;00:30:00;00:20:00;;00:30:00;00:30:00;00:20:00;00:20:00;;;100,00',
      // K4 (no start, no reply, unfinished) counts only as a tracking; every time is K5's.
      'Vendas;Bruno Lima;2;1;50,00;00:30:00;00:20:00;15:00:00;00:30:00;00:30:00;00:20:00;00:20:00;15:00:00;15:00:00;100,00',
      // K6: a target, but no first response in the row → empty, not 0,00.
      'Vendas;Sem operador;1;0;0,00;;;;;;;;;;',
      // Waits 120, 480, 1800, 1800: mean 1050, median (480 + 1800) / 2 = 1140, P90 at 2.7 = 1800.
      // Replies 1200, 1200, 2400, 224100: mean 57225, median 1800, P90 2400 + 0.7 × 221700 = 157590.
      // Service 3480, 54000, 226920: mean 94800, median 54000, P90 54000 + 0.8 × 172920 = 192336. Within target: 2 of 4.
      'Total;Total;6;3;50,00;00:17:30;15:53:45;26:20:00;00:19:00;00:30:00;00:30:00;43:46:30;15:00:00;53:25:36;50,00',
    ]);
    expect((await new ReportsApi(stack, c.token).run(TYPE, RANGE)).text).toBe(expected);
    expect((await new ReportsApi(stack, c.token).run(TYPE, { ...RANGE, timeBasis: 'calendar' })).text).toBe(expected);
  });

  it('when timeBasis is business, then every time counts only business hours (K1 waited 00:15:00, not 62:15:00)', async () => {
    const { text, report } = await new ReportsApi(stack, c.token).run(TYPE, { ...RANGE, timeBasis: 'business' });
    expect(text).toBe(csvFile(HEADER, [
      // Replies {900, 2400}: 1650, P90 900 + 0.9 × 1500 = 2250. Service {3480, 3720}: 3600, P90 3480 + 0.9 × 240 = 3696.
      // Within target: K1's 900 s is now in, K2's 2400 s out → 50,00.
      'Suporte;Ana Souza;2;2;100,00;00:05:00;00:27:30;01:00:00;00:05:00;00:07:24;00:27:30;00:37:30;01:00:00;01:01:36;50,00',
      // K3 happened on the holiday: 0 s of business time, which is a time (00:00:00), and within the target.
      'Suporte;Bruno Lima;1;0;0,00;00:00:00;00:00:00;;00:00:00;00:00:00;00:00:00;00:00:00;;;100,00',
      'Vendas;Bruno Lima;2;1;50,00;00:30:00;00:20:00;01:00:00;00:30:00;00:30:00;00:20:00;00:20:00;01:00:00;01:00:00;100,00',
      'Vendas;Sem operador;1;0;0,00;;;;;;;;;;',
      // Waits 0, 120, 480, 1800: mean 600, median 300, P90 480 + 0.7 × 1320 = 1404.
      // Replies 0, 900, 1200, 2400: mean 1125, median 1050, P90 1200 + 0.7 × 1200 = 2040. Service 3480, 3600, 3720:
      // mean and median 3600, P90 3600 + 0.8 × 120 = 3696. Within target: 3 of 4.
      'Total;Total;6;3;50,00;00:10:00;00:18:45;01:00:00;00:05:00;00:23:24;00:17:30;00:34:00;01:00:00;01:01:36;75,00',
    ]));
    expect(report.filters).toMatchObject({ timeBasis: 'business' });
  });

  it("when the day holds only reports.md's example (K1), then its reply is 00:15:00 of business time and 62:15:00 of calendar time", async () => {
    const oneDay = { from: '2026-10-16', to: '2026-10-16' };
    // Business: wait 17:50 → 17:58 = 480 s; reply 5 min on Friday + 10 min on Monday; service 120 s + 1 h. 900 s ≤ 1800 s.
    const business = 'Suporte;Ana Souza;1;1;100,00;00:08:00;00:15:00;01:02:00;00:08:00;00:08:00;00:15:00;00:15:00;01:02:00;01:02:00;100,00';
    expect((await new ReportsApi(stack, c.token).run(TYPE, { ...oneDay, timeBasis: 'business' })).text).toBe(csvFile(HEADER, [
      business, business.replace('Suporte;Ana Souza', 'Total;Total'),
    ]));
    // Calendar: the reply took 2 days 14 h 15 min, over the target.
    const calendar = 'Suporte;Ana Souza;1;1;100,00;00:08:00;62:15:00;63:02:00;00:08:00;00:08:00;62:15:00;62:15:00;63:02:00;63:02:00;0,00';
    expect((await new ReportsApi(stack, c.token).run(TYPE, oneDay)).text).toBe(csvFile(HEADER, [
      calendar, calendar.replace('Suporte;Ana Souza', 'Total;Total'),
    ]));
  });

  it('when the company has hours but no target, then "Primeira resposta no prazo" is empty on every row', async () => {
    const t = stack.tokenFor({ id: noTarget.admin, companyId: noTarget.id });
    const { text } = await new ReportsApi(stack, t).run(TYPE, { ...RANGE, timeBasis: 'business' });
    const rows = text.replace('\uFEFF', '').split('\r\n').slice(1, -1);
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(row.split(';')).toHaveLength(15);
    for (const row of rows) expect(row.split(';')[14]).toBe('');
    expect(rows.at(-1)).toBe('Total;Total;6;3;50,00;00:10:00;00:18:45;01:00:00;00:05:00;00:23:24;00:17:30;00:34:00;01:00:00;01:01:36;');
  });

  it('when a company without business hours asks for business time, then 400 names filters.timeBasis; calendar still works', async () => {
    const t = stack.tokenFor({ id: bare.admin, companyId: bare.id });
    expect(await new ReportsApi(stack, t).refusedPaths(TYPE, { ...RANGE, timeBasis: 'business' })).toEqual(['filters.timeBasis']);
    const { text } = await new ReportsApi(stack, t).run(TYPE, RANGE);
    expect(text.split('\r\n').at(-2)).toBe('Total;Total;6;3;50,00;00:17:30;15:53:45;26:20:00;00:19:00;00:30:00;00:30:00;43:46:30;15:00:00;53:25:36;');
  });

  it('when the admin clears the week but keeps a target, then business time is refused again', async () => {
    const t = stack.tokenFor({ id: noTarget.admin, companyId: noTarget.id });
    const put = await stack.api('/api/business-hours', { method: 'PUT', token: t, body: JSON.stringify({ week: {}, firstResponseTargetSeconds: 60 }) });
    expect(put.status).toBe(200);
    expect(await new ReportsApi(stack, t).refusedPaths(TYPE, { ...RANGE, timeBasis: 'business' })).toEqual(['filters.timeBasis']);
  });

  it('when the hours were cleared after a business report was asked for, then it ends in ERROR, not in a file of zeros', async () => {
    // The request passed the check while the company had hours; by the time the export starts it has none.
    const id = randomUUID();
    const filters = { ...RANGE, statuses: [], queueIds: [], userIds: [], timeBasis: 'business' };
    await stack.sql`
      insert into reports.reports (id, company_id, type, format, status, filters, requested_by, workflow_id)
      values (${id}, ${bare.id}, ${TYPE}, 'csv', 'PROCESSING', ${stack.sql.json(filters)}, ${bare.admin}, ${reportWorkflowId(id)})`;
    await stack.workflows.start({ reportId: id, companyId: bare.id, type: TYPE, format: 'csv' }, {});
    const report = await stack.waitForReport(id, stack.tokenFor({ id: bare.admin, companyId: bare.id }), 60_000);
    expect(report.status).toBe('ERROR');
    expect(report.error).toEqual({ message: USER_MESSAGES.InvalidFilters });
  });

  it.each([
    ['timeBasis is unknown', { ...RANGE, timeBasis: 'wall' }, 'filters.timeBasis'],
    ['timeBasis is not text', { ...RANGE, timeBasis: true }, 'filters.timeBasis'],
  ])('when %s, then 400 names %s', async (_what, filters, path) => {
    expect(await new ReportsApi(stack, c.token).refusedPaths(TYPE, filters)).toEqual([path]);
  });

  it('when Resumo de Atendimentos is given timeBasis, then 400 names it: that report has no durations', async () => {
    expect(await new ReportsApi(stack, c.token).refusedPaths('service_summary', { ...RANGE, timeBasis: 'business' })).toEqual(['filters.timeBasis']);
  });

  it('when the catalogue is read, then service_statistics publishes timeBasis with its two values and its default', async () => {
    const res = await stack.api('/api/report-types', { token: c.token });
    const { reportTypes } = (await res.json()) as { reportTypes: { type: string; filtersSchema: { properties: Record<string, unknown> } }[] };
    const schema = reportTypes.find((r) => r.type === TYPE)!.filtersSchema;
    expect(schema.properties.timeBasis).toMatchObject({ enum: ['calendar', 'business'], default: 'calendar' });
    expect(reportTypes.find((r) => r.type === 'service_summary')!.filtersSchema.properties.timeBasis).toBeUndefined();
  });
});

/** The scenario of the table above, in one company; `hours` null leaves the company without settings. */
async function arrange(stack: Stack, c: CompanyFixture, hours: { holidays: string[]; firstResponseTargetSeconds: number | null } | null) {
  const { sql } = stack;
  if (hours) {
    const res = await stack.api('/api/business-hours', {
      method: 'PUT', token: stack.tokenFor({ id: c.admin, companyId: c.id }), body: JSON.stringify({ week: MON_TO_FRI_8_TO_18, ...hours }),
    });
    expect(res.status).toBe(200);
  }
  const suporte = await createQueue(sql, c.id, 'Suporte');
  const vendas = await createQueue(sql, c.id, 'Vendas');
  const ana = await createUser(sql, c.id, 'Ana Souza', 'user');
  const bruno = await createUser(sql, c.id, 'Bruno Lima', 'user');
  const contact = await createContact(sql, c.id, 'Cliente', '5511977776666');
  const at = (local: string) => `${local}:00-03:00`;
  async function tracking(
    t: { queueId: number; userId: number | null; created: string; started?: string; finished?: string },
    messages: [Sender, string][],
  ) {
    const ticketId = await createTicket(sql, c.id, { contactId: contact, whatsappId: c.whatsapp, createdAt: at(t.created), status: 'open' });
    const id = await createTracking(sql, c.id, {
      ticketId, whatsappId: c.whatsapp, createdAt: at(t.created), queueId: t.queueId, userId: t.userId, queuedAt: at(t.created),
      startedAt: t.started ? at(t.started) : null, finishedAt: t.finished ? at(t.finished) : null,
    });
    for (const [from, when] of messages) await createMessage(sql, c.id, { ticketId, trackingId: id, contactId: contact, from, createdAt: at(when) });
  }
  await tracking({ queueId: suporte, userId: ana, created: '2026-10-16T17:50', started: '2026-10-16T17:58', finished: '2026-10-19T09:00' },
    [['customer', '2026-10-16T17:55'], [{ operator: ana }, '2026-10-19T08:10']]);
  await tracking({ queueId: suporte, userId: ana, created: '2026-10-20T10:00', started: '2026-10-20T10:02', finished: '2026-10-20T11:00' },
    [['customer', '2026-10-20T10:00'], [{ operator: ana }, '2026-10-20T10:40']]);
  await tracking({ queueId: suporte, userId: bruno, created: '2026-10-21T09:00', started: '2026-10-21T09:30' },
    [['customer', '2026-10-21T09:00'], [{ operator: bruno }, '2026-10-21T09:20']]);
  await tracking({ queueId: vendas, userId: bruno, created: '2026-10-22T19:00' },
    [['customer', '2026-10-22T19:05'], ['system', '2026-10-22T19:06']]);
  await tracking({ queueId: vendas, userId: bruno, created: '2026-10-22T17:00', started: '2026-10-22T17:30', finished: '2026-10-23T08:30' },
    [['customer', '2026-10-22T17:01'], [{ operator: bruno }, '2026-10-22T17:21']]);
  await tracking({ queueId: vendas, userId: null, created: '2026-10-20T09:00' }, [['customer', '2026-10-20T09:01']]);
}
