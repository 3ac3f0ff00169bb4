// The `official` section of the benchmark: Mensagens Oficial over a month of N official messages (default
// 3,000,000) — how soon its first rows reach the disk, and its plan (an index range read in (sent_at, id)
// order, or a sort of the whole month first).
import { seed } from '../dev/seed/seed';
import { findReport, type CsvReport } from '../src/reports';
import { QueryParams, buildCopySql } from '../src/reports/query';
import type { ApiClient } from './api-client';
import { MONTH, benchDatabase, type SeededDatabase } from './services';

export const OFFICIAL_TYPE = 'official_messages';

/**
 * A database with `rows` official messages of one company within MONTH: the seed's month (few messages),
 * its official messages repeated with shifted times and ids until there are `rows`. Kept per data dir.
 */
export async function officialDatabase(adminUrl: string, rows: number, log: (m: string) => void): Promise<SeededDatabase> {
  const { url, sql } = await benchDatabase(adminUrl, `bench_official_${rows}`);
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from public.official_messages`;
  if (n < rows) {
    const started = Date.now();
    log(`official: seeding ${rows.toLocaleString('en')} official messages into ${url.pathname.slice(1)}`);
    if (n === 0) await seed(sql, { companies: 1, messages: 40_000, seed: 7, days: MONTH.days, now: MONTH.now });
    // Copies of the seeded rows, each copy its own ids and wamids, times moved by up to an hour within the month.
    await sql`
      insert into public.official_messages (company_id, wamid, whatsapp_id, contact_number, direction, message_type, template_name,
                                            sent_at, delivery_status, billable, cost, cost_center_id, campaign_id, queue_id)
      select o.company_id, o.wamid || '.' || g, o.whatsapp_id, o.contact_number, o.direction, o.message_type, o.template_name,
             least(o.sent_at + ((g * 7919) % 3600) * interval '1 second', ${MONTH.now}::timestamptz - interval '1 second'),
             o.delivery_status, o.billable, o.cost, o.cost_center_id, o.campaign_id, o.queue_id
      from (select * from public.official_messages order by id) o
        cross join generate_series(1, ceil(${rows}::numeric / greatest((select count(*) from public.official_messages), 1))::int - 1) g
      limit ${rows} - (select count(*) from public.official_messages)`;
    await sql`vacuum analyze public.official_messages`;
    log(`official: seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  await sql`delete from reports.reports`;
  const [user] = await sql<{ id: number; companyId: number }[]>`
    select id, company_id as "companyId" from public.users where profile = 'admin' and deleted_at is null order by id limit 1`;
  return { url: url.toString(), sql, companyId: user.companyId, adminUserId: user.id, reused: n >= rows };
}

/** The plan's first lines (EXPLAIN, no ANALYZE): does it read in order, or sort the month first? */
export async function officialPlan(db: SeededDatabase): Promise<string> {
  const [{ timezone }] = await db.sql<{ timezone: string }[]>`select timezone from public.companies where id = ${db.companyId}`;
  const report = findReport(OFFICIAL_TYPE) as CsvReport;
  const q = new QueryParams({ companyId: db.companyId, timezone, requestedAt: new Date() });
  const query = report.query(report.filters.parse({ from: MONTH.from, to: MONTH.to }), q);
  const plan = await db.sql.begin(async (tx) => {
    for (const [k, v] of q.settings) await tx`select set_config(${k}, ${v}, true)`;
    return tx.unsafe<{ 'QUERY PLAN': string }[]>(`explain ${buildCopySql(query, q, null)}`);
  });
  const lines = plan.map((r) => r['QUERY PLAN']).filter((l) => !/InitPlan|Result {2}\(cost/.test(l));
  return lines.some((l) => /\bSort\b/.test(l)) ? 'sorts the month first' : `reads in order (${lines.find((l) => /Index Scan/.test(l))?.trim().split('  (')[0] ?? 'no index scan'})`;
}

/** POST → first byte → READY of the whole month, `reps` times. */
export async function officialRuns(client: ApiClient, filesDir: string, reps: number) {
  const runs: { seconds: number; firstByte: number | null; rows: number }[] = [];
  for (let i = 0; i < reps; i++) {
    const { seconds, report, firstByteSeconds } = await client.createAndWait(
      '/api/reports', { type: OFFICIAL_TYPE, filters: { from: MONTH.from, to: MONTH.to } }, 50, { filesDir },
    );
    runs.push({ seconds, firstByte: firstByteSeconds, rows: report.rowCount ?? 0 });
  }
  return runs;
}
