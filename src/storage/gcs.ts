/**
 * Report files in a Google Cloud Storage bucket, downloaded through V4 signed URLs. In dev and tests
 * the same code talks to the `fake-gcs-server` emulator (see `emulatorClient`).
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Bucket, Storage } from '@google-cloud/storage';
import { partKey } from './keys';
import { assertValidKey, attachmentDisposition } from './local';
import type { ReportStorage } from './storage';

export type GcsStorageOptions = {
  bucket: string;
  /** fake-gcs-server base URL, e.g. http://127.0.0.1:4443; unset in production. */
  emulatorHost?: string;
  projectId?: string;
};

/** GCS rejects a compose request with more sources than this. */
const MAX_COMPOSE_SOURCES = 32;
const DELETE_CONCURRENCY = 16;

/**
 * The client library, loaded when a GcsStorage is first made: ~24 MB of a worker's memory that local
 * storage (the embedded default) never needs.
 */
function gcsLibrary(): typeof import('@google-cloud/storage') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, see above
  return require('@google-cloud/storage') as typeof import('@google-cloud/storage');
}

export class GcsStorage implements ReportStorage {
  readonly kind = 'gcs' as const;
  readonly client: Storage;
  readonly bucket: Bucket;

  constructor(opts: GcsStorageOptions) {
    // In production credentials come from the environment (ADC / workload identity); signing then
    // goes through the service account's key or the IAM signBlob API.
    this.client = opts.emulatorHost ? emulatorClient(opts.emulatorHost) : new (gcsLibrary().Storage)({ projectId: opts.projectId });
    this.bucket = this.client.bucket(opts.bucket);
  }

  async put(key: string, data: Buffer, contentType = 'application/octet-stream'): Promise<void> {
    assertValidKey(key);
    // A single-request upload creates the object at once: it is never visible half-written.
    await this.bucket.file(key).save(data, { resumable: false, contentType });
  }

  async compose(sources: string[], destination: string, contentType: string): Promise<{ sizeBytes: number }> {
    if (sources.length === 0) throw new Error('compose needs at least one source');
    [...sources, destination].forEach(assertValidKey);
    // Temporaries sit beside the destination, so deleting the report's prefix also removes any left
    // by a crash; the random tag keeps a retried activity from clashing with a stuck earlier attempt.
    const dir = path.posix.dirname(destination);
    const tempPrefix = `${dir === '.' ? '' : `${dir}/`}.compose-${randomUUID().slice(0, 8)}-`;
    const temporaries: string[] = [];
    try {
      let level = sources;
      while (level.length > MAX_COMPOSE_SOURCES) {
        const groups: string[][] = [];
        for (let i = 0; i < level.length; i += MAX_COMPOSE_SOURCES) groups.push(level.slice(i, i + MAX_COMPOSE_SOURCES));
        level = await Promise.all(
          groups.map(async (group) => {
            if (group.length === 1) return group[0];
            const temporary = `${tempPrefix}${temporaries.length}`;
            temporaries.push(temporary);
            await this.combine(group, temporary, contentType);
            return temporary;
          }),
        );
      }
      await this.combine(level, destination, contentType);
    } finally {
      await Promise.all(temporaries.map((t) => this.delete(t)));
    }
    const [metadata] = await this.bucket.file(destination).getMetadata();
    return { sizeBytes: Number(metadata.size) };
  }

  // Each part is an object of its own; a retry storing part n again replaces it, and joinParts composes
  // only parts 0..count-1, so parts an earlier attempt stored beyond are ignored (deletePrefix removes them).
  async putPart(prefix: string, index: number, _offset: number, data: Buffer, contentType: string): Promise<void> {
    await this.put(partKey(prefix, index), data, contentType);
  }

  async joinParts(prefix: string, count: number, _bytes: number, destination: string, contentType: string): Promise<{ sizeBytes: number }> {
    return this.compose(Array.from({ length: count }, (_, n) => partKey(prefix, n)), destination, contentType);
  }

  async size(key: string): Promise<number | null> {
    assertValidKey(key);
    try {
      const [metadata] = await this.bucket.file(key).getMetadata();
      return Number(metadata.size);
    } catch (err) {
      if ((err as { code?: number }).code === 404) return null;
      throw err;
    }
  }

  async read(key: string): Promise<Buffer> {
    assertValidKey(key);
    const [data] = await this.bucket.file(key).download();
    return data;
  }

  readStream(key: string): NodeJS.ReadableStream {
    assertValidKey(key);
    // No checksum pass of its own: the workbook is checked against the record's size of the CSV instead.
    return this.bucket.file(key).createReadStream({ validation: false });
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.bucket.file(key).delete({ ignoreNotFound: true });
  }

  async deletePrefix(prefix: string): Promise<number> {
    // An empty prefix would wipe every company's files; no caller has a reason to ask for that.
    assertValidKey(prefix.replace(/\/$/, ''));
    const [files] = await this.bucket.getFiles({ prefix });
    for (let i = 0; i < files.length; i += DELETE_CONCURRENCY) {
      await Promise.all(files.slice(i, i + DELETE_CONCURRENCY).map((f) => f.delete({ ignoreNotFound: true })));
    }
    return files.length;
  }

  async signedUrl(key: string, expiresAt: Date, downloadName: string, issuedAt?: Date): Promise<string> {
    assertValidKey(key);
    // The library defaults to V2; V4 is the current scheme (and caps a link at 7 days, which our
    // 24 h links never reach). GCS applies response-content-disposition to the download.
    const [url] = await this.bucket.file(key).getSignedUrl({
      version: 'v4',
      action: 'read',
      expires: expiresAt,
      // Whole seconds, like the expiry: X-Goog-Expires is then the link's exact lifetime.
      accessibleAt: issuedAt ? new Date(Math.floor(issuedAt.getTime() / 1000) * 1000) : undefined,
      responseDisposition: attachmentDisposition(downloadName),
    });
    return url;
  }

  private async combine(sources: string[], destination: string, contentType: string): Promise<void> {
    const target = this.bucket.file(destination);
    target.metadata.contentType = contentType; // combine() sends the destination's metadata along
    await this.bucket.combine(sources, target);
  }
}

/** Creates the bucket when it is missing (the emulator starts empty). Production buckets are provisioned. */
export async function ensureBucket(storage: GcsStorage): Promise<void> {
  const [exists] = await storage.bucket.exists();
  if (exists) return;
  try {
    await storage.bucket.create();
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err; // created meanwhile by another process
  }
}

let emulatorKey: string | undefined;

/**
 * A client for fake-gcs-server. Requests go unauthenticated (`useAuthWithCustomEndpoint: false`), but
 * `getSignedUrl` still needs a service account to sign with, so we hand it a throwaway RSA key: the
 * emulator does not check signatures, and signing stays offline.
 */
function emulatorClient(emulatorHost: string): Storage {
  const apiEndpoint = emulatorHost.replace(/\/+$/, '');
  emulatorKey ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  }).privateKey;
  const client = new (gcsLibrary().Storage)({
    apiEndpoint,
    projectId: 'test',
    useAuthWithCustomEndpoint: false,
    credentials: { client_email: 'reports-emulator@test.iam.gserviceaccount.com', private_key: emulatorKey },
  });
  // When STORAGE_EMULATOR_HOST is also set in the environment, the library takes it verbatim as the
  // JSON API base, without `/storage/v1`, and every call 404s; pin the base explicitly.
  client.baseUrl = `${apiEndpoint}/storage/v1`;
  return client;
}
