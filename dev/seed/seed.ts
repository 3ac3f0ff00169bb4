// Fills an empty platform database with realistic, reproducible pt-BR data: the same seed and
// `now` always give the same rows, byte for byte, so tests and benchmarks can rely on them.
import type { Sql } from '../../src/db/connection';
import { copyLines } from './seed-copy';
import { accessLogLines, officialMessageLines, webhookEventLines } from './seed-events';
import { messageLines, setLastMessages } from './seed-messages';
import * as tenants from './seed-tenants';
import { assignTicketIds, planCompanyTickets, ticketLines, ticketTagLines, trackingLines } from './seed-tickets';

export type SeedOptions = {
  companies: number;
  /** Total rows of `messages`, split unevenly across companies; other tables scale from it. */
  messages: number;
  seed: number;
  /** Days of history, ending at `now`. Default 60. */
  days?: number;
  /** End of the history. Default: the current hour, so pass it when runs must be identical. */
  now?: Date;
  log?: (message: string) => void;
};

export const PLATFORM_TABLES = [
  'companies', 'users', 'queues', 'user_queues', 'whatsapps', 'contacts', 'tags', 'campaigns', 'cost_centers',
  'tickets', 'ticket_tags', 'ticket_trackings', 'messages', 'official_messages', 'webhook_events', 'access_logs',
] as const;
export type PlatformTable = (typeof PLATFORM_TABLES)[number];

/** Demo accounts: every company has an admin, a supervisor and a user present for the whole history. */
export type SeededCompany = {
  id: number; name: string; timezone: string;
  adminUserId: number; supervisorUserId: number; userUserId: number;
};

export type SeedSummary = {
  counts: Record<PlatformTable, number>;
  companies: SeededCompany[];
  /** The history covered: [from, to). */
  from: Date;
  to: Date;
};

/** Column order of the COPY rows that the seed-* generators produce. */
const COLUMNS: Record<PlatformTable, readonly string[]> = {
  companies: ['id', 'name', 'timezone', 'created_at'],
  users: ['id', 'company_id', 'name', 'email', 'profile', 'created_at', 'deleted_at'],
  queues: ['id', 'company_id', 'name'],
  user_queues: ['user_id', 'queue_id'],
  whatsapps: ['id', 'company_id', 'name', 'number', 'provider', 'waba_id', 'status', 'activated_at', 'deactivated_at'],
  contacts: ['id', 'company_id', 'name', 'number', 'email', 'created_at'],
  tags: ['id', 'company_id', 'name'],
  campaigns: ['id', 'company_id', 'name', 'created_at'],
  cost_centers: ['id', 'company_id', 'name'],
  tickets: ['id', 'company_id', 'contact_id', 'whatsapp_id', 'user_id', 'queue_id', 'status', 'direction', 'contract', 'last_message', 'created_at', 'updated_at', 'closed_at'],
  ticket_tags: ['ticket_id', 'tag_id'],
  ticket_trackings: ['id', 'company_id', 'ticket_id', 'user_id', 'queue_id', 'whatsapp_id', 'created_at', 'queued_at', 'started_at', 'finished_at'],
  messages: ['id', 'company_id', 'ticket_id', 'tracking_id', 'contact_id', 'user_id', 'from_me', 'media_type', 'body', 'created_at'],
  official_messages: ['id', 'company_id', 'wamid', 'whatsapp_id', 'contact_number', 'direction', 'message_type', 'template_name', 'sent_at', 'delivery_status', 'billable', 'cost', 'cost_center_id', 'campaign_id', 'queue_id'],
  webhook_events: ['id', 'company_id', 'event_type', 'request_id', 'campaign_id', 'contact_number', 'url', 'http_status', 'attempts', 'created_at', 'last_attempt_at'],
  access_logs: ['id', 'company_id', 'user_id', 'action', 'ip', 'created_at'],
};

export async function seed(sql: Sql, options: SeedOptions): Promise<SeedSummary> {
  const { companies: companyCount, messages, seed: seedNumber } = options;
  const days = options.days ?? 60;
  if (!Number.isInteger(companyCount) || companyCount < 1) throw new RangeError('seed: companies must be an integer >= 1');
  if (!Number.isInteger(messages) || messages < 0) throw new RangeError('seed: messages must be an integer >= 0');
  if (!Number.isSafeInteger(seedNumber)) throw new RangeError('seed: seed must be an integer');
  if (!(days > 0)) throw new RangeError('seed: days must be > 0');
  const log = options.log ?? (() => {});
  const nowMs = options.now ? Math.floor(options.now.getTime() / 1000) * 1000 : Math.floor(Date.now() / tenants.HOUR) * tenants.HOUR;
  const clock: tenants.Clock = { now: nowMs, start: nowMs - Math.round(days * tenants.DAY) };

  // Everything but the messages themselves is planned up front; it is small next to them.
  const companies = tenants.planTenants(seedNumber, companyCount, messages, clock);
  const tickets = companies.flatMap((c) => planCompanyTickets(seedNumber, c, clock));
  const trackings = assignTicketIds(tickets);
  setLastMessages(seedNumber, tickets);
  const minimum = companyCount * 12; // enough for every kind of row in every company
  const official = Math.max(minimum, Math.round(messages / 4));
  const webhooks = Math.max(minimum, Math.round(messages / 10));
  const accessLogs = Math.max(minimum, Math.round(messages / 50));

  const counts = {} as Record<PlatformTable, number>;
  await sql.begin(async (transaction) => {
    const tx = transaction as unknown as Sql;
    await tx`lock table ${tx(PLATFORM_TABLES as unknown as string[])} in access exclusive mode`;
    await assertEmpty(tx);
    const foreignKeys = await dropForeignKeys(tx);
    const load = async (table: PlatformTable, lines: Iterable<string>) => {
      const started = Date.now();
      counts[table] = await copyLines(tx, table, COLUMNS[table], lines);
      log(`seed: ${table}: ${counts[table]} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    };
    await load('companies', tenants.companyLines(companies));
    await load('users', tenants.userLines(companies));
    await load('queues', tenants.namedLines(companies, (c) => c.queues));
    await load('user_queues', tenants.userQueueLines(companies));
    await load('whatsapps', tenants.whatsappLines(companies));
    await load('contacts', tenants.contactLines(companies));
    await load('tags', tenants.namedLines(companies, (c) => c.tags));
    await load('campaigns', tenants.campaignLines(companies));
    await load('cost_centers', tenants.namedLines(companies, (c) => c.costCenters));
    await load('tickets', ticketLines(tickets));
    await load('ticket_tags', ticketTagLines(tickets));
    await load('ticket_trackings', trackingLines(trackings));
    await load('messages', messageLines(seedNumber, tickets));
    await load('official_messages', officialMessageLines(seedNumber, companies, official, clock));
    await load('webhook_events', webhookEventLines(seedNumber, companies, webhooks, clock));
    await load('access_logs', accessLogLines(seedNumber, companies, accessLogs, clock));
    // Statistics first, so that checking the foreign keys below picks hash joins.
    await tx`analyze ${tx(PLATFORM_TABLES as unknown as string[])}`;
    await restoreForeignKeys(tx, foreignKeys, log);
    for (const table of PLATFORM_TABLES) {
      if (!COLUMNS[table].includes('id')) continue;
      // Ids were given explicitly; move each sequence past them so later inserts do not collide.
      await tx`select setval(pg_get_serial_sequence(${table}, 'id'), max(id)) from ${tx(table)}`;
    }
  });

  return {
    counts,
    companies: companies.map((c) => ({
      id: c.id, name: c.name, timezone: c.timezone,
      adminUserId: c.users[0].id, supervisorUserId: c.users[1].id, userUserId: c.users[2].id,
    })),
    from: new Date(clock.start),
    to: new Date(clock.now),
  };
}

async function assertEmpty(sql: Sql): Promise<void> {
  const filled: string[] = [];
  for (const table of PLATFORM_TABLES) {
    const rows = await sql`select 1 from ${sql(table)} limit 1`;
    if (rows.length > 0) filled.push(table);
  }
  if (filled.length > 0) {
    throw new Error(`seed: refusing to seed a database that already has platform data (${filled.join(', ')} not empty); use a fresh database`);
  }
}

type ForeignKey = { table: string; name: string; definition: string };

/**
 * Checking foreign keys row by row would cost more than the whole load, so they are dropped for
 * the load and added back after it (inside the same transaction), which checks every row at once.
 */
async function dropForeignKeys(sql: Sql): Promise<ForeignKey[]> {
  const keys = await sql<ForeignKey[]>`
    select cl.relname as table, c.conname as name, pg_get_constraintdef(c.oid) as definition
    from pg_constraint c join pg_class cl on cl.oid = c.conrelid
    where c.contype = 'f' and c.conrelid = any(
      select to_regclass(t)::oid from unnest(${PLATFORM_TABLES as unknown as string[]}::text[]) as t)
    order by cl.relname, c.conname`;
  for (const key of keys) await sql`alter table ${sql(key.table)} drop constraint ${sql(key.name)}`;
  return keys;
}

async function restoreForeignKeys(sql: Sql, keys: readonly ForeignKey[], log: (message: string) => void): Promise<void> {
  const started = Date.now();
  for (const key of keys) {
    // The definition is PostgreSQL's own text for the constraint just dropped, not outside input.
    await sql.unsafe(`alter table ${quoteIdentifier(key.table)} add constraint ${quoteIdentifier(key.name)} ${key.definition}`);
  }
  log(`seed: ${keys.length} foreign keys checked in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
