// Bulk loading through COPY ... FROM STDIN (text format): an order of magnitude faster than INSERTs.
import type { Writable } from 'node:stream';
import type { Sql } from '../../src/db/connection';

/** One COPY text-format field. Backslash first, or the escapes it adds would be doubled. */
export function copyText(value: string): string {
  if (!/[\\\t\n\r]/.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** NULL in COPY text format. */
export const NULL = '\\N';

export function copyNullable(value: string | null | undefined): string {
  return value == null ? NULL : copyText(value);
}

export function copyId(value: number | null | undefined): string {
  return value == null ? NULL : String(value);
}

/** Whole-second UTC instant in ISO 8601, which timestamptz accepts as is. */
export function copyTime(ms: number | null | undefined): string {
  return ms == null ? NULL : new Date(ms).toISOString();
}

// Lines are sent in chunks: one socket write per line would cost more than producing it.
const CHUNK_CHARS = 256 * 1024;

/**
 * Streams `lines` (each already a COPY text row ending in "\n") into `table`, waiting for 'drain'
 * whenever the socket is full so that memory stays flat however many rows there are.
 * Returns the number of rows written; rejects with the server's error if a row is refused.
 */
export async function copyLines(sql: Sql, table: string, columns: readonly string[], lines: Iterable<string>): Promise<number> {
  const query = sql`copy ${sql(table)} (${sql(columns as string[])}) from stdin`;
  const refused = serverError(query);
  const stream = (await query.writable()) as Writable;
  let finished = false;
  stream.once('finish', () => (finished = true));
  const broken = new Promise<never>((_, reject) => {
    stream.on('error', reject);
    stream.once('close', () => finished || reject(new Error(`COPY into ${table} was interrupted`)));
  });
  broken.catch(() => {}); // only ever awaited through Promise.race
  const until = (event: 'drain' | 'finish') =>
    Promise.race([new Promise<void>((resolve) => stream.once(event, () => resolve())), refused, broken]);

  let rows = 0;
  let chunk = '';
  try {
    for (const line of lines) {
      chunk += line;
      rows++;
      if (chunk.length < CHUNK_CHARS) continue;
      const more = stream.write(chunk);
      chunk = '';
      if (!more) await until('drain');
    }
    stream.end(chunk);
    // 'finish' fires once the server answered CommandComplete, i.e. every row is in.
    await until('finish');
    return rows;
  } catch (error) {
    if (!stream.destroyed) stream.destroy(error as Error); // sends CopyFail if still copying
    throw error;
  }
}

/**
 * postgres.js 3.4 never settles the writable when the server refuses a row after end()
 * (porsager/postgres#1173), and the await would hang. The error still reaches the query's own
 * reject, so that is where it is caught.
 */
function serverError(query: object): Promise<never> {
  const pending = query as { reject?: (error: unknown) => unknown };
  const original = pending.reject;
  const refused = new Promise<never>((_, reject) => {
    if (typeof original !== 'function') return;
    pending.reject = (error: unknown) => {
      reject(error);
      return original(error);
    };
  });
  refused.catch(() => {}); // only ever awaited through Promise.race
  return refused;
}
