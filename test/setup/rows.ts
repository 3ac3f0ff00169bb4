// One row builder per platform table, for known data: each test arranges exactly the rows it asserts on.
// Bulk builders (generate_series) are for the streaming tests.
import type { Sql } from '../../src/db/connection';

type Instant = string | Date;
const iso = (t: Instant): string => (typeof t === 'string' ? t : t.toISOString());
const SINCE = '2026-01-01T00:00:00Z';

async function insertedId(rows: Promise<{ id: number }[]>): Promise<number> {
  return (await rows)[0].id;
}

export interface CompanyFixture {
  id: number;
  timezone: string;
  admin: number;
  supervisor: number;
  user: number;
  whatsapp: number;
}

/** A company with one user of each profile and one connected official number. */
export async function createCompany(sql: Sql, name: string, timezone = 'America/Sao_Paulo'): Promise<CompanyFixture> {
  const id = await insertedId(sql<{ id: number }[]>`insert into companies (name, timezone) values (${name}, ${timezone}) returning id`);
  const admin = await createUser(sql, id, `Admin ${name}`, 'admin');
  const supervisor = await createUser(sql, id, `Supervisora ${name}`, 'supervisor');
  const user = await createUser(sql, id, `Operador ${name}`, 'user');
  const whatsapp = await createWhatsapp(sql, id, { name: `Principal ${name}`, number: '5511900000000', wabaId: 'waba-1' });
  return { id, timezone, admin, supervisor, user, whatsapp };
}

export interface UserInput {
  /** Derived from the name when absent. */
  email?: string;
  createdAt?: Instant;
  deletedAt?: Instant | null;
  queueIds?: number[];
}

export async function createUser(
  sql: Sql, companyId: number, name: string, profile: 'admin' | 'supervisor' | 'user', u: UserInput = {},
): Promise<number> {
  const email = u.email ?? `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@exemplo.com.br`;
  const id = await insertedId(sql<{ id: number }[]>`
    insert into users (company_id, name, email, profile, created_at, deleted_at)
    values (${companyId}, ${name}, ${email}, ${profile}, ${iso(u.createdAt ?? SINCE)}, ${u.deletedAt ? iso(u.deletedAt) : null})
    returning id`);
  for (const queueId of u.queueIds ?? []) await sql`insert into user_queues (user_id, queue_id) values (${id}, ${queueId})`;
  return id;
}

export async function createQueue(sql: Sql, companyId: number, name: string): Promise<number> {
  return insertedId(sql<{ id: number }[]>`insert into queues (company_id, name) values (${companyId}, ${name}) returning id`);
}

export async function createTag(sql: Sql, companyId: number, name: string): Promise<number> {
  return insertedId(sql<{ id: number }[]>`insert into tags (company_id, name) values (${companyId}, ${name}) returning id`);
}

export async function createContact(sql: Sql, companyId: number, name: string, number: string, email: string | null = null): Promise<number> {
  return insertedId(sql<{ id: number }[]>`insert into contacts (company_id, name, number, email) values (${companyId}, ${name}, ${number}, ${email}) returning id`);
}

export async function createCampaign(sql: Sql, companyId: number, name: string): Promise<number> {
  return insertedId(sql<{ id: number }[]>`insert into campaigns (company_id, name, created_at) values (${companyId}, ${name}, ${SINCE}) returning id`);
}

export async function createCostCenter(sql: Sql, companyId: number, name: string): Promise<number> {
  return insertedId(sql<{ id: number }[]>`insert into cost_centers (company_id, name) values (${companyId}, ${name}) returning id`);
}

export interface WhatsappInput {
  number: string;
  /** `Número <number>` when absent. */
  name?: string;
  provider?: 'official' | 'unofficial';
  wabaId?: string | null;
  status?: 'CONNECTED' | 'DISCONNECTED' | 'OPENING' | 'QRCODE' | 'TIMEOUT' | 'BANNED';
  activatedAt?: Instant;
  deactivatedAt?: Instant | null;
}

export async function createWhatsapp(sql: Sql, companyId: number, w: WhatsappInput): Promise<number> {
  const provider = w.provider ?? (w.wabaId ? 'official' : 'unofficial');
  return insertedId(sql<{ id: number }[]>`
    insert into whatsapps (company_id, name, number, provider, waba_id, status, activated_at, deactivated_at)
    values (${companyId}, ${w.name ?? 'Número ' + w.number}, ${w.number}, ${provider}, ${w.wabaId ?? null}, ${w.status ?? 'CONNECTED'},
            ${iso(w.activatedAt ?? SINCE)}, ${w.deactivatedAt ? iso(w.deactivatedAt) : null})
    returning id`);
}

export interface TicketInput {
  contactId: number;
  whatsappId: number;
  createdAt: string;
  status?: 'open' | 'pending' | 'paused' | 'closed';
  direction?: 'inbound' | 'outbound';
  queueId?: number | null;
  userId?: number | null;
  contract?: string | null;
  lastMessage?: string | null;
  tagIds?: number[];
}

export async function createTicket(sql: Sql, companyId: number, t: TicketInput): Promise<number> {
  const id = await insertedId(sql<{ id: number }[]>`
    insert into tickets (company_id, contact_id, whatsapp_id, user_id, queue_id, status, direction, contract, last_message, created_at, updated_at)
    values (${companyId}, ${t.contactId}, ${t.whatsappId}, ${t.userId ?? null}, ${t.queueId ?? null}, ${t.status ?? 'open'},
            ${t.direction ?? 'inbound'}, ${t.contract ?? null}, ${t.lastMessage ?? null}, ${t.createdAt}, ${t.createdAt})
    returning id`);
  for (const tagId of t.tagIds ?? []) await sql`insert into ticket_tags (ticket_id, tag_id) values (${id}, ${tagId})`;
  return id;
}

/** `count` tickets of one contact, one minute apart from 2026-10-01T03:00Z plus a minute (00:01 in São Paulo), each with a numbered last message. */
export async function createTicketsInBulk(
  sql: Sql, companyId: number,
  o: { contactId: number; whatsappId: number; count: number; status?: TicketInput['status']; direction?: TicketInput['direction']; lastMessage?: string },
): Promise<void> {
  await sql`
    insert into tickets (company_id, contact_id, whatsapp_id, status, direction, last_message, created_at, updated_at)
    select ${companyId}, ${o.contactId}, ${o.whatsappId}, ${o.status ?? 'open'}, ${o.direction ?? 'inbound'},
           ${o.lastMessage ?? 'mensagem de teste número '} || g,
           '2026-10-01T03:00:00Z'::timestamptz + g * interval '1 minute', '2026-10-01T03:00:00Z'::timestamptz + g * interval '1 minute'
    from generate_series(1, ${o.count}::int) g`;
}

export interface TrackingInput {
  ticketId: number;
  whatsappId: number;
  createdAt: string;
  queueId?: number | null;
  userId?: number | null;
  queuedAt?: string | null;
  startedAt?: string | null;
  finishedAt?: string | null;
}

export async function createTracking(sql: Sql, companyId: number, t: TrackingInput): Promise<number> {
  return insertedId(sql<{ id: number }[]>`
    insert into ticket_trackings (company_id, ticket_id, user_id, queue_id, whatsapp_id, created_at, queued_at, started_at, finished_at)
    values (${companyId}, ${t.ticketId}, ${t.userId ?? null}, ${t.queueId ?? null}, ${t.whatsappId}, ${t.createdAt},
            ${t.queuedAt ?? null}, ${t.startedAt ?? null}, ${t.finishedAt ?? null})
    returning id`);
}

/** Who wrote a message: the customer, an operator (from_me with user_id), or the platform (from_me, no user). */
export type Sender = 'customer' | 'system' | { operator: number };

export interface MessageInput {
  ticketId: number;
  contactId: number;
  createdAt: string;
  /** The customer when absent. */
  from?: Sender;
  body?: string;
  trackingId?: number | null;
  mediaType?: string;
}

export async function createMessage(sql: Sql, companyId: number, m: MessageInput): Promise<number> {
  const from = m.from ?? 'customer';
  const userId = typeof from === 'object' ? from.operator : null;
  return insertedId(sql<{ id: number }[]>`
    insert into messages (company_id, ticket_id, tracking_id, contact_id, user_id, from_me, media_type, body, created_at)
    values (${companyId}, ${m.ticketId}, ${m.trackingId ?? null}, ${m.contactId}, ${userId}, ${from !== 'customer'},
            ${m.mediaType ?? 'chat'}, ${m.body ?? 'mensagem'}, ${m.createdAt})
    returning id`);
}

/** `count` messages of one ticket, one second apart from `firstCreatedAt`, alternating customer and system. */
export async function createMessagesInBulk(
  sql: Sql, companyId: number, o: { ticketId: number; contactId: number; count: number; firstCreatedAt: string },
): Promise<void> {
  await sql`
    insert into messages (company_id, ticket_id, contact_id, from_me, body, created_at)
    select ${companyId}, ${o.ticketId}, ${o.contactId}, n % 2 = 1, 'Mensagem número ' || n || '; "ok"',
           ${o.firstCreatedAt}::timestamptz + n * interval '1 second'
    from generate_series(0, ${o.count - 1}) as n`;
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

export interface OfficialMessageInput {
  wamid: string;
  whatsappId: number;
  contactNumber: string;
  sentAt: string;
  direction?: 'sent' | 'received';
  messageType?: 'hsm' | 'session';
  templateName?: string | null;
  deliveryStatus?: 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
  billable?: boolean;
  cost?: string;
  costCenterId?: number | null;
  campaignId?: number | null;
  queueId?: number | null;
}

export async function createOfficialMessage(sql: Sql, companyId: number, m: OfficialMessageInput): Promise<number> {
  return insertedId(sql<{ id: number }[]>`
    insert into official_messages (company_id, wamid, whatsapp_id, contact_number, direction, message_type, template_name, sent_at,
                                   delivery_status, billable, cost, cost_center_id, campaign_id, queue_id)
    values (${companyId}, ${m.wamid}, ${m.whatsappId}, ${m.contactNumber}, ${m.direction ?? 'sent'}, ${m.messageType ?? 'session'},
            ${m.templateName ?? null}, ${m.sentAt}, ${m.deliveryStatus ?? 'delivered'}, ${m.billable ?? false}, ${m.cost ?? '0'},
            ${m.costCenterId ?? null}, ${m.campaignId ?? null}, ${m.queueId ?? null})
    returning id`);
}

/** `count` official messages one second apart from `firstSentAt`, with wamids `<prefix>-<n>`. */
export async function createOfficialMessagesInBulk(
  sql: Sql, companyId: number, o: { whatsappId: number; count: number; firstSentAt: string; prefix: string },
): Promise<void> {
  await sql`
    insert into official_messages (company_id, wamid, whatsapp_id, contact_number, direction, message_type, template_name, sent_at,
                                   delivery_status, billable, cost)
    select ${companyId}, ${o.prefix} || '-' || n, ${o.whatsappId}, '55119' || lpad(n::text, 8, '0'), 'sent',
           case when n % 3 = 0 then 'hsm' else 'session' end, case when n % 3 = 0 then 'pedido_confirmado' end,
           ${o.firstSentAt}::timestamptz + n * interval '1 second', 'delivered', n % 3 = 0, case when n % 3 = 0 then 0.0625 else 0 end
    from generate_series(0, ${o.count - 1}) as n`;
}

export interface WebhookEventInput {
  eventType: string;
  requestId: string;
  createdAt: string;
  httpStatus?: number | null;
  campaignId?: number | null;
  contactNumber?: string | null;
  attempts?: number;
}

export async function createWebhookEvent(sql: Sql, companyId: number, e: WebhookEventInput): Promise<number> {
  return insertedId(sql<{ id: number }[]>`
    insert into webhook_events (company_id, event_type, request_id, campaign_id, contact_number, url, http_status, attempts, created_at, last_attempt_at)
    values (${companyId}, ${e.eventType}, ${e.requestId}, ${e.campaignId ?? null}, ${e.contactNumber ?? null}, 'https://cliente.example/webhook',
            ${e.httpStatus ?? null}, ${e.attempts ?? 1}, ${e.createdAt}, ${e.createdAt})
    returning id`);
}

export async function createAccessLog(
  sql: Sql, companyId: number, a: { userId: number; action: 'login' | 'logout'; ip?: string | null; createdAt: string },
): Promise<number> {
  return insertedId(sql<{ id: number }[]>`
    insert into access_logs (company_id, user_id, action, ip, created_at)
    values (${companyId}, ${a.userId}, ${a.action}, ${a.ip ?? null}, ${a.createdAt}) returning id`);
}

/** A snapshot of the platform tables the reports read: proves a request left them unchanged. */
export async function platformFingerprint(sql: Sql): Promise<string> {
  const [row] = await sql<{ f: string }[]>`
    select concat_ws('/',
      (select count(*) from messages), (select count(*) from official_messages), (select count(*) from tickets),
      (select count(*) from whatsapps), (select md5(string_agg(number, ',' order by id)) from whatsapps),
      (select md5(string_agg(contact_number || wamid, ',' order by id)) from official_messages),
      (select md5(string_agg(body, ',' order by id)) from messages),
      (select count(*) from information_schema.tables where table_schema = 'public')) as f`;
  return row.f;
}
