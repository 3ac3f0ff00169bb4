// What the two ways of exporting a CSV share (activities/export-csv.ts, activities/export-ranges.ts): where
// parts go, the report statements to cancel, and how a statement's failure is judged.
import { CancelledFailure } from '@temporalio/activity';
import type { Sql } from '../src/db/connection';
import { cancelQuietly } from '../src/db/copy-out';
import { UnscopedQueryError } from '../src/reports/query';
import { permanentFailure } from './failures';
import type { PartSink } from './export-parts';

/** What both ways of exporting share: where parts go, the statements to cancel, the report's total. */
export interface ExportRun {
  sql: Sql;
  sink: PartSink;
  statements: RunningStatements;
  signal: AbortSignal;
  /** The COPY statement for the report's format (a workbook's text comes as stored). */
  forFormat: (copySql: string) => string;
  /** The total rows, for progress, once known. */
  setTotal: (total: Promise<number | null>) => void;
  reportId: string;
  /** A warning in the worker's log, with the export's fields. */
  warn?: (msg: string, fields: Record<string, unknown>) => void;
}

/**
 * The export's running report statements: cancelAll() cancels them in PostgreSQL, each with a cancel
 * request on a connection of its own (the pool may be full of exactly these statements).
 */
export class RunningStatements {
  private readonly cancels = new Set<() => void>();
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

  /** For a statement that outlives one call (a COPY): its cancel is known from its start until done(). */
  track(): { onStart: (cancel: () => void) => void; done: () => void } {
    let registered: (() => void) | undefined;
    return {
      onStart: (cancel) => {
        registered = cancel;
        this.cancels.add(cancel);
        if (this.cancelled) cancel();
      },
      done: () => {
        if (registered) this.cancels.delete(registered);
      },
    };
  }

  cancelAll(): void {
    this.cancelled = true;
    for (const cancel of this.cancels) cancel();
  }
}

/** PostgreSQL errors in our SQL or data will fail again: do not retry them. Connection trouble will pass. */
export async function runQuery<T>(fn: () => Promise<T>): Promise<T> {
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
