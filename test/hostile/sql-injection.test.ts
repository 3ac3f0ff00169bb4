// Hostile input 8: SQL injection in every string filter. Free-text filters are compared as exact strings
// (a row whose value *is* the payload is found, nothing else); constrained ones answer 400; and the
// database is byte-for-byte what it was.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../src/db/connection';
import { parseReportCsv } from '../setup/csv';
import { createCompany, createOfficialMessage, createWebhookEvent, createWhatsapp } from '../setup/rows';
import { ReportsApi, useCompany, useStack } from '../setup/reports-api';

const PAYLOADS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "'; DROP TABLE webhook_events; --",
  "x'); DELETE FROM official_messages; --",
  "' UNION SELECT email, name, null, null, null, null, null FROM users --",
  '"; TRUNCATE companies CASCADE; --',
  "1' AND pg_sleep(20) IS NULL --",
  "$$; DROP SCHEMA reports CASCADE; $$",
  "\\'; UPDATE users SET profile = 'admin'; --",
  "') OR current_setting('reports.company_id') <> '' --",
  '%',
  '*/ OR /* 1=1',
];
/** The payload that is also stored as data: it must match itself, literally, and nothing else. */
const STORED = "' OR '1'='1";
const RANGE = { from: '2026-10-01', to: '2026-10-31' };

/** Every table of the platform and of the reports schema (but the report records themselves), hashed. */
async function databaseFingerprint(sql: Sql): Promise<Record<string, string>> {
  const tables = await sql<{ schema: string; name: string }[]>`
    select table_schema as schema, table_name as name from information_schema.tables
    where table_schema in ('public', 'reports') and table_type = 'BASE TABLE' and table_name not in ('reports', 'idempotency_keys')
    order by 1, 2`;
  const out: Record<string, string> = {};
  for (const t of tables) {
    const [{ h }] = await sql.unsafe<{ h: string }[]>(
      `select coalesce(md5(string_agg(x::text, E'\\n' order by x::text)), '') || '/' || count(*) as h from ${t.schema}.${t.name} x`,
    );
    out[`${t.schema}.${t.name}`] = h;
  }
  const [{ roles }] = await sql<{ roles: string }[]>`select string_agg(rolname || ':' || rolsuper, ',' order by rolname) as roles from pg_roles`;
  out.roles = roles;
  return out;
}

describe('SQL injection in string filters', () => {
  const stack = useStack({ maxProcessingPerCompany: 1_000 });
  const company = useCompany(stack, 'Loja Injeção');
  let before: Record<string, string>;

  beforeAll(async () => {
    const { sql } = stack;
    const other = await createCompany(sql, 'OUTRA-EMPRESA');
    const at = '2026-10-10T15:00:00Z';
    for (const [companyId, tag] of [[company.id, 'A'], [other.id, 'OUTRA-EMPRESA']] as const) {
      await createWebhookEvent(sql, companyId, { eventType: STORED, requestId: STORED, contactNumber: STORED, createdAt: at, httpStatus: 200 });
      await createWebhookEvent(sql, companyId, { eventType: `message.${tag}`, requestId: `req-${tag}`, contactNumber: '5511900001111', createdAt: at, httpStatus: 200 });
      const w = await createWhatsapp(sql, companyId, { number: STORED, wabaId: `waba-${tag}`, activatedAt: '2026-01-01T00:00:00Z' });
      await createOfficialMessage(sql, companyId, { wamid: `wamid.${tag}.stored`, whatsappId: w, contactNumber: STORED, sentAt: at });
      await createOfficialMessage(sql, companyId, {
        wamid: `wamid.${tag}.plain`, whatsappId: companyId === company.id ? company.whatsapp : other.whatsapp, contactNumber: '5511900001111', sentAt: at,
      });
    }
    before = await databaseFingerprint(sql);
  }, 120_000);

  const FREE_TEXT: { type: string; field: string; list?: boolean; column: number }[] = [
    { type: 'webhook_events', field: 'contactNumber', column: 3 },
    { type: 'webhook_events', field: 'requestId', column: 4 },
    { type: 'webhook_events', field: 'eventTypes', list: true, column: 0 },
    { type: 'official_messages', field: 'contactNumber', column: 1 },
    { type: 'official_messages', field: 'whatsappNumber', column: 2 },
  ];

  for (const target of FREE_TEXT) {
    it(`when ${target.type}.${target.field} carries SQL, then 400 naming the field or an exact-text match: its own row or nothing`, async () => {
      let matched = 0;
      for (const payload of PAYLOADS) {
        const filters = { ...RANGE, [target.field]: target.list ? [payload] : payload };
        const res = await stack.api('/api/reports', { method: 'POST', token: company.token, body: JSON.stringify({ type: target.type, filters }) });
        if (res.status === 400) {
          // Only a rule of the field itself may refuse it (e.g. its length), never a failure further in.
          const problem = (await res.json()) as { errors: { path: string }[] };
          expect(problem.errors.map((e) => e.path), payload).toEqual([`filters.${target.field}${target.list ? '.0' : ''}`]);
          continue;
        }
        expect(res.status, payload).toBe(202);
        const { id } = (await res.json()) as { id: string };
        expect((await stack.waitForReport(id, company.token)).status).toBe('READY');
        const bytes = await new ReportsApi(stack, company.token).download(id);
        const [, ...rows] = parseReportCsv(bytes);
        // Only the caller's row whose value is exactly the payload; never the other company's twin.
        expect(rows.map((r) => r[target.column]), payload).toEqual(payload === STORED ? [STORED] : []);
        expect(bytes.toString('utf8')).not.toContain('OUTRA-EMPRESA');
        matched++;
      }
      expect(matched).toBeGreaterThanOrEqual(PAYLOADS.length - 2);
    }, 120_000);
  }

  it('when constrained filters (dates, months, enums, id lists) carry SQL, then 400 naming the field', async () => {
    const cases: [type: string, filters: Record<string, unknown>, path: string][] = [];
    for (const payload of PAYLOADS.slice(0, 6)) {
      cases.push(
        ['ticket_summary', { from: payload, to: '2026-10-31' }, 'filters.from'],
        ['ticket_summary', { ...RANGE, statuses: ['open', payload] }, 'filters.statuses.1'],
        ['service_history', { ...RANGE, queueIds: [payload] }, 'filters.queueIds.0'],
        ['licenses', { month: payload }, 'filters.month'],
        ['official_messages', { ...RANGE, messageType: payload }, 'filters.messageType'],
        ['official_messages', { ...RANGE, origin: payload }, 'filters.origin'],
        ['webhook_events', { ...RANGE, requestStatus: payload }, 'filters.requestStatus'],
        ['webhook_events', { ...RANGE, campaignIds: [payload] }, 'filters.campaignIds.0'],
        ['ticket_detail', { ticketId: payload }, 'filters.ticketId'],
      );
    }
    for (const [type, filters, path] of cases) {
      const res = await stack.api('/api/reports', { method: 'POST', token: company.token, body: JSON.stringify({ type, filters }) });
      expect(res.status, `${type} ${JSON.stringify(filters)}`).toBe(400);
      const problem = (await res.json()) as { errors: { path: string }[] };
      expect(problem.errors.map((e) => e.path)).toContain(path);
    }
    // And through the other ways in: the list's query string and the ticket export's path.
    for (const payload of PAYLOADS.slice(0, 4)) {
      expect((await stack.api(`/api/reports?type=${encodeURIComponent(payload)}`, { token: company.token })).status).toBe(400);
      expect((await stack.api(`/api/reports?status=${encodeURIComponent(payload)}`, { token: company.token })).status).toBe(400);
      expect((await stack.api(`/api/reports/${encodeURIComponent(payload)}`, { token: company.token })).status).toBe(404);
      expect((await stack.api(`/api/tickets/${encodeURIComponent(payload)}/export`, { method: 'POST', token: company.token })).status).toBe(400);
    }
  });

  it('then, after every attempt, the database is exactly as it was', async () => {
    expect(await databaseFingerprint(stack.sql)).toEqual(before);
  });
});
