/**
 * Exports a CSV report from PostgreSQL to storage at the speed of COPY.
 *
 * The rows come from `COPY (<report query>) TO STDOUT (FORMAT csv)`, already formatted by PostgreSQL,
 * and go to storage in numbered parts of about `partBytes` (activities/export-parts.ts). Two ways:
 * - a keyset query with a `split` (the large listings) is cut into ranges of its first key, read by
 *   parallel COPYs and joined in order; a range is the unit of resumption (activities/export-ranges.ts);
 * - any other query is one COPY; after each stored part the checkpoint is the sort key of the part's last
 *   row (a hidden last column), and a retry resumes the query after that key (exportInOrder below).
 * Either way the checkpoint (parts, bytes, rows) is heartbeated once its parts are stored, a retry on any
 * worker goes on from it, and the joined file is byte-identical to an uninterrupted run. The last step
 * joins header + parts into the final object (on local disk a rename: the parts were written in place).
 *
 * The same checkpoint is written to the report's record with its progress: Temporal receives heartbeats
 * throttled (up to 80 % of the heartbeat timeout late), so a worker killed outright can leave it an older
 * checkpoint than the parts already stored. A retry resumes from whichever checkpoint is further, so it
 * re-reads at most the part that was in flight.
 */
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { Sql } from '../src/db/connection';
import { copyOut } from '../src/db/copy-out';
import { transaction } from '../src/db/transaction';
import { CopyRowSplitter, csvHeader } from '../src/csv/format';
import { QueryParams, buildCopySql, buildCountSql, scopeTransaction, withPlainText, type ReportQuery } from '../src/reports/query';
import type { ReportStorage } from '../src/storage/storage';
import type { Logger } from '../src/log';
import { storageKeys } from '../src/storage/keys';
import type { ExportResult } from './records';
import { prepareJob } from './report-job';
import { progressSignal } from '../workflows/definitions';
import { passingFailure, storeOrRetry } from './failures';
import { CSV_TYPE, PartSink, type CheckpointFields, type ExportCheckpoint } from './export-parts';
import { RunningStatements, runQuery, type ExportRun } from './export-run';
import { DEFAULT_PARALLEL_RANGES, DEFAULT_RANGE_ROWS, exportInRanges } from './export-ranges';

export type { ExportCheckpoint } from './export-parts';

export interface CsvExportDeps {
  sql: Sql;
  storage: ReportStorage;
  partBytes?: number;
  /** Attempts after which a retryable failure ends the report (at most the workflow's retry policy). */
  maxAttempts?: number;
  /** True once the worker is shutting down: the export stops at its next checkpoint. */
  workerStopping?: () => boolean;
  /** COPYs one split export runs at once (EXPORT_PARALLEL_RANGES). */
  parallelRanges?: number;
  /** The most rows in one range of a split export (EXPORT_RANGE_ROWS). */
  rangeRows?: number;
  /** Bytes a range read ahead may hold before it gives up its COPY (2 parts, at least 4 MiB). */
  aheadBytes?: number;
  log?: Logger;
}

const DEFAULT_PART_BYTES = 8 * 1024 * 1024;
/**
 * Between liveness heartbeats, on a timer: PostgreSQL may sort for a long while before COPY sends its first
 * row (a large month of official messages), and that wait must not look like a dead worker. Each stored
 * part also heartbeats its checkpoint at once.
 */
const HEARTBEAT_EVERY_MS = 1_000;
/** The workflow hears of progress at most this often (each signal is an event in its history). */
const PROGRESS_SIGNAL_EVERY_MS = 2_000;

export function createCsvExportActivities(deps: CsvExportDeps) {
  const { sql, storage } = deps;
  const partBytes = deps.partBytes ?? DEFAULT_PART_BYTES;
  const log = deps.log ?? silent;

  return {
    async exportCsvReport(reportId: string): Promise<ExportResult> {
      const ctx = Context.current();
      const { attempt } = ctx.info;
      try {
        return await exportCsv(reportId);
      } catch (err) {
        // Whatever the cancelled statement answered (57014), the export stopped because it was asked to.
        if (ctx.cancellationSignal.aborted && !(err instanceof CancelledFailure)) {
          throw new CancelledFailure('the report was deleted: its export stopped', undefined, err as Error);
        }
        throw lastAttemptGivesUp(err, attempt, deps.maxAttempts);
      }
    },
  };

  async function exportCsv(reportId: string): Promise<ExportResult> {
    const ctx = Context.current();
    const attempt = ctx.info.attempt;
    const { job, report, filters, reportCtx, fileName, finalKey, finished } = await prepareJob(sql, storage, reportId, 'csv');
    if (finished) return finished;

    const params = new QueryParams(reportCtx);
    const query = report.query(filters, params);
    const ranged = query.kind === 'keyset' && query.split !== undefined;
    const start = await resumePoint(sql, reportId, ctx.info.heartbeatDetails as ExportCheckpoint | undefined, ranged);
    const fields = { reportId, companyId: job.companyId, workflowId: ctx.info.workflowExecution?.workflowId, attempt };
    if (start) log.info('export resumed', { ...fields, from: start.source, parts: start.checkpoint.parts, rows: start.checkpoint.rows });

    // The status query's progress (operators read it in the Temporal UI): a signal now and then, never
    // awaited — the record is what the API reads, and a lost signal only leaves the query behind.
    let totalRows: number | null = null;
    let toldAt = 0;
    const tellWorkflow = (rows: number) => {
      const workflowId = ctx.info.workflowExecution?.workflowId;
      if (!workflowId || Date.now() - toldAt < PROGRESS_SIGNAL_EVERY_MS) return;
      toldAt = Date.now();
      const percent = totalRows ? Math.min(99, Math.floor((rows * 100) / totalRows)) : null;
      try {
        ctx.client.workflow.getHandle(workflowId).signal(progressSignal, { rows, totalRows, percent }).catch(() => {});
      } catch {
        // No client (the activity run alone, as by the benchmark): nobody to tell.
      }
    };
    // The total is written before any progress (the sequential export counts it while its rows stream).
    let counted: Promise<unknown> = Promise.resolve();
    const setTotal = (total: Promise<number | null>) => {
      counted = total.then((n) => void (totalRows = n));
      counted.catch(() => {}); // observed before the first progress, or after the export
    };

    const sink = new PartSink({
      storage, prefix: storageKeys.partsPrefix(reportId), partBytes, attempt,
      onCheckpoint: async (checkpoint) => {
        ctx.heartbeat(checkpoint);
        log.debug('export part stored', { ...fields, part: checkpoint.parts, rows: checkpoint.rows });
        await counted;
        await sql`update reports.reports set progress_rows = ${checkpoint.rows}, export_checkpoint = ${sql.json(checkpoint as never)}
                  where id = ${reportId} and coalesce((export_checkpoint->>'attempt')::int, 0) <= ${attempt}`;
        tellWorkflow(checkpoint.rows);
        if (deps.workerStopping?.()) {
          log.info('export paused: worker stopping', { ...fields, parts: checkpoint.parts, rows: checkpoint.rows });
          throw passingFailure('WorkerShutdown', `worker shutting down; the export resumes after part ${checkpoint.parts}`);
        }
      },
    }, start?.checkpoint ?? { cursor: null, parts: 0, bytes: 0, rows: 0 });

    const beat = setInterval(() => ctx.heartbeat(sink.checkpoint), HEARTBEAT_EVERY_MS);
    // A cancellation must stop PostgreSQL's work too, even a COPY that waits on a lock and sends nothing
    // (and so would never see the cancellation): its statements are cancelled on the server.
    const statements = new RunningStatements();
    const stopStatements = () => statements.cancelAll();
    ctx.cancellationSignal.addEventListener('abort', stopStatements);
    try {
      if (sink.checkpoint.parts === 0) await sink.storeHeader(csvHeader(report.columns));
      // A workbook is made from this CSV: its people's text must come as stored, without the CSV's apostrophe.
      const forFormat = (copy: string) => (job.format === 'xlsx' ? withPlainText(copy) : copy);
      const warn = (msg: string, more: Record<string, unknown>) => log.warn(msg, { ...fields, ...more });
      const run: ExportRun = { sql, sink, statements, signal: ctx.cancellationSignal, forFormat, setTotal, reportId, warn };
      if (query.kind === 'keyset' && query.split !== undefined) {
        await exportInRanges(run, query, params, {
          parallel: deps.parallelRanges ?? DEFAULT_PARALLEL_RANGES, maxRows: deps.rangeRows ?? DEFAULT_RANGE_ROWS, partBytes,
          aheadBytes: deps.aheadBytes ?? Math.max(2 * partBytes, 4 * 1024 * 1024),
        });
      } else {
        await exportInOrder(run, query, params, start !== null);
      }
      await counted;
    } finally {
      clearInterval(beat);
      ctx.cancellationSignal.removeEventListener('abort', stopStatements);
    }

    const { checkpoint } = sink;
    const { sizeBytes } = await storeOrRetry(() => storage.joinParts(storageKeys.partsPrefix(reportId), sink.count, checkpoint.bytes, finalKey, CSV_TYPE));
    // The record is the durable proof that the file is complete (see finishedEarlier).
    await sql`update reports.reports set object_key = ${finalKey}, size_bytes = ${sizeBytes}, row_count = ${checkpoint.rows}
              where id = ${reportId}`;
    await storage.deletePrefix(storageKeys.partsPrefix(reportId));
    log.info('export finished', { ...fields, rows: checkpoint.rows, rowsRead: checkpoint.rows - (start?.checkpoint.rows ?? 0), parts: checkpoint.parts, sizeBytes });
    return { objectKey: finalKey, fileName, rowCount: checkpoint.rows, sizeBytes };
  }
}

/**
 * One COPY, resumable after any stored part: a keyset query restarts after the last stored row's key
 * (the hidden last column of every row), a whole query (small, aggregated) from the top.
 */
async function exportInOrder(run: ExportRun, query: ReportQuery, params: QueryParams, resumed: boolean): Promise<void> {
  const { sql, sink, statements, signal } = run;
  // The total (for progress) is counted on another connection while the rows stream: counting first
  // cost a fifth of an export (docs/performance.md).
  if (!resumed) run.setTotal(recordTotal(sql, run.reportId, query, params, statements));
  const copySql = await runQuery(async () => run.forFormat(buildCopySql(query, params, sink.checkpoint.cursor)));
  const splitter = new CopyRowSplitter(query.kind === 'keyset');
  let rows = sink.checkpoint.rows;
  // Where the rows appended so far end: the checkpoint of the part they close.
  const checkpointHere = (): CheckpointFields => {
    rows += splitter.rows;
    splitter.rows = 0;
    return { cursor: splitter.lastKey?.split('|') ?? null, rows };
  };
  const tracked = statements.track();
  await runQuery(() =>
    transaction(sql, 'isolation level repeatable read read only', async (tx) => {
      await scopeTransaction(tx, params);
      const stream = await copyOut(tx, `copy (${copySql}) to stdout with (format csv, delimiter ';')`, tracked.onStart);
      try {
        for await (const chunk of stream) {
          if (signal.aborted) throw signal.reason;
          const lines = splitter.push(chunk);
          if (lines.length) sink.append(lines);
          // A part is stored while the next one is read; the checkpoint moves once it is stored.
          if (sink.full) await sink.store(checkpointHere());
        }
      } catch (err) {
        // Stopped mid-COPY (cancelled, worker stopping, a part not stored): end the COPY so the
        // transaction rolls back and the connection returns to the pool.
        await stream.abort();
        // Nor may a part still being stored land after this attempt has ended: a cancelled report's
        // cleanup runs right after, and would miss it.
        await sink.quiet();
        throw err;
      }
      // A COPY cancelled on the server may end its stream quietly: never take that for the file's end.
      if (signal.aborted) throw new CancelledFailure('the report was deleted');
      splitter.finish();
      await sink.store(checkpointHere());
      await sink.settled();
    }).finally(tracked.done),
  );
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Where a retry starts: the further of Temporal's heartbeat details and the checkpoint in the record
 * (each part is stored before either names it, so both are safe; the record is never throttled).
 */
async function resumePoint(
  sql: Sql, reportId: string, heartbeat: ExportCheckpoint | undefined, ranged: boolean,
): Promise<{ checkpoint: ExportCheckpoint; source: 'heartbeat' | 'record' } | null> {
  const [row] = await sql<{ checkpoint: ExportCheckpoint | null }[]>`
    select export_checkpoint as checkpoint from reports.reports where id = ${reportId}`;
  // A checkpoint of the other way of exporting (the code changed under a running export) starts it over.
  const usable = (c: ExportCheckpoint | null | undefined): c is ExportCheckpoint =>
    !!c && c.parts > 0 && Number.isSafeInteger(c.bytes) && Array.isArray(c.bounds) === ranged;
  const record = usable(row?.checkpoint) ? row.checkpoint : null;
  const beat = usable(heartbeat) ? heartbeat : null;
  if (record && record.parts > (beat?.parts ?? 0)) return { checkpoint: record, source: 'record' };
  return beat ? { checkpoint: beat, source: 'heartbeat' } : null;
}

/** On the last attempt the budget allows, a retryable failure becomes final (same type, same user message). */
export function lastAttemptGivesUp(err: unknown, attempt: number, maxAttempts: number | undefined): unknown {
  if (maxAttempts === undefined || attempt < maxAttempts || err instanceof CancelledFailure) return err;
  if (err instanceof ApplicationFailure) {
    if (err.nonRetryable) return err;
    return ApplicationFailure.create({ type: err.type ?? undefined, message: err.message, nonRetryable: true, cause: err });
  }
  return ApplicationFailure.create({ message: `${(err as Error)?.message ?? String(err)} (attempt ${attempt} of ${maxAttempts})`, nonRetryable: true, cause: err as Error });
}

async function recordTotal(sql: Sql, reportId: string, query: ReportQuery, params: QueryParams, statements: RunningStatements): Promise<number | null> {
  if (query.kind !== 'keyset') return null;
  const [{ n }] = await runQuery(() =>
    transaction(sql, 'read only', async (tx) => {
      await scopeTransaction(tx, params);
      return statements.run(() => tx.unsafe<{ n: number }[]>(buildCountSql(query, params)));
    }),
  );
  await sql`update reports.reports set progress_total = ${n} where id = ${reportId}`;
  return n;
}

