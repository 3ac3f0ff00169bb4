/**
 * Reads one ticket's document for the PDF: header, contact, attendances, operators and every message.
 *
 * Every statement runs under the reports' tenant prelude (src/reports/query.ts), so `tickets`,
 * `messages`, `users`… mean "this company's rows": another company's ticket is simply not found,
 * and an operator of another company can never lend a name. One read-only repeatable-read
 * transaction: the header and the messages come from the same snapshot.
 * Plan (EXPLAIN on 300 tickets × 1,000 messages): the ticket by primary key; its messages by a bitmap scan
 * of messages_ticket_created_id (009_ticket_detail_indexes.sql) and an in-memory sort of those rows (10,000
 * sort in a few ms); its trackings by ticket_trackings_ticket once the table is large.
 */
import type { Sql } from '../db/connection';
import { transaction } from '../db/transaction';
import { QueryParams, scopeTransaction, tenantPrelude } from '../reports/query';
import { nameList } from '../reports/sql-helpers';
import type { SenderKind, TicketDocument } from './ticket-html';

export interface TicketRequest {
  companyId: number;
  timezone: string;
  ticketId: number;
  /** When the report was asked for: printed on every page, so a retried render gives the same PDF. */
  requestedAt: Date;
}

interface HeaderRow {
  id: number;
  status: string;
  direction: string;
  contract: string | null;
  queue: string | null;
  whatsappName: string | null;
  whatsappNumber: string | null;
  openedAt: string;
  closedAt: string | null;
  tags: string | null;
  contactName: string;
  contactNumber: string;
  contactEmail: string | null;
  requestedAt: string;
}

interface MessageRow {
  time: string;
  fromMe: boolean;
  userId: number | null;
  operatorName: string | null;
  mediaType: string;
  body: string;
}

/**
 * The most messages one PDF holds. 10,000 print in about 5 s into ~700 pages; far beyond, Chromium's memory
 * and time grow with the page count and would put the worker's shared browser (other companies' PDFs) at
 * risk. A longer conversation is exported whole as CSV (Histórico de Atendimento).
 */
export const MAX_PDF_MESSAGES = 20_000;

export class TicketTooLargeError extends Error {
  constructor(readonly messages: number) {
    super(`the ticket has ${messages} messages; a PDF holds at most ${MAX_PDF_MESSAGES}`);
  }
}

/** The ticket's document, or null when the company has no such ticket. */
export async function loadTicketDocument(sql: Sql, req: TicketRequest): Promise<TicketDocument | null> {
  const q = new QueryParams({ companyId: req.companyId, timezone: req.timezone, requestedAt: req.requestedAt });
  const ticketId = q.value(req.ticketId, 'bigint');
  const requestedAt = q.value(req.requestedAt.toISOString(), 'timestamptz');
  const prelude = tenantPrelude(q);

  return transaction(sql, 'isolation level repeatable read read only', async (tx) => {
    await scopeTransaction(tx, q);

    const [header] = await tx.unsafe<HeaderRow[]>(`${prelude}
      select t.id, t.status, t.direction, t.contract, qu.name as queue,
        w.name as "whatsappName", w.number as "whatsappNumber",
        ${q.ts('t.created_at')} as "openedAt", ${q.ts('t.closed_at')} as "closedAt",
        ${nameList('tg.name', 'from ticket_tags tt join tags tg on tg.id = tt.tag_id where tt.ticket_id = t.id')} as tags,
        c.name as "contactName", c.number as "contactNumber", c.email as "contactEmail",
        ${q.ts(requestedAt)} as "requestedAt"
      from tickets t
        join contacts c on c.id = t.contact_id
        left join queues qu on qu.id = t.queue_id
        left join whatsapps w on w.id = t.whatsapp_id
      where t.id = ${ticketId}`);
    if (!header) return null;

    const attendances = await tx.unsafe<TicketDocument['attendances']>(`${prelude}
      select tr.id, qu.name as queue, u.name as operator,
        ${q.ts('tr.created_at')} as "openedAt", ${q.ts('tr.finished_at')} as "finishedAt"
      from ticket_trackings tr
        left join queues qu on qu.id = tr.queue_id
        left join users u on u.id = tr.user_id
      where tr.ticket_id = ${ticketId}
      order by tr.created_at, tr.id`);

    // Who attended: the operators of its trackings and whoever of the company wrote in it.
    const operators = await tx.unsafe<{ name: string }[]>(`${prelude}
      select u.name from users u
      where u.id in (select tr.user_id from ticket_trackings tr where tr.ticket_id = ${ticketId}
                     union
                     select m.user_id from messages m where m.ticket_id = ${ticketId} and m.from_me)
      order by lower(u.name) collate "und-x-icu", u.name collate "C", u.id`);

    // Counted before anything is read into memory: a PDF of more than MAX_PDF_MESSAGES is refused whole.
    const [{ count }] = await tx.unsafe<{ count: number }[]>(`${prelude}
      select count(*)::int as count from messages m where m.ticket_id = ${ticketId}`);
    if (count > MAX_PDF_MESSAGES) throw new TicketTooLargeError(count);

    const messages = await tx.unsafe<MessageRow[]>(`${prelude}
      select ${q.ts('m.created_at')} as time, m.from_me as "fromMe", m.user_id as "userId", u.name as "operatorName",
        m.media_type as "mediaType", m.body
      from messages m left join users u on u.id = m.user_id
      where m.ticket_id = ${ticketId}
      order by m.created_at, m.id`);

    return {
      ticket: {
        id: header.id,
        status: header.status,
        direction: header.direction,
        queue: header.queue,
        contract: header.contract,
        tags: header.tags,
        whatsapp: header.whatsappName ? `${header.whatsappName} (${header.whatsappNumber})` : null,
        openedAt: header.openedAt,
        closedAt: header.closedAt,
      },
      contact: { name: header.contactName, number: header.contactNumber, email: header.contactEmail },
      operators: operators.map((o) => o.name),
      attendances: [...attendances],
      messages: messages.map((m) => ({
        time: m.time,
        kind: senderKind(m),
        operatorName: m.operatorName,
        mediaType: m.mediaType,
        body: m.body,
      })),
      timezone: req.timezone,
      requestedAt: header.requestedAt,
    };
  });
}

/** As reports.md's service_history: the contact, an operator (from_me with user_id), or the platform. */
function senderKind(m: Pick<MessageRow, 'fromMe' | 'userId'>): SenderKind {
  if (!m.fromMe) return 'customer';
  return m.userId === null ? 'system' : 'operator';
}
