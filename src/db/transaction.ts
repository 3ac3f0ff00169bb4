import type postgres from 'postgres';
import type { Sql } from './connection';

/** Errors that mean the connection itself is gone (the server has rolled the transaction back). */
const CONNECTION_LOST = new Set([
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT',
]);

export function isConnectionLost(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  // 57P01..57P03: the server is shutting down or restarting and ends the session; 08xxx: connection exceptions.
  return typeof code === 'string' && (CONNECTION_LOST.has(code) || /^(57P0[1-3]|08)/.test(code));
}

/**
 * `sql.begin()`, without a postgres.js 3.4.9 crash: when the connection dies mid-transaction and the
 * callback then fails, begin() sends its ROLLBACK on the dead connection, whose buffered write throws
 * from a timer (`Cannot read properties of null (reading 'write')`) and takes the whole process down
 * (porsager/postgres#1154, #1208). Here, once the connection is lost, the callback's failure is never
 * answered with that ROLLBACK: its promise is left pending, and begin() rejects on its own with
 * CONNECTION_CLOSED (it races the connection's close). The server has rolled the transaction back.
 */
export function transaction<T>(sql: Sql, options: string, fn: (tx: postgres.TransactionSql<Record<string, never>>) => Promise<T>): Promise<T> {
  let closed = false;
  const begun = sql.begin(options, async (tx) => {
    try {
      return await fn(tx);
    } catch (err) {
      // A close processed in this same turn rejects begin() a few microtasks later: let it land first.
      await new Promise((resolve) => setImmediate(resolve));
      if (closed || isConnectionLost(err)) return new Promise<never>(() => {});
      throw err;
    }
  }) as Promise<T>;
  begun.catch((err: unknown) => {
    if (isConnectionLost(err)) closed = true;
  });
  return begun;
}
