// The three ways the benchmark moves the month of service_history: PostgreSQL's own COPY to a file
// (the baseline), the export activity alone, and the whole path through the API and Temporal.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createCsvExportActivities } from '../activities/export-csv';
import type { Sql } from '../src/db/connection';
import { findReport, type CsvReport } from '../src/reports';
import { QueryParams, buildRangeCopySql, type KeysetQuery } from '../src/reports/query';
import type { ReportStorage } from '../src/storage/storage';

export type Run = { seconds: number; rows: number; bytes: number };

export const HISTORY_TYPE = 'service_history';

/** The filters of the benchmark's export: the whole month, no other filter. */
export function monthFilters(from: string, to: string) {
  return { from, to };
}

/**
 * The formatted baseline: `COPY (<the report's own statement for the whole month>) TO STDOUT` written to a
 * file by psql. Same rows, same columns, same cell text (the same SQL), in the same order; psql does no
 * work beyond writing what the server sends.
 */
export function baselineCopySql(companyId: number, timezone: string, filters: Record<string, unknown>): { sql: string; settings: [string, string][] } {
  const report = findReport(HISTORY_TYPE) as CsvReport;
  const q = new QueryParams({ companyId, timezone, requestedAt: new Date() });
  const parsed = report.filters.parse(filters);
  const query = report.query(parsed, q) as KeysetQuery;
  // The exporter's own statement over the whole month (one range spanning every ticket, no key column):
  // whatever plan the report's query gets, the baseline gets the same.
  const sql = buildRangeCopySql(query, q);
  return { sql: `copy (${sql}) to stdout with (format csv, delimiter ';')`, settings: q.settings };
}

/**
 * The baseline 1.00: the statement a DBA would write for the same rows and columns — a plain join of the
 * raw columns, unformatted, in the same order (ticket, message time, id) — not the module's own statement.
 * Values are the bench's own (a company id, two dates, a zone name), written into the text.
 */
export function rawCopySql(companyId: number, timezone: string, from: string, to: string): { sql: string; settings: [string, string][] } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || !/^[A-Za-z_/+-]+$/.test(timezone)) throw new Error('bench: bad raw COPY bounds');
  const bound = (day: string, plus: number) => `(('${day}'::date + ${plus})::timestamp at time zone '${timezone}')`;
  const select = `select m.ticket_id, m.tracking_id, m.body, m.created_at, m.from_me, su.name, c.number, w.number, ru.name, qu.name,
    t.status, t.contract
  from public.messages m
    join public.tickets t on t.id = m.ticket_id
    left join public.contacts c on c.id = t.contact_id
    left join public.whatsapps w on w.id = t.whatsapp_id
    left join public.users su on su.id = m.user_id
    left join public.users ru on ru.id = t.user_id
    left join public.queues qu on qu.id = t.queue_id
  where m.company_id = ${Math.trunc(companyId)} and m.created_at >= ${bound(from, 0)} and m.created_at < ${bound(to, 1)}
  order by m.ticket_id, m.created_at, m.id`;
  return { sql: `copy (${select}) to stdout with (format csv, delimiter ';')`, settings: [] };
}

export async function runBaselineCopy(
  psql: string, databaseUrl: string, copy: { sql: string; settings: [string, string][] }, file: string, rows: number,
): Promise<Run> {
  // Settings go in as session options, which COPY's query reads like the exporter's set_config values.
  const options = copy.settings.map(([k, v]) => `-c ${k}=${v.replace(/\\/g, '\\\\').replace(/ /g, '\\ ')}`).join(' ');
  const fd = openSync(file, 'w');
  const started = process.hrtime.bigint();
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl, '-c', copy.sql], {
        env: { ...process.env, PGOPTIONS: options },
        stdio: ['ignore', fd, 'pipe'],
      });
      let err = '';
      child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited with ${code}: ${err}`))));
    });
  } finally {
    closeSync(fd);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const bytes = statSync(file).size;
  rmSync(file, { force: true });
  return { seconds, rows, bytes };
}

/** The export activity in this process, on a record inserted for it: no API, no Temporal. */
export async function runActivityAlone(
  sql: Sql, storage: ReportStorage, filesDir: string, user: { id: number; companyId: number }, filters: Record<string, unknown>,
  partBytes?: number,
): Promise<Run> {
  const id = randomUUID();
  await sql`
    insert into reports.reports (id, company_id, type, format, status, filters, requested_by, workflow_id)
    values (${id}, ${user.companyId}, ${HISTORY_TYPE}, 'csv', 'PROCESSING', ${sql.json(filters as never)}, ${user.id}, ${`bench-${id}`})`;
  const activities = createCsvExportActivities({ sql, storage, partBytes });
  const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 30_000 });
  const started = process.hrtime.bigint();
  const result = (await env.run(activities.exportCsvReport, id)) as { rowCount: number; sizeBytes: number };
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  removeReportFiles(filesDir, user.companyId, id);
  // No workflow will finish it: leave no PROCESSING record to count against the company's limit.
  await sql`delete from reports.reports where id = ${id}`;
  return { seconds, rows: result.rowCount, bytes: result.sizeBytes };
}

export function removeReportFiles(filesDir: string, companyId: number, reportId: string): void {
  rmSync(path.join(filesDir, 'reports', String(companyId), reportId), { recursive: true, force: true });
  rmSync(path.join(filesDir, 'parts', reportId), { recursive: true, force: true });
}

/** Leftover files of every report (after the end-to-end runs, whose ids the worker chose). */
export function removeAllReportFiles(filesDir: string): void {
  for (const dir of ['reports', 'parts']) {
    const full = path.join(filesDir, dir);
    if (existsSync(full)) for (const entry of readdirSync(full)) rmSync(path.join(full, entry), { recursive: true, force: true });
  }
}
