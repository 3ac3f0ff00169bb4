/**
 * Exports a CSV report from PostgreSQL to storage at the speed of COPY.
 *
 * The rows come from `COPY (<report query>) TO STDOUT (FORMAT csv)`, already formatted by PostgreSQL,
 * and go to storage in numbered parts of about `partBytes`. After each part is stored the activity
 * heartbeats a checkpoint (the sort key of the part's last row, the part count, the row count); a retry
 * on any worker resumes the query after that key and writes the next part, so the joined file is
 * byte-identical to an uninterrupted run. The last step joins header + parts into the final object.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Sql } from '../src/db/connection';
import { copyOut } from '../src/db/copy-out';
import { CopyRowSplitter, csvHeader } from '../src/csv/format';
import { findReport, type CsvReport, type ReportContext } from '../src/reports';
import { QueryParams, buildCopySql, buildCountSql, type ReportQuery } from '../src/reports/query';
import type { ReportStorage } from '../src/storage/storage';
import { loadReportJob, storageKeys, type ExportResult, type ReportJob } from './records';

export interface ExportCheckpoint {
  cursor: string[] | null;
  parts: number;
  rows: number;
}

const DEFAULT_PART_BYTES = 8 * 1024 * 1024;
const CSV_TYPE = 'text/csv; charset=utf-8';

export function createCsvExportActivities(deps: { sql: Sql; storage: ReportStorage; partBytes?: number }) {
  const { sql, storage } = deps;
  const partBytes = deps.partBytes ?? DEFAULT_PART_BYTES;

  return {
    async exportCsvReport(reportId: string): Promise<ExportResult> {
      const ctx = Context.current();
      const job = await loadReportJob(sql, reportId);
      const report = csvReportOf(job);
      const filters = parseFilters(report, job);
      const reportCtx: ReportContext = { companyId: job.companyId, timezone: job.timezone, requestedAt: job.createdAt };
      const fileName = report.fileName(filters, reportCtx);
      const finalKey = storageKeys.final(job, fileName);

      // A previous attempt may have finished the file and died before returning.
      const done = await finishedEarlier(storage, job, finalKey);
      if (done) return done;

      const start = ctx.info.heartbeatDetails as ExportCheckpoint | undefined;
      let checkpoint: ExportCheckpoint = start ?? { cursor: null, parts: 0, rows: 0 };
      if (checkpoint.parts === 0) {
        await storeOrRetry(() => storage.put(storageKeys.part(reportId, 0), csvHeader(report.columns), CSV_TYPE));
      }

      const params = new QueryParams(job.companyId, job.timezone);
      const query = report.query(filters, params, reportCtx);
      if (!start) await recordTotal(sql, reportId, query, params);

      const copySql = buildCopySql(query, params, checkpoint.cursor);
      const splitter = new CopyRowSplitter(query.kind === 'keyset');
      let pending: Buffer[] = [];
      let pendingBytes = 0;

      const flush = async () => {
        if (pendingBytes === 0) return;
        const part = checkpoint.parts + 1;
        await storeOrRetry(() => storage.put(storageKeys.part(reportId, part), Buffer.concat(pending, pendingBytes), CSV_TYPE));
        checkpoint = { cursor: splitter.lastKey?.split('|') ?? null, parts: part, rows: checkpoint.rows + splitter.rows };
        splitter.rows = 0;
        pending = [];
        pendingBytes = 0;
        ctx.heartbeat(checkpoint);
        await sql`update reports.reports set progress_rows = ${checkpoint.rows} where id = ${reportId}`;
      };

      await runQuery(() =>
        sql.begin('isolation level repeatable read read only', async (tx) => {
          for (const [name, value] of params.settings) await tx`select set_config(${name}, ${value}, true)`;
          const stream = await copyOut(tx, `copy (${copySql}) to stdout with (format csv, delimiter ';')`);
          for await (const chunk of stream) {
            if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
            const rows = splitter.push(chunk);
            if (rows.length) {
              pending.push(rows);
              pendingBytes += rows.length;
            }
            if (pendingBytes >= partBytes) await flush();
            else ctx.heartbeat(checkpoint);
          }
          splitter.finish();
          await flush();
        }),
      );

      const sources = Array.from({ length: checkpoint.parts + 1 }, (_, n) => storageKeys.part(reportId, n));
      const { sizeBytes } = await storeOrRetry(() => storage.compose(sources, finalKey, CSV_TYPE));
      // The record is the durable proof that the file is complete (see finishedEarlier).
      await sql`update reports.reports set object_key = ${finalKey}, size_bytes = ${sizeBytes}, row_count = ${checkpoint.rows}
                where id = ${reportId}`;
      await storage.deletePrefix(storageKeys.partsPrefix(reportId));
      return { objectKey: finalKey, fileName, rowCount: checkpoint.rows, sizeBytes };
    },
  };
}

function csvReportOf(job: ReportJob): CsvReport {
  const report = findReport(job.type);
  if (!report || report.format !== 'csv') {
    throw ApplicationFailure.nonRetryable(`unknown CSV report type ${job.type}`, 'InvalidFilters');
  }
  return report;
}

function parseFilters(report: CsvReport, job: ReportJob): unknown {
  const parsed = report.filters.safeParse(job.filters);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(`stored filters no longer valid: ${parsed.error.message}`, 'InvalidFilters');
  }
  return parsed.data;
}

async function finishedEarlier(storage: ReportStorage, job: ReportJob, finalKey: string): Promise<ExportResult | null> {
  if (job.objectKey !== finalKey || job.sizeBytes === null || job.rowCount === null) return null;
  const size = await storage.size(finalKey);
  if (size !== job.sizeBytes) return null;
  await storage.deletePrefix(storageKeys.partsPrefix(job.id));
  return { objectKey: finalKey, fileName: finalKey.split('/').pop()!, rowCount: job.rowCount, sizeBytes: size };
}

async function recordTotal(sql: Sql, reportId: string, query: ReportQuery, params: QueryParams): Promise<void> {
  if (query.kind !== 'keyset') return;
  const countSql = buildCountSql(query, params);
  const [{ n }] = await runQuery(() =>
    sql.begin('read only', async (tx) => {
      for (const [name, value] of params.settings) await tx`select set_config(${name}, ${value}, true)`;
      return tx.unsafe<{ n: number }[]>(countSql);
    }),
  );
  await sql`update reports.reports set progress_total = ${n} where id = ${reportId}`;
}

/** PostgreSQL errors in our SQL or data will fail again: do not retry them. Connection trouble will pass. */
async function runQuery<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^(42|22|2F|0A|44)/.test(code)) {
      throw ApplicationFailure.nonRetryable(`report query failed: ${(err as Error).message} (SQLSTATE ${code})`, 'QueryFailed');
    }
    throw err;
  }
}

/** Storage errors are retried by Temporal; the failure type tells the user what went wrong if retries run out. */
async function storeOrRetry<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw ApplicationFailure.retryable(`storage: ${(err as Error).message}`, 'StorageFailed');
  }
}
