/**
 * Where finished report files live. Two implementations: local disk (embedded default, links signed
 * with an HMAC and served by the façade) and Google Cloud Storage (V4 signed URLs).
 *
 * Large exports are written as numbered parts (each a complete object, so a retried activity can
 * resume after the last part it checkpointed) and then joined into the final object with `compose`.
 * Readers never see a partial final object: it appears at once, complete, or not at all.
 */
export interface ReportStorage {
  readonly kind: 'local' | 'gcs';
  /** Writes a whole object, replacing any object with that key. Atomic: never visible half-written. */
  put(key: string, data: Buffer, contentType?: string): Promise<void>;
  /** Joins `sources` in order into `destination` (atomically) and returns its size in bytes. Sources stay. */
  compose(sources: string[], destination: string, contentType: string): Promise<{ sizeBytes: number }>;
  /**
   * Stores part `index` of an object assembled in order under `prefix`, `offset` bytes from its start (the
   * sizes of parts 0..index-1): durable once it resolves. Storing a part again (a retry) replaces it and
   * whatever an earlier attempt stored after it.
   */
  putPart(prefix: string, index: number, offset: number, data: Buffer, contentType: string): Promise<void>;
  /**
   * Makes parts 0..count-1 under `prefix` (`bytes` in all) the object `destination`, atomically, and returns
   * its size. Local disk renames the one file the parts were written into (no copy); GCS composes them.
   * Whatever remains under `prefix` is for deletePrefix.
   */
  joinParts(prefix: string, count: number, bytes: number, destination: string, contentType: string): Promise<{ sizeBytes: number }>;
  /** Size in bytes, or null when there is no such object. */
  size(key: string): Promise<number | null>;
  /** Reads a whole object (tests, small files). */
  read(key: string): Promise<Buffer>;
  /** Reads an object as a stream, for files too large to hold (a workbook is made from its stored CSV). */
  readStream(key: string): NodeJS.ReadableStream;
  /** Deletes one object; no error when it does not exist. */
  delete(key: string): Promise<void>;
  /** Deletes every object whose key starts with `prefix`; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /**
   * A URL that downloads the object as `downloadName` until `expiresAt`. `issuedAt` (default: now) is when
   * the link's life starts: a report's link is signed from its `finishedAt`, so whenever it is fetched, a GCS
   * link says the same 24 h (`X-Goog-Date` + `X-Goog-Expires=86400`).
   */
  signedUrl(key: string, expiresAt: Date, downloadName: string, issuedAt?: Date): Promise<string>;
}
