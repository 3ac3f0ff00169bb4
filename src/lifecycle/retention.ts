/**
 * The rules of a report's end of life, shared by the retention activities (the Schedule's periodic run),
 * the API (creating the 8th report prunes at once; DELETE /api/reports/:id) and nothing else.
 *
 * - A READY report's file lives until `expires_at` (24 h after `finished_at`); then the file is deleted
 *   and the record stays with `expired = true` (download answers 410).
 * - A company keeps its newest KEEP_PER_TYPE reports of each type; older finished ones are deleted, file
 *   and record. A PROCESSING report is never pruned (nor counted out: it is among the newest anyway).
 *
 * Every step is idempotent: the file goes first, then the record, so a run that dies in between is
 * finished by the next one, and two runs at once (API and Schedule) only repeat harmless deletes.
 */
import type { Sql } from '../db/connection';
import type { ReportStorage } from '../storage/storage';
import { storageKeys } from '../storage/keys';

export const KEEP_PER_TYPE = 7;

/** A report retention acted on, as its run reports it. */
export interface RetainedReport {
  id: string;
  companyId: number;
  type: string;
}

interface Candidate extends RetainedReport {
  objectKey: string | null;
}

/** READY reports whose link expired and whose file is still there, oldest first. */
export async function findExpiredReports(sql: Sql, limit: number): Promise<Candidate[]> {
  return sql<Candidate[]>`
    select id, company_id as "companyId", type, object_key as "objectKey" from reports.reports
    where status = 'READY' and not expired and expires_at <= now()
    order by expires_at, id
    limit ${limit}`;
}

/** Deletes the file of an expired report and marks it expired. False when someone else got there first. */
export async function expireReport(sql: Sql, storage: ReportStorage, report: Candidate): Promise<boolean> {
  if (report.objectKey) await storage.delete(report.objectKey);
  const rows = await sql`
    update reports.reports set expired = true
    where id = ${report.id} and status = 'READY' and not expired and expires_at <= now()`;
  return rows.count > 0;
}

/**
 * Finished reports beyond the newest `keep` of their company and type, oldest first. With `scope`, only
 * that company and type (the API's prune after a creation); without, every company (the Schedule's run).
 */
export async function findReportsBeyondKeep(
  sql: Sql, keep: number, scope?: { companyId: number; type: string },
): Promise<Candidate[]> {
  return sql<Candidate[]>`
    select id, "companyId", type, "objectKey" from (
      select id, company_id as "companyId", type, object_key as "objectKey", status, created_at,
             row_number() over (partition by company_id, type order by created_at desc, id desc) as age
      from reports.reports
      ${scope ? sql`where company_id = ${scope.companyId} and type = ${scope.type}` : sql``}
    ) ranked
    where age > ${keep} and status <> 'PROCESSING'
    order by created_at, id`;
}

/** Deletes a finished report: its file (and any leftovers under its folder), then its record. */
export async function deleteFinishedReport(sql: Sql, storage: ReportStorage, report: Candidate): Promise<boolean> {
  await deleteReportFiles(storage, report);
  const rows = await sql`delete from reports.reports where id = ${report.id} and status <> 'PROCESSING'`;
  return rows.count > 0;
}

/** Everything stored for a report: the final file, its folder, and parts of an interrupted export. */
export async function deleteReportFiles(
  storage: ReportStorage, report: { id: string; companyId: number; objectKey?: string | null },
): Promise<void> {
  if (report.objectKey) await storage.delete(report.objectKey);
  await storage.deletePrefix(storageKeys.folder(report));
  await storage.deletePrefix(storageKeys.partsPrefix(report.id));
}

/** Keys older than the 24 h window no longer replay anything; forgetting them keeps the table small. */
export async function forgetIdempotencyKeys(sql: Sql): Promise<number> {
  const rows = await sql`delete from reports.idempotency_keys where created_at < now() - interval '24 hours'`;
  return rows.count;
}
