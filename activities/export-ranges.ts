/**
 * The export of a split keyset query (KeysetQuery.split: the large listings), at the speed of both cores.
 *
 * 1. Plan: one cheap statement counts the rows per value of the first key (service_history: messages per
 *    ticket, an index-only scan) and cuts them into ranges of about `rowsPerRange` rows; the total is the
 *    progress total. The bounds go into every checkpoint, so a retry reads the very same ranges.
 * 2. Read: `parallel` ranges at a time, each by its own COPY on its own connection and transaction (the
 *    report's own statement narrowed to the range: byte for byte the rows of the whole statement, in order).
 * 3. Write in order: the range being written streams into parts as they fill; ranges read ahead wait in
 *    memory. Once a range is stored whole, the checkpoint moves past it: a retry (SIGKILL, a restart, a
 *    failed part) starts at the first range not stored whole, and re-reads at most `parallel` ranges.
 *
 * Memory stays bounded: a range read ahead holds at most `aheadBytes`; one that outgrows it (rows much
 * wider than usual) gives up its COPY and connection and is read again when its turn comes. A read never
 * waits for anything while holding its connection, except for its own part to be stored, so exports
 * sharing a connection pool cannot deadlock on it.
 *
 * Each range reads its own snapshot: rows that change while a month is exported may show in a later
 * range and not in an earlier one, as they may between the parts of an export resumed after a fault.
 */
import { CancelledFailure } from '@temporalio/activity';
import { copyOut } from '../src/db/copy-out';
import { transaction } from '../src/db/transaction';
import { CopyRowSplitter } from '../src/csv/format';
import { FULL_RANGE, buildRangeCopySql, buildRangePlanSql, scopeTransaction, type KeysetQuery, type QueryParams } from '../src/reports/query';
import { runQuery, type ExportRun } from './export-run';

/** COPYs one export runs at once: the machine kind has 2 cores (docs/performance.md). */
export const DEFAULT_PARALLEL_RANGES = 2;
/** The most rows in one range: what a retry may read again, and the grain of progress. */
export const DEFAULT_RANGE_ROWS = 50_000;
/** The fewest rows worth a range of their own (a COPY costs a round trip and a plan). */
const MIN_RANGE_ROWS = 1_000;
/** At least this many ranges per COPY, so that the COPYs end close together and the first range is soon stored. */
const RANGES_PER_COPY = 4;
/**
 * The plan's memory for its aggregate and sort (one per key: 500,000 tickets in a 10M-message month). With
 * the default 4 MB it spilled 240 MB to disk and took 4.1 s before the first range could start; 2.6 s with
 * this (docs/performance.md). Its own transaction's setting, once per export.
 */
const PLAN_WORK_MEM = '64MB';

export interface RangeOptions {
  parallel: number;
  /** The size of a stored part: the writer takes a range's output in pieces about this big. */
  partBytes: number;
  maxRows: number;
  /** Bytes a range read ahead may hold before it gives up its COPY. */
  aheadBytes: number;
}

export async function exportInRanges(run: ExportRun, query: KeysetQuery, params: QueryParams, o: RangeOptions): Promise<void> {
  const { sink } = run;
  let { bounds, total } = sink.checkpoint;
  if (!bounds) {
    ({ bounds, total } = await planRanges(run, query, params, o));
  }
  run.setTotal(Promise.resolve(total ?? null));
  const count = bounds.length + 1;
  const copySql = await runQuery(async () => run.forFormat(buildRangeCopySql(query, params)));
  const rangeParams = (i: number) => params.forRange(i === 0 ? FULL_RANGE.low : bounds[i - 1], i === count - 1 ? FULL_RANGE.high : bounds[i]);

  const reads = new Map<number, RangeRead>();
  const read = (i: number) => {
    const r = new RangeRead(o.aheadBytes);
    r.finished = readRange(run, copySql, rangeParams(i), r);
    reads.set(i, r);
    return r;
  };
  let rows = sink.checkpoint.rows;
  try {
    for (let i = sink.checkpoint.ranges ?? 0; i < count; i++) {
      for (let j = i; j < Math.min(count, i + o.parallel); j++) if (!reads.has(j)) read(j);
      let r = reads.get(i)!;
      r.current = true;
      if (r.deferred) {
        await r.finished;
        r = read(i);
        r.current = true;
      }
      // COPY's rows become report rows (CRLF) here, in order, straight into the part being filled.
      const splitter = new CopyRowSplitter(false);
      for (let chunk = await r.take(o.partBytes); chunk; chunk = await r.take(o.partBytes)) {
        const lines = splitter.push(chunk);
        if (lines.length) sink.append(lines);
        if (sink.full) await sink.store(null);
      }
      splitter.finish();
      reads.delete(i);
      rows += splitter.rows;
      await sink.store({ cursor: null, rows, bounds, ranges: i + 1, total });
    }
    await sink.settled();
  } catch (err) {
    // Stopped (cancelled, worker stopping, a part not stored, a COPY failed): no COPY of this attempt may
    // go on, nor a part land after it ends (a cancelled report's cleanup runs right after).
    for (const r of reads.values()) r.stop();
    // A read ends once its COPY is cancelled; should one not (a statement PostgreSQL never answers), the
    // attempt still ends: reads write nothing to storage, and the one left holds only its connection.
    const unsettled = await settledWithin([...reads.values()].map((r) => r.finished), STOP_WAIT_MS);
    if (unsettled > 0) run.warn?.('export stop: range reads still running', { unsettled, ranges: [...reads.keys()] });
    await sink.quiet();
    throw err;
  }
}

/** How long a stopped export waits for its range reads to end before it ends anyway. */
const STOP_WAIT_MS = 20_000;

/** Waits for the promises to settle, at most `ms`; resolves to how many had not. */
async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<number> {
  let settled = 0;
  const all = Promise.allSettled(promises.map((p) => p.finally(() => settled++)));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
  return promises.length - settled;
}

async function planRanges(
  run: ExportRun, query: KeysetQuery, params: QueryParams, o: RangeOptions,
): Promise<{ bounds: string[]; total: number }> {
  const planSql = await runQuery(async () => buildRangePlanSql(query, params, {
    minRows: MIN_RANGE_ROWS, maxRows: o.maxRows, spread: o.parallel * RANGES_PER_COPY,
  }));
  const [plan] = await runQuery(() =>
    transaction(run.sql, 'read only', async (tx) => {
      await scopeTransaction(tx, params);
      await tx`select set_config('work_mem', ${PLAN_WORK_MEM}, true)`;
      return run.statements.run(() => tx.unsafe<{ total: string; bounds: string[] }[]>(planSql));
    }),
  );
  const total = Number(plan.total);
  await run.sql`update reports.reports set progress_total = ${total} where id = ${run.reportId}`;
  return { bounds: plan.bounds, total };
}

/** One range's COPY, into its RangeRead; never rejects (its failure is the read's). */
async function readRange(run: ExportRun, copySql: string, params: QueryParams, r: RangeRead): Promise<void> {
  const tracked = run.statements.track();
  try {
    await runQuery(() =>
      transaction(run.sql, 'isolation level repeatable read read only', async (tx) => {
        await scopeTransaction(tx, params);
        if (r.stopped) throw STOPPED;
        const stream = await copyOut(tx, `copy (${copySql}) to stdout with (format csv, delimiter ';')`, (cancel) => {
          tracked.onStart(cancel);
          r.cancel = cancel;
          if (r.stopped) cancel();
        });
        try {
          for await (const chunk of stream) {
            if (run.signal.aborted) throw run.signal.reason;
            if (r.stopped) throw STOPPED;
            // COPY sends a message per row: wait (a promise) only when the range is over its budget.
            r.push(chunk);
            if (r.over && !(await r.room())) throw STOPPED;
          }
        } catch (err) {
          // End the COPY so the transaction rolls back and the connection returns to the pool.
          await stream.abort();
          throw err;
        }
        // A COPY cancelled on the server may end its stream quietly: never take that for the range's end.
        if (run.signal.aborted) throw new CancelledFailure('the report was deleted');
        if (r.stopped) throw STOPPED;
        r.end();
      }),
    );
  } catch (err) {
    if (err !== STOPPED) r.fail(err);
  } finally {
    tracked.done();
  }
}

const STOPPED = new Error('range read stopped');

/** One range's COPY output as it arrives (raw chunks: the writer makes them rows), until the writer takes it. */
class RangeRead {
  /** The range being written: it waits for room instead of giving up its COPY. */
  current = false;
  /** Gave up its COPY while ahead (it outgrew `aheadBytes`): to be read again when its turn comes. */
  deferred = false;
  stopped = false;
  cancel?: () => void;
  finished: Promise<void> = Promise.resolve();
  private chunks: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private error: unknown = null;
  private wakeWriter: (() => void) | null = null;
  private wakeReader: (() => void) | null = null;

  constructor(private readonly aheadBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.queued += chunk.length;
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  fail(err: unknown): void {
    this.error = err;
    this.wake();
  }

  /** Stops the read: its COPY is cancelled, whatever it waits for. */
  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.wake();
  }

  get over(): boolean {
    return this.queued > this.aheadBytes;
  }

  /**
   * What arrived since the last take, in one buffer, whole chunks up to about `limit` bytes (a part fills
   * from them); null once the range is whole; throws what the read failed with.
   */
  async take(limit: number): Promise<Buffer | null> {
    for (;;) {
      if (this.chunks.length) {
        let n = 0;
        let bytes = 0;
        while (n < this.chunks.length && (n === 0 || bytes < limit)) bytes += this.chunks[n++].length;
        const taken = n === 1 ? this.chunks[0] : Buffer.concat(this.chunks.slice(0, n), bytes);
        this.chunks = this.chunks.slice(n);
        this.queued -= bytes;
        this.wakeReader?.();
        return taken;
      }
      if (this.error) throw this.error;
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wakeWriter = resolve));
      this.wakeWriter = null;
    }
  }

  /** False when the read must stop: stopped, or ahead and too big (then it is deferred, its rows dropped). */
  async room(): Promise<boolean> {
    while (this.queued > this.aheadBytes && !this.stopped) {
      if (!this.current) {
        this.deferred = true;
        this.chunks = [];
        this.queued = 0;
        return false;
      }
      await new Promise<void>((resolve) => (this.wakeReader = resolve));
      this.wakeReader = null;
    }
    return !this.stopped;
  }

  private wake(): void {
    this.wakeWriter?.();
    this.wakeReader?.();
  }
}
