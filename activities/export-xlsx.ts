/**
 * Turns a report's stored CSV into its workbook (format xlsx), streaming: the CSV is read from storage,
 * each row becomes typed cells (src/xlsx), and the zip goes to storage in parts that are then joined.
 *
 * It runs after exportCsvReport, which for an xlsx report stores the CSV of the same request with people's
 * text as stored (no anti-formula apostrophe) in the report's folder. That export is the part worth
 * checkpointing (the query); this step only reads a file, so a retry does it again from the start, and
 * since the writer is deterministic (same rows, same bytes) the workbook is byte-identical to an
 * uninterrupted run. Once the workbook is recorded the CSV is deleted.
 */
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { Sql } from '../src/db/connection';
import type { Logger } from '../src/log';
import { findReport, workbookFileName } from '../src/reports';
import type { ReportStorage } from '../src/storage/storage';
import { CellKindError } from '../src/xlsx/cells';
import { CsvRowReader } from '../src/xlsx/csv-rows';
import { WorkbookWriter } from '../src/xlsx/workbook-writer';
import { lastAttemptGivesUp } from './export-csv';
import { passingFailure, permanentFailure, storeOrRetry } from './failures';
import { storageKeys } from '../src/storage/keys';
import { loadReportJob, type ExportResult } from './records';

export interface XlsxExportDeps {
  sql: Sql;
  storage: ReportStorage;
  partBytes?: number;
  maxAttempts?: number;
  /** Data rows per sheet before a continuation sheet (tests make it small). */
  workbookRowsPerSheet?: number;
  log?: Logger;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DEFAULT_PART_BYTES = 8 * 1024 * 1024;
const MAX_PART_BYTES = 2 * 1024 * 1024;
const HEARTBEAT_EVERY_MS = 1_000;
const workbookPart = (reportId: string, n: number) => `${storageKeys.partsPrefix(reportId)}xlsx-${String(n).padStart(6, '0')}`;

export function createXlsxExportActivities(deps: XlsxExportDeps) {
  const { sql, storage } = deps;
  // A workbook part is no checkpoint (a retry converts again from the start), only a unit of upload: smaller
  // than the CSV's, for less memory.
  const partBytes = Math.min(deps.partBytes ?? DEFAULT_PART_BYTES, MAX_PART_BYTES);
  const log = deps.log;

  return {
    async convertCsvToXlsx(reportId: string, csv: ExportResult): Promise<ExportResult> {
      const { attempt } = Context.current().info;
      try {
        return await convert(reportId, csv);
      } catch (err) {
        throw lastAttemptGivesUp(err, attempt, deps.maxAttempts);
      }
    },
  };

  async function convert(reportId: string, csv: ExportResult): Promise<ExportResult> {
    const ctx = Context.current();
    const job = await loadReportJob(sql, reportId);
    const report = findReport(job.type);
    if (!report || report.format !== 'csv') throw permanentFailure('InvalidFilters', `no workbook for report type ${job.type}`);
    const missing = report.columns.filter((c) => !report.columnKinds[c]);
    if (missing.length) throw permanentFailure('WorkbookFailed', `columns without a kind: ${missing.join(', ')}`);
    const fileName = workbookFileName(csv.fileName);
    const finalKey = storageKeys.final(job, fileName);

    // An earlier attempt recorded the workbook, then died before cleaning up.
    if (job.objectKey === finalKey && job.sizeBytes !== null && (await storage.size(finalKey)) === job.sizeBytes) {
      await storage.delete(csv.objectKey);
      await storage.deletePrefix(storageKeys.partsPrefix(reportId));
      return { objectKey: finalKey, fileName, rowCount: csv.rowCount, sizeBytes: job.sizeBytes };
    }
    if ((await storeOrRetry(() => storage.size(csv.objectKey))) !== csv.sizeBytes) {
      throw permanentFailure('WorkbookFailed', `the stored CSV ${csv.objectKey} is missing or not of its recorded size`);
    }

    const writer = new WorkbookWriter({
      sheetName: report.name,
      columns: report.columns,
      kinds: report.columns.map((c) => report.columnKinds[c]),
      rowsPerSheet: deps.workbookRowsPerSheet,
    });
    const beat = setInterval(() => ctx.heartbeat({ rows: writer.rows }), HEARTBEAT_EVERY_MS);
    let parts = 0;
    try {
      const uploading = uploadParts(writer.output, (data) => {
        const key = workbookPart(reportId, ++parts);
        return storeOrRetry(() => storage.put(key, data, XLSX_TYPE));
      });
      const source = storage.readStream(csv.objectKey);
      try {
        await Promise.race([writeRows(source, writer, report.columns, ctx.cancellationSignal), uploading.then(() => {})]);
        await uploading;
      } catch (err) {
        // Whichever side failed, the other must not wait for it forever.
        (source as { destroy?: (e?: Error) => void }).destroy?.();
        writer.output.destroy();
        await uploading.catch(() => {});
        throw err;
      }
    } catch (err) {
      if (err instanceof CellKindError) throw permanentFailure('WorkbookFailed', `workbook: ${err.message}`);
      if (err instanceof ApplicationFailure || err instanceof CancelledFailure) throw err;
      // What is left is reading the CSV or writing the zip: storage trouble, which may pass.
      throw passingFailure('StorageFailed', `storage: ${(err as Error)?.message ?? String(err)}`);
    } finally {
      clearInterval(beat);
    }
    if (writer.rows !== csv.rowCount) {
      throw permanentFailure('WorkbookFailed', `the CSV held ${writer.rows} rows, its export counted ${csv.rowCount}`);
    }

    const sources = Array.from({ length: parts }, (_, i) => workbookPart(reportId, i + 1));
    const { sizeBytes } = await storeOrRetry(() => storage.compose(sources, finalKey, XLSX_TYPE));
    // The record is the proof that the workbook is complete (see the check above); then the CSV can go.
    await sql`update reports.reports set object_key = ${finalKey}, size_bytes = ${sizeBytes}, row_count = ${csv.rowCount}
              where id = ${reportId}`;
    await storage.delete(csv.objectKey);
    await storage.deletePrefix(storageKeys.partsPrefix(reportId));
    log?.info('workbook finished', { reportId, companyId: job.companyId, attempt: ctx.info.attempt, rows: csv.rowCount, sheets: writer.sheetCount, sizeBytes });
    return { objectKey: finalKey, fileName, rowCount: csv.rowCount, sizeBytes };
  }

  /** Stores the zip in parts of about `partBytes`, one in flight while the next fills. */
  async function uploadParts(output: NodeJS.ReadableStream, store: (data: Buffer) => Promise<void>): Promise<void> {
    let pending: Buffer[] = [];
    let size = 0;
    let storing: Promise<void> = Promise.resolve();
    const flush = async () => {
      await storing;
      const data = Buffer.concat(pending);
      pending = [];
      size = 0;
      storing = store(data);
      storing.catch(() => {}); // observed by the next flush, or at the end
    };
    for await (const chunk of output) {
      pending.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= partBytes) await flush();
    }
    if (size > 0) await flush();
    await storing;
  }
}

async function writeRows(source: NodeJS.ReadableStream, writer: WorkbookWriter, columns: readonly string[], cancelled: AbortSignal): Promise<void> {
  const reader = new CsvRowReader();
  let header = true;
  for await (const chunk of source) {
    if (cancelled.aborted) throw cancelled.reason;
    for (const row of reader.rows(chunk as Buffer)) {
      if (header) {
        if (row.join(';') !== columns.join(';')) throw new CellKindError(`the CSV's header is not the report's: ${row.join(';')}`);
        header = false;
        continue;
      }
      if (row.length !== columns.length) throw new CellKindError(`a CSV row of ${row.length} cells, the report has ${columns.length} columns`);
      const wait = writer.writeRow(row);
      if (wait) await wait;
    }
  }
  reader.finish();
  await writer.end();
}
