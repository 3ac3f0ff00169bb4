// Builders for the message reports (official_messages, service_history): the rows each test asserts on,
// plus bulk rows made by generate_series for the streaming tests.
import { expect } from 'vitest';
import type { Sql } from '../../src/db/connection';
import type { ReportStorage } from '../../src/storage/storage';
import { partKey } from '../../src/storage/keys';
import type { Stack } from './stack';

export async function createNamedWhatsapp(sql: Sql, companyId: number, name: string, number: string): Promise<number> {
  const [{ id }] = await sql<{ id: number }[]>`
    insert into whatsapps (company_id, name, number, provider, waba_id, status, activated_at)
    values (${companyId}, ${name}, ${number}, 'official', 'waba-2', 'CONNECTED', '2026-01-01T00:00:00Z') returning id`;
  return id;
}

export async function createCampaignNamed(sql: Sql, companyId: number, name: string): Promise<number> {
  const [{ id }] = await sql<{ id: number }[]>`
    insert into campaigns (company_id, name, created_at) values (${companyId}, ${name}, '2026-01-01T00:00:00Z') returning id`;
  return id;
}

export async function createCostCenter(sql: Sql, companyId: number, name: string): Promise<number> {
  const [{ id }] = await sql<{ id: number }[]>`insert into cost_centers (company_id, name) values (${companyId}, ${name}) returning id`;
  return id;
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
  const [{ id }] = await sql<{ id: number }[]>`
    insert into official_messages (company_id, wamid, whatsapp_id, contact_number, direction, message_type, template_name, sent_at,
                                   delivery_status, billable, cost, cost_center_id, campaign_id, queue_id)
    values (${companyId}, ${m.wamid}, ${m.whatsappId}, ${m.contactNumber}, ${m.direction ?? 'sent'}, ${m.messageType ?? 'session'},
            ${m.templateName ?? null}, ${m.sentAt}, ${m.deliveryStatus ?? 'delivered'}, ${m.billable ?? false}, ${m.cost ?? '0'},
            ${m.costCenterId ?? null}, ${m.campaignId ?? null}, ${m.queueId ?? null})
    returning id`;
  return id;
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

export async function createTracking(
  sql: Sql, companyId: number, t: { ticketId: number; whatsappId: number; createdAt: string; userId?: number | null; queueId?: number | null },
): Promise<number> {
  const [{ id }] = await sql<{ id: number }[]>`
    insert into ticket_trackings (company_id, ticket_id, user_id, queue_id, whatsapp_id, created_at)
    values (${companyId}, ${t.ticketId}, ${t.userId ?? null}, ${t.queueId ?? null}, ${t.whatsappId}, ${t.createdAt}) returning id`;
  return id;
}

export interface MessageInput {
  ticketId: number;
  contactId: number;
  createdAt: string;
  body: string;
  fromMe?: boolean;
  userId?: number | null;
  trackingId?: number | null;
  mediaType?: string;
}

export async function createMessage(sql: Sql, companyId: number, m: MessageInput): Promise<number> {
  const [{ id }] = await sql<{ id: number }[]>`
    insert into messages (company_id, ticket_id, tracking_id, contact_id, user_id, from_me, media_type, body, created_at)
    values (${companyId}, ${m.ticketId}, ${m.trackingId ?? null}, ${m.contactId}, ${m.userId ?? null}, ${m.fromMe ?? false},
            ${m.mediaType ?? 'chat'}, ${m.body}, ${m.createdAt})
    returning id`;
  return id;
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

/** A snapshot of the platform tables these reports read: proves a request left them unchanged. */
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

/** POST → READY → download: the file's bytes and the finished record. */
export async function runReport(stack: Stack, token: string, type: string, filters: Record<string, unknown>) {
  const id = await requestReport(stack, token, type, filters);
  const report = await stack.waitForReport(id, token, 120_000);
  expect(report.status).toBe('READY');
  return { report, bytes: await downloadReport(stack, id, token) };
}

/** POST a request that must be refused: the 400's errors (path and message). */
export async function refusal(stack: Stack, token: string, type: string, filters: unknown): Promise<{ path: string; message: string }[]> {
  const res = await stack.api('/api/reports', { method: 'POST', token, body: JSON.stringify({ type, filters }) });
  expect(res.status).toBe(400);
  const problem = (await res.json()) as { errors: { path: string; message: string }[] };
  return problem.errors;
}

/** A CSV file as the tests expect it: BOM, header, CRLF after every row. */
export const csvFile = (header: string, rows: string[]) => '\uFEFF' + [header, ...rows].map((r) => r + '\r\n').join('');

/**
 * The worker's storage, counting the data parts it stores (part 0 is the header) and able to hold them:
 * while held, the export cannot move past its first part, so a test can look at a report mid-export.
 * It can also fail one data part once, so that the export is retried from its last checkpoint.
 */
export class PartRecorder implements ReportStorage {
  readonly kind: ReportStorage['kind'];
  dataParts = 0;
  /** Data parts refused by `failOnceAtDataPart`. */
  failures = 0;
  /** Keys of the data parts stored, in order. */
  readonly dataKeys: string[] = [];
  /** Where in the file each of them starts. */
  readonly dataOffsets: number[] = [];
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => {};
  private failAt: number | null = null;
  private failFrom: number | null = null;

  constructor(private readonly inner: ReportStorage) {
    this.kind = inner.kind;
  }

  holdDataParts(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open();
  }

  /** The `n`th data part stored from now on fails, once. */
  failOnceAtDataPart(n: number): void {
    this.failAt = this.dataParts + n;
  }

  /** The first data part from now on that starts at `offset` or beyond fails, once. */
  failOnceFrom(offset: number): void {
    this.failFrom = offset;
  }

  put(key: string, data: Buffer, contentType?: string) { return this.inner.put(key, data, contentType); }

  async putPart(prefix: string, index: number, offset: number, data: Buffer, contentType: string): Promise<void> {
    if (index > 0) {
      await this.gate;
      if (this.failAt === this.dataParts + 1 || (this.failFrom !== null && offset >= this.failFrom)) {
        this.failAt = this.failFrom = null;
        this.failures += 1;
        throw new Error('injected: storage unavailable');
      }
      this.dataParts += 1;
      this.dataKeys.push(partKey(prefix, index));
      this.dataOffsets.push(offset);
    }
    await this.inner.putPart(prefix, index, offset, data, contentType);
  }

  joinParts(prefix: string, count: number, bytes: number, destination: string, contentType: string) {
    return this.inner.joinParts(prefix, count, bytes, destination, contentType);
  }

  compose(sources: string[], destination: string, contentType: string) { return this.inner.compose(sources, destination, contentType); }
  size(key: string) { return this.inner.size(key); }
  read(key: string) { return this.inner.read(key); }
  readStream(key: string) { return this.inner.readStream(key); }
  delete(key: string) { return this.inner.delete(key); }
  deletePrefix(prefix: string) { return this.inner.deletePrefix(prefix); }
  signedUrl(key: string, expiresAt: Date, downloadName: string) { return this.inner.signedUrl(key, expiresAt, downloadName); }
}

/** POSTs a report and returns its id (202 expected). */
export async function requestReport(stack: Stack, token: string, type: string, filters: Record<string, unknown>, format?: string): Promise<string> {
  const res = await stack.api('/api/reports', { method: 'POST', token, body: JSON.stringify({ type, filters, ...(format ? { format } : {}) }) });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

/** Polls the report until `done` holds for it (or fails after `timeoutMs`). */
export async function pollReport(
  stack: Stack, id: string, token: string, done: (r: Record<string, any>) => boolean, timeoutMs = 30_000,
): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = (await (await stack.api(`/api/reports/${id}`, { token })).json()) as Record<string, any>;
    if (done(report)) return report;
    if (Date.now() > deadline) throw new Error(`report ${id} never reached the expected state: ${JSON.stringify(report)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Downloads a READY report's file. */
export async function downloadReport(stack: Stack, id: string, token: string): Promise<Buffer> {
  const download = await stack.api(`/api/reports/${id}/download`, { token });
  expect(download.status).toBe(302);
  const file = await fetch(download.headers.get('location')!);
  expect(file.status).toBe(200);
  return Buffer.from(await file.arrayBuffer());
}
