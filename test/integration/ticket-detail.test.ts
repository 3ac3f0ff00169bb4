import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_MESSAGES } from '../../workflows/definitions';
import { chromiumLeftAfter, markChromiumLaunchedHere } from '../setup/chromium-processes';
import { bulkMessageLines, createContact, createConversationInBulk, createMessage, createQueue, createTag, createTicket, createTracking, createUser } from '../setup/rows';
import { firstMissingInOrder, pdfPages } from '../setup/pdf';
import { useStack, useCompany } from '../setup/reports-api';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '<img src=x onerror=alert(1)>';
const LONG_LINES = Array.from({ length: 90 }, (_, i) => `Linha ${i + 1} do histórico colado pelo operador`);

markChromiumLaunchedHere();

describe('ticket_detail through the HTTP API', () => {
  const stack = useStack();
  const sp = useCompany(stack, 'Loja São Paulo');
  const other = useCompany(stack, 'OUTRA-EMPRESA', 'America/Manaus');
  let ticket: number;
  let tracking1: number;
  let tracking2: number;
  let otherTicket: number;
  let sameCompanyTicket: number;

  beforeAll(async () => {
    const { sql } = stack;

    const ana = await createUser(sql, sp.id, 'Ana Souza', 'user');
    const suporte = await createQueue(sql, sp.id, 'Suporte Técnico');
    const tags = [await createTag(sql, sp.id, 'urgente'), await createTag(sql, sp.id, 'Ébano')];
    const maria = await createContact(sql, sp.id, 'Maria Conceição 😀', '5511988887777', 'maria@exemplo.com.br');
    ticket = await createTicket(sql, sp.id, {
      contactId: maria, whatsappId: sp.whatsapp, createdAt: '2026-10-01T12:00:00Z', status: 'closed', direction: 'outbound',
      queueId: suporte, userId: sp.user, contract: 'CT-2026/10', tagIds: tags,
    });
    await sql`update tickets set closed_at = '2026-10-01T15:30:00Z' where id = ${ticket}`;
    tracking1 = await createTracking(sql, sp.id, {
      ticketId: ticket, whatsappId: sp.whatsapp, createdAt: '2026-10-01T12:00:30Z', queuedAt: '2026-10-01T12:00:30Z', startedAt: '2026-10-01T12:00:30Z',
      userId: ana, queueId: suporte, finishedAt: '2026-10-01T13:00:00Z',
    });
    tracking2 = await createTracking(sql, sp.id, {
      ticketId: ticket, whatsappId: sp.whatsapp, createdAt: '2026-10-01T14:00:00Z', queuedAt: '2026-10-01T14:00:00Z', startedAt: '2026-10-01T14:00:00Z', userId: sp.user,
    });

    const say = (createdAt: string, from: 'customer' | 'system' | number, body: string, mediaType?: string) =>
      createMessage(sql, sp.id, { ticketId: ticket, contactId: maria, createdAt, from: typeof from === 'number' ? { operator: from } : from, body, mediaType });
    // Inserted out of time order: the PDF follows created_at, not ids.
    await say('2026-10-01T14:10:00Z', 'customer', 'Obrigada!');
    await say('2026-10-01T12:00:05Z', 'customer', 'Olá, bom dia!\nPreciso de ajuda com o pedido 123.');
    await say('2026-10-01T12:00:06Z', 'system', 'Bem-vindo! Aguarde um atendente.');
    await say('2026-10-01T12:01:00Z', ana, 'Olá Maria, sou a Ana. Como posso ajudar?');
    await say('2026-10-01T12:02:00Z', 'customer', 'comprovante.jpg', 'image');
    await say('2026-10-01T12:03:00Z', 'customer', `${SCRIPT} e ${IMG} e </div></body>`);
    await say('2026-10-01T12:05:00Z', sp.supervisor, 'Supervisão: pedido liberado.');
    await say('2026-10-01T14:05:00Z', sp.user, LONG_LINES.join('\n'));
    await say('2026-10-01T14:06:00Z', sp.user, 'Resolvido 🚀 ação concluída');

    // Rows that must never reach this PDF: another ticket's message, and rows of another company
    // pointing at this ticket (inconsistent data, yet tenant isolation must hold).
    sameCompanyTicket = await createTicket(sql, sp.id, { contactId: maria, whatsappId: sp.whatsapp, createdAt: '2026-10-02T12:00:00Z' });
    await createMessage(sql, sp.id, { ticketId: sameCompanyTicket, contactId: maria, createdAt: '2026-10-01T12:04:00Z', from: 'customer', body: 'OUTRO TICKET' });
    const outsider = await createContact(sql, other.id, 'OUTRA-EMPRESA contato', '5592911112222');
    await createMessage(sql, other.id, { ticketId: ticket, contactId: outsider, createdAt: '2026-10-01T12:04:00Z', from: { operator: other.admin }, body: 'OUTRA-EMPRESA segredo' });
    await createTracking(sql, other.id, {
      ticketId: ticket, whatsappId: other.whatsapp, createdAt: '2026-10-01T12:00:00Z', queuedAt: '2026-10-01T12:00:00Z', startedAt: '2026-10-01T12:00:00Z', userId: other.admin,
    });

    otherTicket = await createTicket(sql, other.id, { contactId: outsider, whatsappId: other.whatsapp, createdAt: '2026-10-01T12:00:00Z' });
    await createMessage(sql, other.id, { ticketId: otherTicket, contactId: outsider, createdAt: '2026-10-01T12:00:05Z', from: 'customer', body: 'Oi de Manaus' });
  }, 120_000);

  afterAll(async () => {
    await stack.stop();
    expect(await chromiumLeftAfter()).toEqual([]);
  });

  async function exportTicket(id: number, as = sp.token, waitMs = 60_000) {
    const res = await stack.api(`/api/tickets/${id}/export`, { method: 'POST', token: as });
    expect(res.status).toBe(202);
    const created = (await res.json()) as Record<string, any>;
    expect(res.headers.get('location')).toBe(`/api/reports/${created.id}`);
    expect(created).toMatchObject({ type: 'ticket_detail', name: 'Detalhe do Ticket', format: 'pdf', status: 'PROCESSING', filters: { ticketId: id } });
    const report = await stack.waitForReport(created.id, as, waitMs);
    expect(report.status).toBe('READY');
    const download = await stack.api(`/api/reports/${created.id}/download`, { token: as });
    expect(download.status).toBe(302);
    const file = await fetch(download.headers.get('location')!);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    return { report, bytes, pages: await pdfPages(bytes) };
  }

  it('when a ticket is exported, then the PDF shows its header, contact and operators', async () => {
    const { report, bytes, pages } = await exportTicket(ticket);
    expect(report).toMatchObject({ rowCount: 9, sizeBytes: bytes.length, fileName: `detalhe-do-ticket_${ticket}.pdf`, error: null });
    const first = pages[0];
    expect(firstMissingInOrder(first, [
      `Detalhe do Ticket #${ticket}`,
      'horários no fuso America/Sao_Paulo',
      `ID ${ticket}`, 'Status Fechado', 'Tipo Ativo', 'Fila Suporte Técnico', 'Contrato CT-2026/10', 'Tags Ébano, urgente',
      'WhatsApp Principal Loja São Paulo (5511900000000)', 'Aberto em 01/10/2026 09:00:00', 'Fechado em 01/10/2026 12:30:00',
      'Nome Maria Conceição 😀', 'Número 5511988887777', 'Email maria@exemplo.com.br',
      'Operadores Ana Souza, Operador Loja São Paulo, Supervisora Loja São Paulo',
      `${tracking1} Suporte Técnico Ana Souza 01/10/2026 09:00:30 01/10/2026 10:00:00`,
      `${tracking2} — Operador Loja São Paulo 01/10/2026 11:00:00 —`,
      'Mensagens (9)',
    ])).toBeNull();
  });

  it('when a ticket is exported, then every message is there in order with its sender, local time and line breaks', async () => {
    const { pages } = await exportTicket(ticket);
    const text = pages.join('\n');
    expect(firstMissingInOrder(text, [
      'Cliente · 01/10/2026 09:00:05\nOlá, bom dia!\nPreciso de ajuda com o pedido 123.',
      'Sistema · 01/10/2026 09:00:06\nBem-vindo! Aguarde um atendente.',
      'Ana Souza · 01/10/2026 09:01:00\nOlá Maria, sou a Ana. Como posso ajudar?',
      'Cliente · 01/10/2026 09:02:00\n[Imagem] comprovante.jpg',
      `Cliente · 01/10/2026 09:03:00\n${SCRIPT} e ${IMG} e </div></body>`,
      'Supervisora Loja São Paulo · 01/10/2026 09:05:00\nSupervisão: pedido liberado.',
      `Operador Loja São Paulo · 01/10/2026 11:05:00\n${LONG_LINES[0]}\n${LONG_LINES[1]}`,
      LONG_LINES[89],
      'Operador Loja São Paulo · 01/10/2026 11:06:00\nResolvido 🚀 ação concluída',
      'Cliente · 01/10/2026 11:10:00\nObrigada!',
    ])).toBeNull();
    for (const line of LONG_LINES) expect(text).toContain(line);
    expect(text).not.toContain('OUTRA-EMPRESA');
    expect(text).not.toContain('OUTRO TICKET');
  });

  it('when the PDF has several pages, then each page says "Página X de Y"', async () => {
    const { pages } = await exportTicket(ticket);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    pages.forEach((page, i) => {
      expect(page).toContain(`Página ${i + 1} de ${pages.length}`);
      expect(page).toContain(`Detalhe do Ticket #${ticket}`);
    });
  });

  it('when the company is in Manaus, then times are Manaus times', async () => {
    const { pages } = await exportTicket(otherTicket, stack.tokenFor({ id: other.admin, companyId: other.id }));
    expect(firstMissingInOrder(pages.join('\n'), [
      'horários no fuso America/Manaus', 'Aberto em 01/10/2026 08:00:00', 'Cliente · 01/10/2026 08:00:05\nOi de Manaus',
    ])).toBeNull();
  });

  it('when the report is asked through POST /api/reports, then it is the same PDF report', async () => {
    const res = await stack.api('/api/reports', { method: 'POST', token: sp.token, body: JSON.stringify({ type: 'ticket_detail', filters: { ticketId: ticket } }) });
    expect(res.status).toBe(202);
    const created = (await res.json()) as { id: string };
    const report = await stack.waitForReport(created.id, sp.token);
    expect(report).toMatchObject({ status: 'READY', format: 'pdf', rowCount: 9, fileName: `detalhe-do-ticket_${ticket}.pdf` });
  });

  it("when another company's ticket or a missing one is exported, then it is not found", async () => {
    for (const id of [otherTicket, 999_999_999]) {
      const res = await stack.api(`/api/tickets/${id}/export`, { method: 'POST', token: sp.token });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const [{ n }] = await stack.sql<{ n: number }[]>`select count(*)::int as n from reports.reports where filters->>'ticketId' = ${String(otherTicket)} and company_id = ${sp.id}`;
    expect(n).toBe(0);
  });

  it('when the ticket id is not a positive integer, then the export is refused naming ticketId', async () => {
    for (const bad of ['abc', '0', '-1', '1.5', '1e3', '99999999999999999999']) {
      const res = await stack.api(`/api/tickets/${bad}/export`, { method: 'POST', token: sp.token });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { errors: { path: string; message: string }[] };
      expect(body.errors).toEqual([{ path: 'ticketId', message: expect.stringContaining('ticketId') }]);
    }
  });

  it("when POST /api/reports names another company's ticket or a bad id, then it is refused naming filters.ticketId", async () => {
    const cases: [unknown, string][] = [
      [{ ticketId: otherTicket }, 'filters.ticketId'],
      [{ ticketId: 'abc' }, 'filters.ticketId'],
      [{ ticketId: 0 }, 'filters.ticketId'],
      [{}, 'filters.ticketId'],
      [{ ticketId: ticket, from: '2026-10-01' }, 'filters.from'],
    ];
    for (const [filters, path] of cases) {
      const res = await stack.api('/api/reports', { method: 'POST', token: sp.token, body: JSON.stringify({ type: 'ticket_detail', filters }) });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { errors: { path: string; message: string }[] };
      expect(body.errors.map((e) => e.path)).toEqual([path]);
      expect(body.errors[0].message).toMatch(/ticketId|from/);
    }
  });

  it('when a ticket has 10,000 messages, then the PDF holds every one of them, first and last lines, in order', async () => {
    const count = 10_000;
    const contact = await createContact(stack.sql, sp.id, 'Cliente Falante', '5511977776666');
    const big = await createTicket(stack.sql, sp.id, { contactId: contact, whatsappId: sp.whatsapp, createdAt: '2026-10-03T12:00:00Z' });
    await createConversationInBulk(stack.sql, sp.id, { ticketId: big, contactId: contact, operatorId: sp.user, count, firstAt: '2026-10-03T12:00:00Z' });

    const started = Date.now();
    const { report, pages } = await exportTicket(big, sp.token, 300_000);
    console.log(`[ticket_detail] ${count} messages: READY in ${Date.now() - started} ms, ${pages.length} pages, ${report.sizeBytes} bytes`);
    expect(report.rowCount).toBe(count);
    // About 17 two-line and three-line messages per A4 page.
    expect(pages.length).toBeGreaterThan(400);
    expect(pages.length).toBeLessThan(900);
    expect(pages[pages.length - 1]).toContain(`Página ${pages.length} de ${pages.length}`);
    const lines = Array.from({ length: count }, (_, i) => bulkMessageLines(i + 1, count)).flat();
    expect(firstMissingInOrder(pages.join('\n'), lines)).toBeNull();
    expect(pages.join('\n')).toContain('Cliente · 03/10/2026 09:00:00\nMensagem 1 de 10000 — início');
    expect(pages.join('\n')).toContain('Operador Loja São Paulo · 03/10/2026 11:46:39\nMensagem 10000 de 10000 — início');
  }, 420_000);

  it('when a ticket has 100,000 messages, then the report ends in ERROR with a plain message, and the next company\'s PDF still prints', async () => {
    const count = 100_000;
    const contact = await createContact(stack.sql, sp.id, 'Cliente Interminável', '5511966665555');
    const huge = await createTicket(stack.sql, sp.id, { contactId: contact, whatsappId: sp.whatsapp, createdAt: '2026-10-04T12:00:00Z' });
    await createConversationInBulk(stack.sql, sp.id, { ticketId: huge, contactId: contact, operatorId: sp.user, count, firstAt: '2026-10-04T12:00:00Z' });
    const res = await stack.api(`/api/tickets/${huge}/export`, { method: 'POST', token: sp.token });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const report = await stack.waitForReport(id, sp.token, 60_000);
    expect(report).toMatchObject({ status: 'ERROR', error: { message: USER_MESSAGES.TicketTooLarge }, sizeBytes: null });
    expect(report.error.message).toMatch(/Histórico de Atendimento/);
    // The worker and its shared Chromium are fine: another company's ticket prints at once.
    const otherToken = stack.tokenFor({ id: other.admin, companyId: other.id });
    const { report: next, pages } = await exportTicket(otherTicket, otherToken);
    expect(next.status).toBe('READY');
    expect(pages.length).toBeGreaterThan(0);
  }, 180_000);
});

describe('ticket_detail when Chromium is missing', () => {
  const stack = useStack({ chromiumPath: '/nonexistent/chromium' });
  const sp = useCompany(stack, 'Loja Sem Chromium');
  let ticket: number;

  beforeAll(async () => {
    const contact = await createContact(stack.sql, sp.id, 'Maria', '5511988887777');
    ticket = await createTicket(stack.sql, sp.id, { contactId: contact, whatsappId: sp.whatsapp, createdAt: '2026-10-01T12:00:00Z' });
    await createMessage(stack.sql, sp.id, { ticketId: ticket, contactId: contact, createdAt: '2026-10-01T12:00:05Z', from: 'customer', body: 'Oi' });
  }, 120_000);

  afterAll(async () => {
    await stack.stop();
    expect(await chromiumLeftAfter()).toEqual([]);
  });

  it('when the export runs, then the report ends in ERROR with a plain Portuguese message, at once', async () => {
    const token = stack.tokenFor({ id: sp.admin, companyId: sp.id });
    const res = await stack.api(`/api/tickets/${ticket}/export`, { method: 'POST', token });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const report = await stack.waitForReport(id, token, 30_000);
    expect(report).toMatchObject({ status: 'ERROR', error: { message: USER_MESSAGES.ChromiumMissing }, fileName: null, sizeBytes: null });
    expect(report.error.message).toMatch(/^O gerador de PDF não está disponível/);
    expect((await stack.api(`/api/reports/${id}/download`, { token })).status).toBe(409);
  });
});
