import { beforeAll, describe, expect, it } from 'vitest';
import { parseReportCsv } from '../setup/csv';
import { createContact, createQueue, createTag, createTicket, createUser } from '../setup/rows';
import { ReportsApi, useCompany, useStack } from '../setup/reports-api';

const HEADER = 'ID do ticket;Telefone do contato;Tipo;Data de abertura;Última mensagem;Status;Fila;Ocorrência/Tag;Contrato';

describe.each(['local', 'gcs'] as const)('ticket_summary through the HTTP API, storage %s', (storageKind) => {
  const stack = useStack({ storage: storageKind });
  const sp = useCompany(stack, 'Loja São Paulo');
  const other = useCompany(stack, 'OUTRA-EMPRESA', 'America/Manaus');
  let ids: Record<string, number>;
  let financeiro: number;
  let otherQueue: number;

  beforeAll(async () => {
    const { sql } = stack;

    financeiro = await createQueue(sql, sp.id, 'Financeiro');
    const suporte = await createQueue(sql, sp.id, 'Suporte');
    otherQueue = await createQueue(sql, other.id, 'OUTRA-EMPRESA fila');
    const tags = await Promise.all(['urgente', 'Atraso', 'ébano', '=cmd'].map((n) => createTag(sql, sp.id, n)));
    const maria = await createContact(sql, sp.id, 'Maria Conceição', '5511988887777');
    const joao = await createContact(sql, sp.id, 'João', '5521977776666');
    const outsider = await createContact(sql, other.id, 'OUTRA-EMPRESA contato', '5592911112222');
    const w = sp.whatsapp;

    ids = {
      // 00:00:00 on `from` in São Paulo (UTC-3): included.
      first: await createTicket(sql, sp.id, {
        contactId: maria, whatsappId: w, createdAt: '2026-10-01T03:00:00Z', queueId: suporte, status: 'open',
        lastMessage: 'Olá; o "preço"\r\nmudou?', contract: '=SUM(A1)', tagIds: tags,
      }),
      // 23:59:59 on `to`: included.
      last: await createTicket(sql, sp.id, {
        contactId: joao, whatsappId: w, createdAt: '2026-11-01T02:59:59Z', queueId: financeiro, status: 'closed',
        direction: 'outbound', lastMessage: 'Pedido 🚀 entregue', contract: 'CT-2026/10',
      }),
      // One second before `from`, and 00:00:00 on the day after `to`: excluded.
      before: await createTicket(sql, sp.id, { contactId: joao, whatsappId: w, createdAt: '2026-10-01T02:59:59Z' }),
      after: await createTicket(sql, sp.id, { contactId: joao, whatsappId: w, createdAt: '2026-11-01T03:00:00Z' }),
      outsider: await createTicket(sql, other.id, {
        contactId: outsider, whatsappId: other.whatsapp, createdAt: '2026-10-15T12:00:00Z', lastMessage: 'OUTRA-EMPRESA segredo',
      }),
    };
  }, 120_000);

  const runReport = (filters: Record<string, unknown>) => new ReportsApi(stack, sp.token).run('ticket_summary', filters);

  it('when the whole month is asked, then the file holds exactly the tickets opened in it, cell by cell', async () => {
    const { report, bytes } = await runReport({ from: '2026-10-01', to: '2026-10-31' });
    const expected =
      '\uFEFF' + HEADER + '\r\n' +
      `${ids.first};5511988887777;Receptivo;01/10/2026 00:00:00;"Olá; o ""preço""\r\nmudou?";Aberto;Suporte;'=cmd, Atraso, ébano, urgente;'=SUM(A1)\r\n` +
      `${ids.last};5521977776666;Ativo;31/10/2026 23:59:59;Pedido 🚀 entregue;Fechado;Financeiro;;CT-2026/10\r\n`;
    expect(bytes.toString('utf8')).toBe(expected);
    expect(report).toMatchObject({
      rowCount: 2, sizeBytes: bytes.length, fileName: 'resumo-de-tickets_2026-10-01_2026-10-31.csv', format: 'csv',
      progress: { rows: 2, totalRows: 2, percent: 100 }, error: null, expired: false,
      requestedBy: { id: sp.admin, name: 'Admin Loja São Paulo' }, workflowId: `report-${report.id}`,
    });
    expect(Date.parse(report.expiresAt) - Date.parse(report.finishedAt)).toBe(24 * 3600 * 1000);
    expect(bytes.toString('utf8')).not.toContain('OUTRA-EMPRESA');
  });

  it('when statuses and queues are filtered, then only matching tickets remain', async () => {
    const byStatus = parseReportCsv((await runReport({ from: '2026-10-01', to: '2026-10-31', statuses: ['closed'] })).bytes);
    expect(byStatus.slice(1).map((r) => Number(r[0]))).toEqual([ids.last]);
    const byQueue = parseReportCsv((await runReport({ from: '2026-10-01', to: '2026-10-31', queueIds: [financeiro] })).bytes);
    expect(byQueue.slice(1).map((r) => Number(r[0]))).toEqual([ids.last]);
  });

  it('when nothing matches, then the file is READY with only the header', async () => {
    const { report, bytes } = await runReport({ from: '2020-01-01', to: '2020-01-31' });
    expect(bytes.toString('utf8')).toBe('\uFEFF' + HEADER + '\r\n');
    expect(report.rowCount).toBe(0);
  });

  it("when another company's queue id is given, then the request is refused naming it", async () => {
    const res = await stack.api('/api/reports', {
      method: 'POST', token: sp.token, body: JSON.stringify({ type: 'ticket_summary', filters: { from: '2026-10-01', to: '2026-10-31', queueIds: [financeiro, otherQueue] } }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as { errors: { path: string }[] };
    expect(body.errors.map((e) => e.path)).toEqual(['filters.queueIds.1']);
  });

  it("when a user of another company asks for this company's report, then it is not found", async () => {
    const { report } = await runReport({ from: '2026-10-01', to: '2026-10-02' });
    const outsiderToken = stack.tokenFor({ id: other.admin, companyId: other.id });
    expect((await stack.api(`/api/reports/${report.id}`, { token: outsiderToken })).status).toBe(404);
    expect((await stack.api(`/api/reports/${report.id}/download`, { token: outsiderToken })).status).toBe(404);
    const list = (await (await stack.api('/api/reports', { token: outsiderToken })).json()) as { reports: unknown[] };
    expect(list.reports).toEqual([]);
  });

  if (storageKind === 'local') {
    it('when the company is in Manaus, then days are Manaus days', async () => {
      const contact = await createContact(stack.sql, other.id, 'Cliente Manaus', '5592933334444');
      const inside = await createTicket(stack.sql, other.id, { contactId: contact, whatsappId: other.whatsapp, createdAt: '2026-12-02T03:59:59Z' });
      await createTicket(stack.sql, other.id, { contactId: contact, whatsappId: other.whatsapp, createdAt: '2026-12-02T04:00:00Z' });
      const manausToken = stack.tokenFor({ id: other.admin, companyId: other.id });
      const res = await stack.api('/api/reports', {
        method: 'POST', token: manausToken, body: JSON.stringify({ type: 'ticket_summary', filters: { from: '2026-12-01', to: '2026-12-01' } }),
      });
      const done = await stack.waitForReport(((await res.json()) as { id: string }).id, manausToken);
      const file = await fetch((await stack.api(`/api/reports/${done.id}/download`, { token: manausToken })).headers.get('location')!);
      const rows = parseReportCsv(Buffer.from(await file.arrayBuffer()));
      expect(rows.slice(1).map((r) => [Number(r[0]), r[3]])).toEqual([[inside, '01/12/2026 23:59:59']]);
    });
  }
});

describe('the API says which field is wrong', () => {
  const stack = useStack();
  const company = useCompany(stack, 'Validações Ltda');

  const post = (body: unknown, t: string | undefined = company.token) =>
    stack.api('/api/reports', { method: 'POST', token: t, body: JSON.stringify(body) });

  it.each([
    ['an unknown type', { type: 'nope', filters: {} }, 'type'],
    ['from after to', { type: 'ticket_summary', filters: { from: '2026-10-02', to: '2026-10-01' } }, 'filters.from'],
    ['an unknown filter', { type: 'ticket_summary', filters: { from: '2026-10-01', to: '2026-10-02', color: 'red' } }, 'filters.color'],
    ['a date in the wrong format', { type: 'ticket_summary', filters: { from: '01/10/2026', to: '2026-10-02' } }, 'filters.from'],
    ['a date that does not exist', { type: 'ticket_summary', filters: { from: '2026-02-30', to: '2026-03-02' } }, 'filters.from'],
    ['the year 0000, which PostgreSQL has not', { type: 'ticket_summary', filters: { from: '0000-01-01', to: '0000-01-01' } }, 'filters.from'],
    ['a missing date', { type: 'ticket_summary', filters: { from: '2026-10-01' } }, 'filters.to'],
    ['an unknown status', { type: 'ticket_summary', filters: { from: '2026-10-01', to: '2026-10-02', statuses: ['lost'] } }, 'filters.statuses.0'],
    ['an unknown top-level field', { type: 'ticket_summary', filters: {}, extra: 1 }, 'extra'],
  ])('when the body has %s, then 400 names %s', async (_what, body, path) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { status: number; errors: { path: string; message: string }[] };
    expect(problem.status).toBe(400);
    expect(problem.errors.map((e) => e.path)).toContain(path);
    for (const e of problem.errors) expect(e.message).toContain(e.path);
    const [{ n }] = await stack.sql<{ n: number }[]>`select count(*)::int as n from reports.reports`;
    expect(n).toBe(0);
  });

  it('when the body is not JSON, then 400 says so', async () => {
    const res = await stack.api('/api/reports', { method: 'POST', token: company.token, body: '{"type":' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toContain('JSON');
  });

  it('when there is no company.token, a bad company.token, or a deleted user, then 401', async () => {
    expect((await stack.api('/api/reports')).status).toBe(401);
    expect((await stack.api('/api/reports', { token: 'not-a-jwt' })).status).toBe(401);
    const forged = stack.tokenFor({ id: company.admin, companyId: company.id }).slice(0, -2) + 'xx';
    expect((await stack.api('/api/reports', { token: forged })).status).toBe(401);
    const gone = await createUser(stack.sql, company.id, 'Ex Funcionária', 'admin', { deletedAt: '2026-01-02T00:00:00Z' });
    expect((await stack.api('/api/reports', { token: stack.tokenFor({ id: gone, companyId: company.id }) })).status).toBe(401);
    const wrongCompany = stack.tokenFor({ id: company.admin, companyId: company.id + 999 });
    expect((await stack.api('/api/reports', { token: wrongCompany })).status).toBe(401);
  });

  it('when a report id does not exist, then 404', async () => {
    expect((await stack.api('/api/reports/00000000-0000-0000-0000-000000000000', { token: company.token })).status).toBe(404);
    expect((await stack.api('/api/reports/not-a-uuid', { token: company.token })).status).toBe(404);
  });
});
