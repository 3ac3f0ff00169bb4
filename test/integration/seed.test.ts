// The seed generator against a real PostgreSQL: reproducible, tenant-consistent, and holding every
// awkward kind of text that the exports must survive. Each seed goes into a fresh database of its own
// on the test PostgreSQL (TEST_DATABASE_URL, when set, names another server).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Sql } from '../../src/db/connection';
import { migrate } from '../../src/db/migrate';
import { copyLines } from '../../dev/seed/seed-copy';
import { PLATFORM_TABLES, seed, type SeedSummary } from '../../dev/seed/seed';
import { testServices } from '../setup/services';

const url = process.env.TEST_DATABASE_URL ?? testServices().postgresAdminUrl;
const NOW = new Date('2025-03-15T12:00:00Z');
const SIZE = { companies: 3, messages: 5000, days: 60, now: NOW };

describe('seed', () => {
  let admin: Sql;
  const created: Sql[] = [];
  const names: string[] = [];
  let first: { sql: Sql; summary: SeedSummary; fingerprint: Record<string, string> };
  let again: { sql: Sql; summary: SeedSummary; fingerprint: Record<string, string> };
  let other: { sql: Sql; summary: SeedSummary; fingerprint: Record<string, string> };

  async function freshDatabase(): Promise<Sql> {
    const name = `seed_test_${process.pid}_${names.length}`;
    await admin.unsafe(`drop database if exists ${name}`);
    await admin.unsafe(`create database ${name}`);
    names.push(name);
    const target = new URL(url!);
    target.pathname = `/${name}`;
    const sql = connect(target.toString(), { max: 2 });
    created.push(sql);
    await migrate(sql);
    return sql;
  }

  async function seeded(seedNumber: number) {
    const sql = await freshDatabase();
    const summary = await seed(sql, { ...SIZE, seed: seedNumber });
    return { sql, summary, fingerprint: await fingerprint(sql) };
  }

  beforeAll(async () => {
    admin = connect(url!, { max: 1 });
    first = await seeded(7);
    again = await seeded(7);
    other = await seeded(8);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(created.map((sql) => sql.end()));
    for (const name of names) await admin?.unsafe(`drop database if exists ${name}`);
    await admin?.end();
  });

  it('when seeded twice with the same seed and now, then every table has identical content', () => {
    expect(again.fingerprint).toEqual(first.fingerprint);
    expect(again.summary).toEqual(first.summary);
  });

  it('when seeded with another seed, then the content differs', () => {
    for (const table of ['users', 'contacts', 'tickets', 'ticket_trackings', 'messages', 'official_messages', 'webhook_events', 'access_logs']) {
      expect(other.fingerprint[table], table).not.toEqual(first.fingerprint[table]);
    }
  });

  it('then the summary counts are the rows in the database, with exactly the messages asked for', async () => {
    const { sql, summary } = first;
    expect(summary.counts.messages).toBe(5000);
    for (const table of PLATFORM_TABLES) {
      const [{ count }] = await sql<{ count: number }[]>`select count(*)::int as count from ${sql(table)}`;
      expect(count, table).toBe(summary.counts[table]);
      expect(count, table).toBeGreaterThan(0);
    }
    expect(summary.companies).toHaveLength(3);
    const profiles = await sql<{ id: number; profile: string; company_id: number; deleted_at: Date | null }[]>`select id, profile, company_id, deleted_at from users`;
    for (const c of summary.companies) {
      const byId = (id: number) => profiles.find((u) => u.id === id)!;
      expect([byId(c.adminUserId), byId(c.supervisorUserId), byId(c.userUserId)].map((u) => [u.profile, u.company_id, u.deleted_at])).toEqual([
        ['admin', c.id, null], ['supervisor', c.id, null], ['user', c.id, null],
      ]);
    }
  });

  it('then no row points at another company’s rows', async () => {
    const { sql } = first;
    const rows = await sql.unsafe<{ name: string; count: number }[]>(TENANT_VIOLATIONS);
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.filter((r) => r.count !== 0)).toEqual([]);
  });

  it('then tickets.last_message is the text of the ticket’s newest message', async () => {
    const [{ count }] = await first.sql<{ count: number }[]>`
      select count(*)::int as count from tickets t
      left join lateral (select body from messages m where m.ticket_id = t.id order by created_at desc, id desc limit 1) m on true
      where t.last_message is distinct from m.body`;
    expect(count).toBe(0);
  });

  it('then every company has messages with separators, quotes, line breaks, formulas, emoji and accents', async () => {
    const rows = await first.sql<{ company_id: number; kinds: boolean[] }[]>`
      select company_id, array[
        bool_or(strpos(body, ';') > 0), bool_or(strpos(body, '"') > 0), bool_or(strpos(body, chr(10)) > 0 or strpos(body, chr(13)) > 0),
        bool_or(body like '=%'), bool_or(strpos(body, '😀') > 0), bool_or(body ~ '[áâãàéêíóôõúçÁÂÃÉÍÓÚÇ]'),
        bool_or(strpos(body, '<script>') > 0), bool_or(strpos(body, chr(92)) > 0), bool_or(body ~ '^[+@-]')
      ] as kinds
      from messages group by company_id order by company_id`;
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r.kinds, `company ${r.company_id}`).toEqual(Array(9).fill(true));
  });

  it('then every company has each kind of ticket, tracking, number, user and event row', async () => {
    const rows = await first.sql.unsafe<{ name: string; companies: number }[]>(KINDS_PER_COMPANY);
    expect(rows.filter((r) => r.companies !== 3)).toEqual([]);
  });

  it('then the companies have several timezones', async () => {
    const [{ zones }] = await first.sql<{ zones: number }[]>`select count(distinct timezone)::int as zones from companies`;
    expect(zones).toBe(3);
  });

  it('when the database already has data, then seeding refuses and changes nothing', async () => {
    const { sql } = other;
    await expect(seed(sql, { ...SIZE, seed: 9 })).rejects.toThrow(/refusing to seed/);
    expect(await fingerprint(sql)).toEqual(other.fingerprint);
  });

  it('when the server refuses a COPY row, even the last one, then the load rejects with its error instead of hanging', async () => {
    const load = (rows: string[]) =>
      other.sql.begin(async (tx) => {
        await tx`create temp table copy_probe (n int) on commit drop`;
        return copyLines(tx as unknown as Sql, 'copy_probe', ['n'], rows);
      });
    await expect(load(['1\n', 'x\n', '3\n'])).rejects.toThrow(/invalid input syntax/);
    await expect(load(['1\n', '2\n', 'x\n'])).rejects.toThrow(/invalid input syntax/);
    await expect(load(['1\n', '2\n'])).resolves.toBe(2);
  });

  it('then the id sequences continue after the seeded ids', async () => {
    const { sql, summary } = other;
    const [row] = await sql<{ id: number }[]>`insert into companies (name) values ('Nova Empresa') returning id`;
    expect(row.id).toBe(summary.counts.companies + 1);
  });
});

/** One md5 per table over all its rows in key order: equal digests mean equal content. */
async function fingerprint(sql: Sql): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of PLATFORM_TABLES) {
    const order = table === 'user_queues' ? 'user_id, queue_id' : table === 'ticket_tags' ? 'ticket_id, tag_id' : 'id';
    const [{ digest }] = await sql.unsafe<{ digest: string }[]>(
      `select md5(coalesce(string_agg(t::text, E'\\n' order by ${order}), '')) as digest from ${table} t`,
    );
    out[table] = digest;
  }
  return out;
}

// Each line counts rows whose company differs from a row they reference.
const TENANT_VIOLATIONS = `
  select 'user_queues' as name, count(*)::int as count from user_queues uq join users u on u.id = uq.user_id join queues q on q.id = uq.queue_id where u.company_id <> q.company_id
  union all select 'tickets.contact', count(*)::int from tickets t join contacts c on c.id = t.contact_id where c.company_id <> t.company_id
  union all select 'tickets.whatsapp', count(*)::int from tickets t join whatsapps w on w.id = t.whatsapp_id where w.company_id <> t.company_id
  union all select 'tickets.user', count(*)::int from tickets t join users u on u.id = t.user_id where u.company_id <> t.company_id
  union all select 'tickets.queue', count(*)::int from tickets t join queues q on q.id = t.queue_id where q.company_id <> t.company_id
  union all select 'ticket_tags', count(*)::int from ticket_tags tt join tickets t on t.id = tt.ticket_id join tags g on g.id = tt.tag_id where g.company_id <> t.company_id
  union all select 'trackings.ticket', count(*)::int from ticket_trackings k join tickets t on t.id = k.ticket_id where t.company_id <> k.company_id
  union all select 'trackings.user', count(*)::int from ticket_trackings k join users u on u.id = k.user_id where u.company_id <> k.company_id
  union all select 'trackings.queue', count(*)::int from ticket_trackings k join queues q on q.id = k.queue_id where q.company_id <> k.company_id
  union all select 'trackings.whatsapp', count(*)::int from ticket_trackings k join whatsapps w on w.id = k.whatsapp_id where w.company_id <> k.company_id
  union all select 'messages.ticket', count(*)::int from messages m join tickets t on t.id = m.ticket_id where t.company_id <> m.company_id or t.contact_id <> m.contact_id
  union all select 'messages.tracking', count(*)::int from messages m join ticket_trackings k on k.id = m.tracking_id where k.company_id <> m.company_id or k.ticket_id <> m.ticket_id
  union all select 'messages.contact', count(*)::int from messages m join contacts c on c.id = m.contact_id where c.company_id <> m.company_id
  union all select 'messages.user', count(*)::int from messages m join users u on u.id = m.user_id where u.company_id <> m.company_id
  union all select 'messages without tracking', count(*)::int from messages where tracking_id is null
  union all select 'official.whatsapp', count(*)::int from official_messages o join whatsapps w on w.id = o.whatsapp_id where w.company_id <> o.company_id or w.provider <> 'official'
  union all select 'official.cost_center', count(*)::int from official_messages o join cost_centers c on c.id = o.cost_center_id where c.company_id <> o.company_id
  union all select 'official.campaign', count(*)::int from official_messages o join campaigns c on c.id = o.campaign_id where c.company_id <> o.company_id
  union all select 'official.queue', count(*)::int from official_messages o join queues q on q.id = o.queue_id where q.company_id <> o.company_id
  union all select 'official.contact_number', count(*)::int from official_messages o where not exists (select 1 from contacts c where c.company_id = o.company_id and c.number = o.contact_number)
  union all select 'webhooks.campaign', count(*)::int from webhook_events e join campaigns c on c.id = e.campaign_id where c.company_id <> e.company_id
  union all select 'webhooks.contact_number', count(*)::int from webhook_events e where e.contact_number is not null and not exists (select 1 from contacts c where c.company_id = e.company_id and c.number = e.contact_number)
  union all select 'access_logs.user', count(*)::int from access_logs a join users u on u.id = a.user_id where u.company_id <> a.company_id`;

// Each line counts the companies that have at least one row of a kind the reports must handle.
const KINDS_PER_COMPANY = `
  select 'ticket ' || s || ' ' || d as name, count(distinct company_id)::int as companies
    from unnest(array['open','pending','paused','closed']) s cross join unnest(array['inbound','outbound']) d
    left join tickets t on t.status = s and t.direction = d group by s, d
  union all select 'formula-like contract', count(distinct company_id)::int from tickets where contract ~ '^[=+@-]'
  union all select 'null contract', count(distinct company_id)::int from tickets where contract is null
  union all select 'reopened ticket', count(distinct company_id)::int from (select company_id from ticket_trackings group by company_id, ticket_id having count(*) >= 2) r
  union all select 'tracking without queue', count(distinct company_id)::int from ticket_trackings where queue_id is null
  union all select 'tracking without user', count(distinct company_id)::int from ticket_trackings where user_id is null
  union all select 'tracking not started', count(distinct company_id)::int from ticket_trackings where started_at is null
  union all select 'tracking unfinished', count(distinct company_id)::int from ticket_trackings where finished_at is null
  union all select 'message from contact', count(distinct company_id)::int from messages where not from_me
  union all select 'message from operator', count(distinct company_id)::int from messages where from_me and user_id is not null
  union all select 'message from system', count(distinct company_id)::int from messages where from_me and user_id is null
  union all select 'media message', count(distinct company_id)::int from messages where media_type <> 'chat'
  union all select 'deleted user', count(distinct company_id)::int from users where deleted_at is not null
  union all select 'official number with waba', count(distinct company_id)::int from whatsapps where provider = 'official' and waba_id is not null
  union all select 'unofficial number', count(distinct company_id)::int from whatsapps where provider = 'unofficial' and waba_id is null
  union all select 'delivery ' || s, count(distinct company_id)::int from unnest(array['accepted','sent','delivered','read','failed']) s left join official_messages o on o.delivery_status = s group by s
  union all select 'hsm with template and cost', count(distinct company_id)::int from official_messages where message_type = 'hsm' and template_name is not null and cost > 0 and billable
  union all select 'session received', count(distinct company_id)::int from official_messages where message_type = 'session' and direction = 'received'
  union all select 'cost 0.0625', count(distinct company_id)::int from official_messages where cost = 0.0625
  union all select 'http ' || coalesce(s::text, 'null'), count(distinct company_id)::int from unnest(array[200, 201, 404, 500, null]) s left join webhook_events e on e.http_status is not distinct from s group by s
  union all select 'attempts ' || a, count(distinct company_id)::int from generate_series(1, 5) a left join webhook_events e on e.attempts = a group by a
  union all select 'login ipv4', count(distinct company_id)::int from access_logs where action = 'login' and family(ip) = 4
  union all select 'logout ipv6', count(distinct company_id)::int from access_logs where action = 'logout' and family(ip) = 6`;
