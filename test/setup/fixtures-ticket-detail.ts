// Builders for Detalhe do Ticket: trackings, messages one by one, and a long conversation in bulk.
import type { Sql } from '../../src/db/connection';

export async function createTracking(
  sql: Sql, companyId: number,
  t: { ticketId: number; whatsappId: number; createdAt: string; userId?: number | null; queueId?: number | null; finishedAt?: string | null },
): Promise<number> {
  const [{ id }] = await sql<{ id: number }[]>`
    insert into ticket_trackings (company_id, ticket_id, user_id, queue_id, whatsapp_id, created_at, queued_at, started_at, finished_at)
    values (${companyId}, ${t.ticketId}, ${t.userId ?? null}, ${t.queueId ?? null}, ${t.whatsappId}, ${t.createdAt}, ${t.createdAt},
            ${t.createdAt}, ${t.finishedAt ?? null})
    returning id`;
  return id;
}

export interface MessageInput {
  ticketId: number;
  contactId: number;
  createdAt: string;
  /** `customer`: from the contact; a user id: that operator; `system`: the platform. */
  from: 'customer' | 'system' | number;
  body: string;
  mediaType?: string;
  trackingId?: number | null;
}

export async function createMessage(sql: Sql, companyId: number, m: MessageInput): Promise<number> {
  const fromMe = m.from !== 'customer';
  const userId = typeof m.from === 'number' ? m.from : null;
  const [{ id }] = await sql<{ id: number }[]>`
    insert into messages (company_id, ticket_id, tracking_id, contact_id, user_id, from_me, media_type, body, created_at)
    values (${companyId}, ${m.ticketId}, ${m.trackingId ?? null}, ${m.contactId}, ${userId}, ${fromMe}, ${m.mediaType ?? 'chat'},
            ${m.body}, ${m.createdAt})
    returning id`;
  return id;
}

/**
 * `count` messages one second apart from `firstAt`, alternating customer and `operatorId`. Message n
 * (1-based) reads `Mensagem n de count — início` … `Mensagem n — fim`, every fifth over three lines.
 */
export async function createConversationInBulk(
  sql: Sql, companyId: number, c: { ticketId: number; contactId: number; operatorId: number; count: number; firstAt: string },
): Promise<void> {
  await sql`
    insert into messages (company_id, ticket_id, contact_id, user_id, from_me, media_type, body, created_at)
    select ${companyId}, ${c.ticketId}, ${c.contactId}, case when n % 2 = 0 then ${c.operatorId}::bigint end, n % 2 = 0, 'chat',
           'Mensagem ' || n || ' de ' || ${c.count}::int || ' — início'
             || case when n % 5 = 0 then E'\nlinha do meio da mensagem ' || n else '' end
             || E'\nMensagem ' || n || ' — fim',
           ${c.firstAt}::timestamptz + make_interval(secs => n - 1)
    from generate_series(1, ${c.count}::int) as n`;
}

/** First and last line of bulk message n, as createConversationInBulk writes them. */
export function bulkMessageLines(n: number, count: number): [first: string, last: string] {
  return [`Mensagem ${n} de ${count} — início`, `Mensagem ${n} — fim`];
}
