// Builders for the billing and integration reports (licenses, numbers, login_logout, webhook_events),
// plus zone arithmetic done with Intl, independently of the SQL under test.
import { expect } from 'vitest';
import type { Sql } from '../../src/db/connection';
import type { Stack } from './stack';

export interface UserInput {
  name: string;
  email: string;
  profile: 'admin' | 'supervisor' | 'user';
  createdAt: string | Date;
  deletedAt?: string | Date | null;
  queueIds?: number[];
}

export async function createUserAt(sql: Sql, companyId: number, u: UserInput): Promise<number> {
  const [{ id }] = await sql<{ id: number }[]>`
    insert into users (company_id, name, email, profile, created_at, deleted_at)
    values (${companyId}, ${u.name}, ${u.email}, ${u.profile}, ${iso(u.createdAt)}, ${u.deletedAt ? iso(u.deletedAt) : null})
    returning id`;
  for (const queueId of u.queueIds ?? []) await sql`insert into user_queues (user_id, queue_id) values (${id}, ${queueId})`;
  return id;
}

export interface WhatsappInput {
  number: string;
  provider?: 'official' | 'unofficial';
  wabaId?: string | null;
  status?: 'CONNECTED' | 'DISCONNECTED' | 'OPENING' | 'QRCODE' | 'TIMEOUT' | 'BANNED';
  activatedAt: string | Date;
  deactivatedAt?: string | Date | null;
}

export async function createWhatsapp(sql: Sql, companyId: number, w: WhatsappInput): Promise<number> {
  const provider = w.provider ?? (w.wabaId ? 'official' : 'unofficial');
  const [{ id }] = await sql<{ id: number }[]>`
    insert into whatsapps (company_id, name, number, provider, waba_id, status, activated_at, deactivated_at)
    values (${companyId}, ${'Número ' + w.number}, ${w.number}, ${provider}, ${w.wabaId ?? null}, ${w.status ?? 'CONNECTED'},
            ${iso(w.activatedAt)}, ${w.deactivatedAt ? iso(w.deactivatedAt) : null})
    returning id`;
  return id;
}

export async function createAccessLog(
  sql: Sql, companyId: number, a: { userId: number; action: 'login' | 'logout'; ip?: string | null; createdAt: string },
): Promise<number> {
  const [{ id }] = await sql<{ id: number }[]>`
    insert into access_logs (company_id, user_id, action, ip, created_at)
    values (${companyId}, ${a.userId}, ${a.action}, ${a.ip ?? null}, ${a.createdAt}) returning id`;
  return id;
}

export async function createCampaign(sql: Sql, companyId: number, name: string): Promise<number> {
  const [{ id }] = await sql<{ id: number }[]>`
    insert into campaigns (company_id, name, created_at) values (${companyId}, ${name}, '2026-01-01T00:00:00Z') returning id`;
  return id;
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
  const [{ id }] = await sql<{ id: number }[]>`
    insert into webhook_events (company_id, event_type, request_id, campaign_id, contact_number, url, http_status, attempts, created_at, last_attempt_at)
    values (${companyId}, ${e.eventType}, ${e.requestId}, ${e.campaignId ?? null}, ${e.contactNumber ?? null}, 'https://cliente.example/webhook',
            ${e.httpStatus ?? null}, ${e.attempts ?? 1}, ${e.createdAt}, ${e.createdAt})
    returning id`;
  return id;
}

function iso(t: string | Date): string {
  return typeof t === 'string' ? t : t.toISOString();
}

/** The wall-clock fields of an instant in a zone. */
function zonedParts(at: Date, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** The instant of local midnight on the 1st of the month `monthsBack` months before `now`'s month (negative: ahead). */
export function zonedMonthStart(timeZone: string, monthsBack: number, now = new Date()): Date {
  const { year, month } = zonedParts(now, timeZone);
  const wall = Date.UTC(year, month - 1 - monthsBack, 1);
  // Local wall time → instant: subtract the zone's offset, re-checked once at the result (DST).
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const p = zonedParts(new Date(guess), timeZone);
    const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - guess;
    guess = wall - offset;
  }
  return new Date(guess);
}

/** `YYYY-MM` of the month `monthsBack` months before `now`'s month, in the zone. */
export function zonedMonthLabel(timeZone: string, monthsBack: number, now = new Date()): string {
  const { year, month } = zonedParts(zonedMonthStart(timeZone, monthsBack, now), timeZone);
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** An instant as reports.md writes timestamps: DD/MM/YYYY HH:MM:SS in the zone. */
export function formatZoned(at: Date, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(p.day)}/${two(p.month)}/${p.year} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}

export const plusSeconds = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);

/** POST → READY → download: the file's bytes and the finished record. */
export async function runCsvReport(stack: Stack, token: string, type: string, filters: Record<string, unknown>) {
  const res = await stack.api('/api/reports', { method: 'POST', token, body: JSON.stringify({ type, filters }) });
  expect(res.status).toBe(202);
  const created = (await res.json()) as { id: string };
  const done = await stack.waitForReport(created.id, token);
  expect(done.status).toBe('READY');
  const download = await stack.api(`/api/reports/${created.id}/download`, { token });
  expect(download.status).toBe(302);
  const file = await fetch(download.headers.get('location')!);
  expect(file.status).toBe(200);
  return { report: done, bytes: Buffer.from(await file.arrayBuffer()) };
}

/** POST a request that must be refused: the paths the 400 names, each message naming its path. */
export async function refusedPaths(stack: Stack, token: string, type: string, filters: unknown): Promise<string[]> {
  const res = await stack.api('/api/reports', { method: 'POST', token, body: JSON.stringify({ type, filters }) });
  expect(res.status).toBe(400);
  const problem = (await res.json()) as { errors: { path: string; message: string }[] };
  for (const e of problem.errors) expect(e.message).toContain(e.path);
  return problem.errors.map((e) => e.path);
}

/** A CSV file as the tests expect it: BOM, header, CRLF after every row. */
export const csvFile = (header: string, rows: string[]) => '\uFEFF' + [header, ...rows].map((r) => r + '\r\n').join('');
