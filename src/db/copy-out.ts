import type { Readable } from 'node:stream';

/** The rows of a `COPY … TO STDOUT`, and a way to stop it before its end. */
export interface CopyOutStream extends AsyncIterable<Buffer> {
  /**
   * Ends the COPY early: cancels the statement on the server and drains what is already on the wire, so
   * the connection leaves copy mode and the transaction can roll back. Leaving the loop alone would not
   * do: postgres.js would refuse every later statement on the connection (COPY_IN_PROGRESS), the
   * ROLLBACK included, and `sql.end()` would wait for it forever.
   */
  abort(): Promise<void>;
  /** Asks the server to cancel the COPY (a request on a connection of its own: no pool slot needed). */
  cancel(): void;
}

type CopyQuery = { readable(): Promise<Readable>; cancel(): void };

/**
 * Query.cancel() of postgres.js drops the promise of its cancel request, so a request that cannot
 * connect (the server going down) becomes an unhandled rejection, which ends the process. The same
 * request is made here with its failure handled; without that internal, the public cancel() is used.
 */
export function cancelQuietly(query: { cancel(): void }): void {
  const q = query as { cancel(): void; canceller?: ((query: unknown) => Promise<unknown>) | null };
  if (typeof q.canceller !== 'function') return void query.cancel();
  const canceller = q.canceller;
  q.canceller = null;
  canceller(q).catch(() => {});
}

/** The internals of a postgres.js query that copyOut relies on (3.4): see the notes in copyOut. */
type QueryInternals = { state?: unknown; resolve?: (value: unknown) => void };

/**
 * `COPY (…) TO STDOUT` as a stream. postgres.js pauses its socket when the stream's buffer is full and
 * resumes it from the stream's read(); when the last chunk filled the buffer, CopyDone ends the stream
 * with the socket still paused, read() is never called again, and the statement's end (and then the
 * transaction's COMMIT) waits forever. Calling read's hook once more after the end resumes the socket.
 *
 * Two more traps of postgres.js are kept away here:
 * - A query cancelled before it was handed to its connection is rejected at once, but a transaction's
 *   connection then counts it as in flight for good: the ROLLBACK after it waits forever. So a cancel
 *   asked for that early waits until the statement is sent (the next turn of the event loop), and the
 *   stream, should it come anyway, is ended before it is returned.
 * - When the COPY's start and its error (a cancel, a failing row) come in one packet, the stream is
 *   destroyed before its promise hands it over, and an 'error' event nobody listens to ends the process.
 *   The stream gets a listener the moment it is made; the error reaches the caller through the loop.
 */
export async function copyOut(
  tx: { unsafe(q: string): CopyQuery }, copyStatement: string,
  /** Told at once how to cancel the statement: its first row may be long in coming (a sort, a lock). */
  onStart?: (cancel: () => void) => void,
): Promise<CopyOutStream> {
  const query = tx.unsafe(copyStatement);
  const internals = query as unknown as QueryInternals;
  let failure: unknown = null;
  const resolve = internals.resolve;
  if (typeof resolve === 'function') {
    internals.resolve = (value) => {
      if (value && typeof (value as Readable).on === 'function') (value as Readable).on('error', (err) => (failure ??= err));
      resolve(value);
    };
  }
  let cancelWanted = false;
  const cancel = () => {
    cancelWanted = true;
    if (internals.state != null || !('state' in internals)) return cancelQuietly(query);
    setImmediate(() => internals.state != null && cancelQuietly(query));
  };
  const readable = query.readable();
  onStart?.(cancel);
  const stream = await readable;
  stream.once('end', () => (stream as Readable & { _read(size: number): void })._read(0));
  const abort = async () => {
    if (stream.destroyed || stream.readableEnded) return; // ended, or failed with its connection
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    stream.on('error', () => {}); // the cancellation's own error (57014) is expected
    cancelQuietly(query);
    stream.resume();
    await closed;
  };
  if (cancelWanted && !stream.destroyed) {
    await abort();
    throw Object.assign(new Error('canceling statement due to user request'), { code: '57014' });
  }
  return {
    // Leaving a for-await loop must not destroy the stream: abort() still has to drain it.
    [Symbol.asyncIterator]: async function* () {
      if (failure) throw failure;
      yield* stream.iterator({ destroyOnReturn: false });
      if (failure) throw failure;
    },
    cancel,
    abort,
  };
}
