// What every export activity does first: load the report, check its type and filters, name its file,
// and notice a file that an earlier attempt finished before dying.
import type { Sql } from '../src/db/connection';
import { findReport, type CsvReport, type PdfReport, type ReportContext } from '../src/reports';
import type { ReportStorage } from '../src/storage/storage';
import { storageKeys } from '../src/storage/keys';
import { loadReportJob, type ExportResult, type ReportJob } from './records';
import { permanentFailure } from './failures';

export interface PreparedJob<R> {
  job: ReportJob;
  report: R;
  filters: unknown;
  reportCtx: ReportContext;
  fileName: string;
  finalKey: string;
  /** The result of an earlier attempt that finished the file, if one did. */
  finished: ExportResult | null;
}

export async function prepareJob(sql: Sql, storage: ReportStorage, reportId: string, format: 'csv'): Promise<PreparedJob<CsvReport>>;
export async function prepareJob(sql: Sql, storage: ReportStorage, reportId: string, format: 'pdf'): Promise<PreparedJob<PdfReport>>;
export async function prepareJob(sql: Sql, storage: ReportStorage, reportId: string, format: 'csv' | 'pdf'): Promise<PreparedJob<CsvReport | PdfReport>> {
  const job = await loadReportJob(sql, reportId);
  const report = findReport(job.type);
  if (!report || report.format !== format) {
    throw permanentFailure('InvalidFilters', `unknown ${format.toUpperCase()} report type ${job.type}`);
  }
  const parsed = report.filters.safeParse(job.filters);
  if (!parsed.success) {
    throw permanentFailure('InvalidFilters', `stored filters no longer valid: ${parsed.error.message}`);
  }
  const problems = (await report.checkBeforeExport?.(sql, job.companyId, parsed.data)) ?? [];
  if (problems.length) {
    throw permanentFailure('InvalidFilters', `filters no longer valid: ${problems.map((p) => p.message).join('; ')}`);
  }
  const reportCtx: ReportContext = { companyId: job.companyId, timezone: job.timezone, requestedAt: job.createdAt };
  const fileName = report.fileName(parsed.data, reportCtx);
  const finalKey = storageKeys.final(job, fileName);
  return { job, report, filters: parsed.data, reportCtx, fileName, finalKey, finished: await finishedEarlier(storage, job, finalKey) };
}

/** The record names a complete file of the recorded size: the export is done, only parts may remain. */
async function finishedEarlier(storage: ReportStorage, job: ReportJob, finalKey: string): Promise<ExportResult | null> {
  if (job.objectKey !== finalKey || job.sizeBytes === null || job.rowCount === null) return null;
  if ((await storage.size(finalKey)) !== job.sizeBytes) return null;
  await storage.deletePrefix(storageKeys.partsPrefix(job.id));
  return { objectKey: finalKey, fileName: finalKey.split('/').pop()!, rowCount: job.rowCount, sizeBytes: job.sizeBytes };
}
