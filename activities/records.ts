// Report records in reports.reports: what the API lists, written by activities at each step.
import type { Sql } from '../src/db/connection';
import { recordReportFinished } from '../src/metrics';
import type { ReportStorage } from '../src/storage/storage';
import { permanentFailure } from './failures';
import { storageKeys } from '../src/storage/keys';

/** How long a finished report's link (and file) lives. */
export const LINK_LIFETIME_HOURS = 24;

export interface ExportResult {
  objectKey: string;
  fileName: string;
  rowCount: number;
  sizeBytes: number;
}

export interface ReportJob {
  id: string;
  companyId: number;
  type: string;
  format: 'csv' | 'xlsx' | 'pdf';
  filters: unknown;
  createdAt: Date;
  timezone: string;
  objectKey: string | null;
  sizeBytes: number | null;
  rowCount: number | null;
}

export async function loadReportJob(sql: Sql, reportId: string): Promise<ReportJob> {
  const [row] = await sql<ReportJob[]>`
    select r.id, r.company_id as "companyId", r.type, r.format, r.filters, r.created_at as "createdAt", c.timezone,
           r.object_key as "objectKey", r.size_bytes as "sizeBytes", r.row_count as "rowCount"
    from reports.reports r join public.companies c on c.id = r.company_id
    where r.id = ${reportId}`;
  if (!row) throw permanentFailure('ReportNotFound', `report ${reportId} does not exist`);
  return row;
}


export function createRecordActivities(deps: { sql: Sql; storage: ReportStorage; linkLifetimeSeconds?: number }) {
  const { sql, storage } = deps;
  const linkLifetimeSeconds = deps.linkLifetimeSeconds ?? LINK_LIFETIME_HOURS * 3600;
  return {
    /** False when the record is gone: the report was deleted while its file was being finished. */
    async markReportReady(reportId: string, result: ExportResult): Promise<boolean> {
      const rows = await sql`
        update reports.reports set status = 'READY', finished_at = now(),
          expires_at = now() + make_interval(secs => ${linkLifetimeSeconds}),
          object_key = ${result.objectKey}, file_name = ${result.fileName},
          row_count = ${result.rowCount}, size_bytes = ${result.sizeBytes},
          progress_rows = ${result.rowCount}, progress_total = ${result.rowCount}, error_message = null
        where id = ${reportId} and status = 'PROCESSING'
        returning type, extract(epoch from finished_at - created_at)::float8 as seconds`;
      if (rows.count > 0) {
        recordReportFinished({ type: rows[0].type, status: 'READY', seconds: rows[0].seconds, rows: result.rowCount });
        return true;
      }
      const [row] = await sql<{ status: string }[]>`select status from reports.reports where id = ${reportId}`;
      return row?.status === 'READY';
    },

    async markReportFailed(reportId: string, message: string): Promise<void> {
      const [failed] = await sql<{ type: string; seconds: number; companyId: number }[]>`
        update reports.reports set status = 'ERROR', finished_at = now(), error_message = ${message}
        where id = ${reportId} and status = 'PROCESSING'
        returning type, extract(epoch from finished_at - created_at)::float8 as seconds, company_id as "companyId"`;
      if (failed) recordReportFinished({ type: failed.type, status: 'ERROR', seconds: failed.seconds });
      await storage.deletePrefix(storageKeys.partsPrefix(reportId));
      // A failed report has no file: a workbook that failed after its CSV was stored leaves that CSV here.
      if (failed) await storage.deletePrefix(storageKeys.folder({ companyId: failed.companyId, id: reportId }));
    },

    /**
     * A cancelled report leaves nothing behind: parts and any composed file. DELETE has usually removed
     * the record already, so the files are found by their keys, not through the record.
     */
    async discardReportFiles(reportId: string, companyId?: number): Promise<void> {
      await storage.deletePrefix(storageKeys.partsPrefix(reportId));
      if (companyId !== undefined) await storage.deletePrefix(storageKeys.folder({ companyId, id: reportId }));
      const [row] = await sql<{ objectKey: string | null }[]>`
        select object_key as "objectKey" from reports.reports where id = ${reportId}`;
      if (row?.objectKey) await storage.delete(row.objectKey);
      // Runs once the export has stopped (the workflow waits for its cancellation): the slot is free.
      await sql`delete from reports.cancellations where report_id = ${reportId}`;
    },
  };
}
