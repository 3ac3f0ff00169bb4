/**
 * Exports a CSV report from PostgreSQL to storage at the speed of COPY.
 *
 * The rows come from `COPY (<report query>) TO STDOUT (FORMAT csv)`, already formatted by PostgreSQL,
 * and go to storage in numbered parts of about `partBytes`. After each part is stored the activity
 * heartbeats a checkpoint (the sort key of the part's last row, the part count, the row count); a retry
 * on any worker resumes the query after that key and writes the next part, so the joined file is
 * byte-identical to an uninterrupted run. The last step joins header + parts into the final object.
 *
 * The same checkpoint is written to the report's record with its progress: Temporal receives heartbeats
 * throttled (up to 80 % of the heartbeat timeout late), so a worker killed outright can leave it an older
 * checkpoint than the parts already stored. A retry resumes from whichever checkpoint is further, so it
 * re-reads at most the part that was in flight.
 */
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { Sql } from '../src/db/connection';
import { cancelQuietly, copyOut } from '../src/db/copy-out';
import { transaction } from '../src/db/transaction';
import { CopyRowSplitter, csvHeader } from '../src/csv/format';
import { PartBuffers } from '../src/csv/part-buffers';
import { QueryParams, buildCopySql, buildCountSql, scopeTransaction, UnscopedQueryError, withPlainText, type ReportQuery } from '../src/reports/query';
import type { ReportStorage } from '../src/storage/storage';
import type { Logger } from '../src/log';
import { storageKeys } from '../src/storage/keys';
import type { ExportResult } from './records';
import { prepareJob } from './report-job';
import { progressSignal } from '../workflows/definitions';
import { passingFailure, permanentFailure, storeOrRetry } from './failures';

export interface ExportCheckpoint {
  cursor: string[] | null;
  parts: number;
  rows: number;
  /** The attempt that stored the last part: an older attempt still running (a zombie) cannot move it back. */
  attempt?: number;
}

export interface CsvExportDeps {
  sql: Sql;
  storage: ReportStorage;
  partBytes?: number;
  /** Attempts after which a retryable failure ends the report (at most the workflow's retry policy). */
  maxAttempts?: number;
  /** True once the worker is shutting down: the export stops after the part it is writing. */
  workerStopping?: () => boolean;
  log?: Logger;
}

const DEFAULT_PART_BYTES = 8 * 1024 * 1024;
const CSV_TYPE = 'text/csv; charset=utf-8';
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

    const start = await resumePoint(sql, reportId, ctx.info.heartbeatDetails as ExportCheckpoint | undefined);
    let checkpoint: ExportCheckpoint = start?.checkpoint ?? { cursor: null, parts: 0, rows: 0 };
    const beat = setInterval(() => ctx.heartbeat(checkpoint), HEARTBEAT_EVERY_MS);
    // A cancellation must stop PostgreSQL's work too, even a COPY that waits on a lock and sends nothing
    // (and so would never see the cancellation): its statements are cancelled on the server.
    const statements = new RunningStatements();
    const stopStatements = () => statements.cancelAll();
    ctx.cancellationSignal.addEventListener('abort', stopStatements);
    try {
      return await streamToStorage();
    } finally {
      clearInterval(beat);
      ctx.cancellationSignal.removeEventListener('abort', stopStatements);
    }

    async function streamToStorage(): Promise<ExportResult> {
      const fields = { reportId, companyId: job.companyId, workflowId: ctx.info.workflowExecution?.workflowId, attempt };
      if (start) log.info('export resumed', { ...fields, from: start.source, parts: checkpoint.parts, rows: checkpoint.rows });
      if (checkpoint.parts === 0) {
        await storeOrRetry(() => storage.put(storageKeys.part(reportId, 0), csvHeader(report.columns), CSV_TYPE));
      }

      const params = new QueryParams(reportCtx);
      const query = report.query(filters, params);
      // The total (for progress) is counted on another connection while the rows stream: counting first
      // cost a fifth of an export (docs/performance.md). Progress is first written once it is known.
      let totalRows: number | null = null;
      const counting = start ? Promise.resolve() : recordTotal(sql, reportId, query, params, statements).then((n) => void (totalRows = n));
      counting.catch(() => {}); // observed before the first progress, or after the COPY

      // The status query's progress (operators read it in the Temporal UI): a signal now and then, never
      // awaited — the record is what the API reads, and a lost signal only leaves the query behind.
      let toldAt = 0;
      const tellWorkflow = (rows: number) => {
        const workflowId = ctx.info.workflowExecution?.workflowId;
        if (!workflowId || Date.now() - toldAt < PROGRESS_SIGNAL_EVERY_MS) return;
        toldAt = Date.now();
        const percent = totalRows ? Math.min(99, Math.floor((rows * 100) / totalRows)) : null;
        ctx.client.workflow.getHandle(workflowId).signal(progressSignal, { rows, totalRows, percent }).catch(() => {});
      };

      // A workbook is made from this CSV: its people's text must come as stored, without the CSV's apostrophe.
      const copySql = await runQuery(async () => {
        const copy = buildCopySql(query, params, checkpoint.cursor);
        return job.format === 'xlsx' ? withPlainText(copy) : copy;
      });
      const splitter = new CopyRowSplitter(query.kind === 'keyset');
      const pending = new PartBuffers(partBytes);

      // A part is stored while the next one is read (at most one in flight, so memory stays at two parts);
      // the checkpoint moves only once its part is stored.
      let storing: Promise<void> = Promise.resolve();
      const flush = async () => {
        await storing;
        if (pending.length === 0) return;
        const part = checkpoint.parts + 1;
        const data = pending.take(); // valid until the next take(), which waits for this part to be stored
        const next: ExportCheckpoint = { cursor: splitter.lastKey?.split('|') ?? null, parts: part, rows: checkpoint.rows + splitter.rows, attempt };
        splitter.rows = 0;
        storing = storePart(part, data, next);
        storing.catch(() => {}); // observed by the next flush, or after the last one
      };
      const storePart = async (part: number, data: Buffer, next: ExportCheckpoint) => {
        await storeOrRetry(() => storage.put(storageKeys.part(reportId, part), data, CSV_TYPE));
        checkpoint = next;
        ctx.heartbeat(checkpoint);
        log.debug('export part stored', { ...fields, part, rows: checkpoint.rows });
        await counting;
        await sql`update reports.reports set progress_rows = ${checkpoint.rows}, export_checkpoint = ${sql.json(checkpoint as never)}
                  where id = ${reportId} and coalesce((export_checkpoint->>'attempt')::int, 0) <= ${attempt}`;
        tellWorkflow(checkpoint.rows);
        if (deps.workerStopping?.()) {
          log.info('export paused: worker stopping', { ...fields, parts: checkpoint.parts, rows: checkpoint.rows });
          throw passingFailure('WorkerShutdown', `worker shutting down; the export resumes after part ${part}`);
        }
      };

      await runQuery(() =>
        transaction(sql, 'isolation level repeatable read read only', async (tx) => {
          await scopeTransaction(tx, params);
          const stream = await copyOut(tx, `copy (${copySql}) to stdout with (format csv, delimiter ';')`, statements.track());
          try {
            for await (const chunk of stream) {
              if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
              const rows = splitter.push(chunk);
              if (rows.length) pending.append(rows);
              if (pending.length >= partBytes) await flush();
            }
          } catch (err) {
            // Stopped mid-COPY (cancelled, worker stopping, a part not stored): end the COPY so the
            // transaction rolls back and the connection returns to the pool.
            await stream.abort();
            // Nor may a part still being stored land after this attempt has ended: a cancelled report's
            // cleanup runs right after, and would miss it.
            await storing.catch(() => {});
            throw err;
          }
          // A COPY cancelled on the server may end its stream quietly: never take that for the file's end.
          if (ctx.cancellationSignal.aborted) throw new CancelledFailure('the report was deleted');
          splitter.finish();
          await flush();
          await storing;
        }).finally(() => statements.untrack()),
      );
      await counting;

      const sources = Array.from({ length: checkpoint.parts + 1 }, (_, n) => storageKeys.part(reportId, n));
      const { sizeBytes } = await storeOrRetry(() => storage.compose(sources, finalKey, CSV_TYPE));
      // The record is the durable proof that the file is complete (see finishedEarlier).
      await sql`update reports.reports set object_key = ${finalKey}, size_bytes = ${sizeBytes}, row_count = ${checkpoint.rows}
                where id = ${reportId}`;
      await storage.deletePrefix(storageKeys.partsPrefix(reportId));
      log.info('export finished', { ...fields, rows: checkpoint.rows, rowsRead: checkpoint.rows - (start?.checkpoint.rows ?? 0), parts: checkpoint.parts, sizeBytes });
      return { objectKey: finalKey, fileName, rowCount: checkpoint.rows, sizeBytes };
    }
  }
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Where a retry starts: the further of Temporal's heartbeat details and the checkpoint in the record
 * (each part is stored before either names it, so both are safe; the record is never throttled).
 */
async function resumePoint(
  sql: Sql, reportId: string, heartbeat: ExportCheckpoint | undefined,
): Promise<{ checkpoint: ExportCheckpoint; source: 'heartbeat' | 'record' } | null> {
  const [row] = await sql<{ checkpoint: ExportCheckpoint | null }[]>`
    select export_checkpoint as checkpoint from reports.reports where id = ${reportId}`;
  const record = row?.checkpoint ?? null;
  if (record && record.parts > (heartbeat?.parts ?? 0)) return { checkpoint: record, source: 'record' };
  return heartbeat && heartbeat.parts > 0 ? { checkpoint: heartbeat, source: 'heartbeat' } : null;
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

/**
 * The export's running report statements: cancelAll() cancels them in PostgreSQL, each with a cancel
 * request on a connection of its own (the pool may be full of exactly these statements).
 */
class RunningStatements {
  private readonly cancels = new Set<() => void>();
  private tracked?: () => void;
  private cancelled = false;

  /** Runs one statement, cancellable while it runs. */
  async run<T>(start: () => PromiseLike<T> & { cancel(): void }): Promise<T> {
    if (this.cancelled) throw new CancelledFailure('the report was deleted');
    const statement = start();
    const cancel = () => cancelQuietly(statement);
    this.cancels.add(cancel);
    try {
      return await statement;
    } finally {
      this.cancels.delete(cancel);
    }
  }

  /** For a statement that outlives one call (the COPY): registers its cancel until untrack(). */
  track(): (cancel: () => void) => void {
    return (cancel) => {
      this.tracked = cancel;
      this.cancels.add(cancel);
      if (this.cancelled) cancel();
    };
  }

  untrack(): void {
    if (this.tracked) this.cancels.delete(this.tracked);
    this.tracked = undefined;
  }

  cancelAll(): void {
    this.cancelled = true;
    for (const cancel of this.cancels) cancel();
  }
}

/** PostgreSQL errors in our SQL or data will fail again: do not retry them. Connection trouble will pass. */
async function runQuery<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (err instanceof UnscopedQueryError) throw permanentFailure('QueryFailed', `report query refused: ${err.message}`);
    if (typeof code === 'string' && /^(42|22|2F|0A|44)/.test(code)) {
      throw permanentFailure('QueryFailed', `report query failed: ${(err as Error).message} (SQLSTATE ${code})`);
    }
    throw err;
  }
}
