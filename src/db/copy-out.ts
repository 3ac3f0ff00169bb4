import type { Readable } from 'node:stream';

/**
 * `COPY (…) TO STDOUT` as a stream. postgres.js pauses its socket when the stream's buffer is full and
 * resumes it from the stream's read(); when the last chunk filled the buffer, CopyDone ends the stream
 * with the socket still paused, read() is never called again, and the statement's end (and then the
 * transaction's COMMIT) waits forever. Calling read's hook once more after the end resumes the socket.
 */
export async function copyOut(tx: { unsafe(q: string): { readable(): Promise<Readable> } }, copyStatement: string): Promise<AsyncIterable<Buffer>> {
  const stream = await tx.unsafe(copyStatement).readable();
  stream.once('end', () => (stream as Readable & { _read(size: number): void })._read(0));
  return stream;
}

