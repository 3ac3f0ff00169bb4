import { beforeAll, describe, expect, it } from 'vitest';
import { parseReportCsv } from '../setup/csv';
import { createCompany, createContact, createMessage, createMessagesInBulk, createQueue, createTicket, createTracking, createUser, createWhatsapp } from '../setup/rows';
import { csvFile, expectWholeCsv, ReportsApi, useCompany, useStack } from '../setup/reports-api';
import type { Stack } from '../setup/stack';
import { describeStreaming } from '../setup/suites/streaming';

const TYPE = 'service_history';
const HEADER = 'ID do ticket;ID do tracking;Mensagem;Data de envio;Quem enviou;Operador que enviou;Número do contato;Número do WhatsApp;Operador responsável;Fila;Status do ticket;Contrato';
const OCTOBER = { from: '2026-10-01', to: '2026-10-31' };

describe('service_history through the HTTP API', () => {
  const stack = useStack();
  const sp = useCompany(stack, 'Loja São Paulo');
  const other = useCompany(stack, 'OUTRA-EMPRESA', 'America/Manaus');
  let ids: Record<string, number>;

  beforeAll(async () => {
  const { sql } = stack;

    const ana = await createUser(sql, sp.id, 'Ana Souza', 'user');
    const bruno = await createUser(sql, sp.id, '=Bruno Lima', 'user');
    const suporte = await createQueue(sql, sp.id, 'Suporte');
    const vendas = await createQueue(sql, sp.id, 'Vendas');
    const vendasWhatsapp = await createWhatsapp(sql, sp.id, { name: 'Vendas', number: '5511955554444', wabaId: 'waba-2' });
    const maria = await createContact(sql, sp.id, 'Maria Conceição', '5511988887777');
    const joao = await createContact(sql, sp.id, 'João', '5521977776666');

    // The ticket's state is today's; its messages are from October whatever the ticket's own dates.
    const t1 = await createTicket(sql, sp.id, {
      contactId: maria, whatsappId: sp.whatsapp, createdAt: '2026-09-20T12:00:00Z', queueId: suporte, userId: ana, status: 'open', contract: '=HYPERLINK("x")',
    });
    const t2 = await createTicket(sql, sp.id, {
      contactId: joao, whatsappId: vendasWhatsapp, createdAt: '2026-10-04T12:00:00Z', queueId: vendas, userId: bruno, status: 'closed', contract: 'CT-9',
    });
    const t3 = await createTicket(sql, sp.id, { contactId: joao, whatsappId: sp.whatsapp, createdAt: '2026-10-09T12:00:00Z', status: 'pending' });
    const tr1 = await createTracking(sql, sp.id, { ticketId: t1, whatsappId: sp.whatsapp, createdAt: '2026-09-20T12:00:00Z', userId: ana, queueId: suporte });
    const tr2 = await createTracking(sql, sp.id, { ticketId: t2, whatsappId: vendasWhatsapp, createdAt: '2026-10-04T12:00:00Z', userId: bruno, queueId: vendas });

    // Inserted out of order, so that neither ids nor times alone give the report's order.
    await createMessage(sql, sp.id, { ticketId: t2, contactId: joao, trackingId: tr2, from: { operator: ana }, body: 'Pedido 🚀 entregue', createdAt: '2026-11-01T02:59:59Z' });
    await createMessage(sql, sp.id, { ticketId: t2, contactId: joao, trackingId: tr2, mediaType: 'image', body: 'IMG-20261005-WA0001.jpg', createdAt: '2026-10-05T10:00:00Z' });
    await createMessage(sql, sp.id, { ticketId: t2, contactId: joao, trackingId: tr2, body: 'depois do fim', createdAt: '2026-11-01T03:00:00Z' });
    // Same instant on 00:00:00 of `from`: the lower id first (the operator's here).
    await createMessage(sql, sp.id, { ticketId: t1, contactId: maria, trackingId: tr1, from: { operator: bruno }, body: '-5 reais de desconto', createdAt: '2026-10-01T03:00:00Z' });
    await createMessage(sql, sp.id, { ticketId: t1, contactId: maria, trackingId: tr1, body: 'Olá; preciso de "ajuda"\r\nurgente', createdAt: '2026-10-01T03:00:00Z' });
    await createMessage(sql, sp.id, { ticketId: t1, contactId: maria, trackingId: tr1, from: 'system', body: 'Atendimento encerrado pelo sistema', createdAt: '2026-10-20T12:00:00Z' });
    await createMessage(sql, sp.id, { ticketId: t1, contactId: maria, trackingId: tr1, body: 'antes do início', createdAt: '2026-10-01T02:59:59Z' });
    await createMessage(sql, sp.id, { ticketId: t3, contactId: joao, body: '@suporte cadê meu pedido?', createdAt: '2026-10-10T10:00:00Z' });

    const otherUser = await createUser(sql, other.id, 'OUTRA-EMPRESA operadora', 'user');
    const otherQueue = await createQueue(sql, other.id, 'OUTRA-EMPRESA fila');
    const otherContact = await createContact(sql, other.id, 'OUTRA-EMPRESA contato', '5592911112222');
    const otherTicket = await createTicket(sql, other.id, {
      contactId: otherContact, whatsappId: other.whatsapp, createdAt: '2026-10-10T12:00:00Z', queueId: otherQueue, userId: otherUser, contract: 'OUTRA-EMPRESA',
    });
    await createMessage(sql, other.id, { ticketId: otherTicket, contactId: otherContact, from: { operator: otherUser }, body: 'OUTRA-EMPRESA segredo', createdAt: '2026-10-15T12:00:00Z' });
    ids = { ana, bruno, suporte, vendas, t1, t2, t3, tr1, tr2, otherUser, otherQueue };
  }, 120_000);

  const t1Rows = () => {
    const tail = `5511988887777;5511900000000;Ana Souza;Suporte;Aberto;"'=HYPERLINK(""x"")"`;
    return [
      `${ids.t1};${ids.tr1};'-5 reais de desconto;01/10/2026 00:00:00;Operador;'=Bruno Lima;${tail}`,
      `${ids.t1};${ids.tr1};"Olá; preciso de ""ajuda""\r\nurgente";01/10/2026 00:00:00;Cliente;;${tail}`,
      `${ids.t1};${ids.tr1};Atendimento encerrado pelo sistema;20/10/2026 09:00:00;Sistema;;${tail}`,
    ];
  };
  const t2Rows = () => {
    const tail = `5521977776666;5511955554444;'=Bruno Lima;Vendas;Fechado;CT-9`;
    return [
      `${ids.t2};${ids.tr2};IMG-20261005-WA0001.jpg;05/10/2026 07:00:00;Cliente;;${tail}`,
      `${ids.t2};${ids.tr2};Pedido 🚀 entregue;31/10/2026 23:59:59;Operador;Ana Souza;${tail}`,
    ];
  };
  const t3Rows = () => [`${ids.t3};;'@suporte cadê meu pedido?;10/10/2026 07:00:00;Cliente;;5521977776666;5511900000000;;;Pendente;`];

  it('when a month is asked with no other filter, then every message of it comes ticket by ticket, cell by cell', async () => {
    const { report, bytes } = await new ReportsApi(stack, sp.token).run(TYPE, OCTOBER);
    expectWholeCsv(report, bytes, csvFile(HEADER, [...t1Rows(), ...t2Rows(), ...t3Rows()]), 'historico-de-atendimento_2026-10-01_2026-10-31.csv', 6);
  });

  it('when every filter is set, then only the messages of matching tickets remain, cell by cell', async () => {
    const { report, bytes } = await new ReportsApi(stack, sp.token).run(TYPE, {
      ...OCTOBER, statuses: ['open', 'closed'], queueIds: [ids.suporte, ids.vendas], userIds: [ids.ana],
    });
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, t1Rows()));
    expect(report).toMatchObject({ rowCount: 3, progress: { rows: 3, totalRows: 3 } });
  });

  it.each([
    ['a status', { statuses: ['pending'] }, ['t3']],
    ['two statuses', { statuses: ['open', 'paused'] }, ['t1']],
    ['a queue', { queueIds: ['vendas'] }, ['t2']],
    // Bruno sent a message in t1, but only t2 is his now.
    ['the responsible operator', { userIds: ['bruno'] }, ['t2']],
    ['two operators', { userIds: ['ana', 'bruno'] }, ['t1', 't2']],
  ])('when filtered by %s, then only those tickets remain', async (_what, filter, tickets) => {
    const resolved = Object.fromEntries(Object.entries(filter).map(([k, v]) => [k, k === 'statuses' ? v : v.map((name) => ids[name])]));
    const { bytes } = await new ReportsApi(stack, sp.token).run(TYPE, { ...OCTOBER, ...resolved });
    const rowsOf: Record<string, () => string[]> = { t1: t1Rows, t2: t2Rows, t3: t3Rows };
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, tickets.flatMap((t) => rowsOf[t]())));
  });

  it('when nothing matches, then the file is READY with only the header', async () => {
    const { report, bytes } = await new ReportsApi(stack, sp.token).run(TYPE, { ...OCTOBER, userIds: [sp.admin] });
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, []));
    expect(report).toMatchObject({ rowCount: 0, progress: { rows: 0, totalRows: 0 } });
  });

  it('when the company is in Manaus, then the day runs from 00:00:00 to 23:59:59 Manaus time', async () => {
    const manaus = await createCompany(stack.sql, 'Óticas Manaus', 'America/Manaus');
    const contact = await createContact(stack.sql, manaus.id, 'Cliente Manaus', '5592933334444');
    const ticket = await createTicket(stack.sql, manaus.id, { contactId: contact, whatsappId: manaus.whatsapp, createdAt: '2026-11-30T12:00:00Z' });
    for (const [body, createdAt] of [['antes', '2026-12-01T03:59:59Z'], ['primeira', '2026-12-01T04:00:00Z'], ['última', '2026-12-02T03:59:59Z'], ['depois', '2026-12-02T04:00:00Z']]) {
      await createMessage(stack.sql, manaus.id, { ticketId: ticket, contactId: contact, body, createdAt });
    }
    const manausToken = stack.tokenFor({ id: manaus.admin, companyId: manaus.id });
    const { bytes } = await new ReportsApi(stack, manausToken).run(TYPE, { from: '2026-12-01', to: '2026-12-01' });
    expect(parseReportCsv(bytes).slice(1).map((r) => [r[2], r[3]])).toEqual([
      ['primeira', '01/12/2026 00:00:00'],
      ['última', '01/12/2026 23:59:59'],
    ]);
  });

  it.each([
    ['no dates', {}, ['filters.from', 'filters.to']],
    ['no to', { from: '2026-10-01' }, ['filters.to']],
    ['from after to', { from: '2026-10-02', to: '2026-10-01' }, ['filters.from']],
    ['32 days', { from: '2026-10-01', to: '2026-11-01' }, ['filters.to']],
    ['a date in the wrong format', { from: '01/10/2026', to: '2026-10-31' }, ['filters.from']],
    ['an unknown status', { ...OCTOBER, statuses: ['open', 'lost'] }, ['filters.statuses.1']],
    ['a queue id as text', { ...OCTOBER, queueIds: ['1'] }, ['filters.queueIds.0']],
    ['userIds not a list', { ...OCTOBER, userIds: 5 }, ['filters.userIds']],
    ['an unknown filter', { ...OCTOBER, contactNumber: '5511' }, ['filters.contactNumber']],
  ])('when the filters have %s, then 400 names %s', async (_what, filters, paths) => {
    const { errors } = await new ReportsApi(stack, sp.token).refusal(TYPE, filters);
    expect(errors.map((e) => e.path)).toEqual(paths);
    for (const e of errors) expect(e.message).toContain(e.path);
  });

  it("when another company's or an unknown id is given, then 400 names its field and position", async () => {
    expect((await new ReportsApi(stack, sp.token).refusal(TYPE, { ...OCTOBER, queueIds: [ids.suporte, ids.otherQueue] })).errors.map((e) => e.path)).toEqual(['filters.queueIds.1']);
    expect((await new ReportsApi(stack, sp.token).refusal(TYPE, { ...OCTOBER, userIds: [ids.otherUser, ids.ana, 999_999] })).errors.map((e) => e.path))
      .toEqual(['filters.userIds.0', 'filters.userIds.2']);
  });
});

const PER_TICKET = 1700;

/** Three tickets of PER_TICKET messages each; the messages of the last ticket are inserted first. */
async function arrangeTickets(stack: Stack) {
  const { sql } = stack;
  const company = await createCompany(sql, 'Central de Atendimento');
  const contact = await createContact(sql, company.id, 'Cliente Frequente', '5511912345678');
  const tickets: number[] = [];
  for (let i = 0; i < 3; i++) tickets.push(await createTicket(sql, company.id, { contactId: contact, whatsappId: company.whatsapp, createdAt: '2026-10-01T12:00:00Z' }));
  for (const [i, ticketId] of [...tickets.entries()].reverse()) {
    await createMessagesInBulk(sql, company.id, { ticketId, contactId: contact, count: PER_TICKET, firstCreatedAt: `2026-10-0${5 - i}T12:00:00Z` });
  }
  return {
    api: new ReportsApi(stack, stack.tokenFor({ id: company.admin, companyId: company.id })), tickets,
    expectRows(rows: string[][]) {
      const expected = tickets.flatMap((t) => Array.from({ length: PER_TICKET }, (_, n) => [String(t), `Mensagem número ${n}; "ok"`]));
      expect(rows.map((r) => [r[0], r[2]])).toEqual(expected);
    },
  };
}

describeStreaming({
  type: TYPE, filters: OCTOBER, rows: 3 * PER_TICKET,
  // Ranges read ahead may hold 8 KB: they outgrow it, give up their COPY and are read again in their turn.
  smallOptions: { aheadBytes: 8192 },
  arrange: (stack) => arrangeTickets(stack),
}, ({ small, recorder }) => {
  it('when a part fails to be stored, then the retry starts at the first range (of tickets) not stored whole and the file is unchanged', async () => {
    const { api, tickets } = await arrangeTickets(small);
    const clean = await api.run(TYPE, OCTOBER);
    // 5,100 rows in ranges of at least 1,000 rows, a ticket never cut: one range per ticket.
    const [{ checkpoint }] = await small.sql<{ checkpoint: { bounds: string[]; ranges: number } }[]>`
      select export_checkpoint as checkpoint from reports.reports where id = ${clean.report.id}`;
    expect(checkpoint).toMatchObject({ bounds: [String(tickets[0]), String(tickets[1])], ranges: 3 });

    // A part in the middle of the last ticket's range fails: the first two ranges are stored whole by then.
    const third = clean.bytes.indexOf(Buffer.from(`\r\n${tickets[2]};`)) + 2;
    expect(third).toBeGreaterThan(clean.bytes.length / 2);
    const stored = recorder().dataParts;
    recorder().failOnceFrom(Math.floor((third + clean.bytes.length) / 2));
    const resumed = await api.run(TYPE, OCTOBER);
    expect(recorder().failures).toBe(1);
    expect(resumed.bytes.equals(clean.bytes)).toBe(true);
    expect(resumed.report).toMatchObject({ rowCount: 3 * PER_TICKET, progress: { rows: 3 * PER_TICKET, totalRows: 3 * PER_TICKET } });
    // The retry started where the third range starts (the first row of the third ticket), and stored each
    // byte after it once more: nothing of the two ranges before it.
    const offsets = recorder().dataOffsets.slice(stored);
    const retried = offsets.findIndex((o, i) => i > 0 && o < offsets[i - 1]);
    expect(retried).toBeGreaterThan(0);
    expect(offsets[retried]).toBe(third);
    expect(offsets.slice(retried).every((o, i, all) => i === 0 || o > all[i - 1])).toBe(true);
  }, 180_000);
});
