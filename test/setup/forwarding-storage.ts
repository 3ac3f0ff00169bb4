// A storage that passes every call to another: the base of the test storages that change only some calls.
import type { ReportStorage } from '../../src/storage/storage';

export class ForwardingStorage implements ReportStorage {
  readonly kind: ReportStorage['kind'];

  constructor(protected readonly inner: ReportStorage) {
    this.kind = inner.kind;
  }

  put(key: string, data: Buffer, contentType?: string) { return this.inner.put(key, data, contentType); }
  putPart(prefix: string, index: number, offset: number, data: Buffer, contentType: string) { return this.inner.putPart(prefix, index, offset, data, contentType); }
  joinParts(prefix: string, count: number, bytes: number, destination: string, contentType: string) {
    return this.inner.joinParts(prefix, count, bytes, destination, contentType);
  }
  compose(sources: string[], destination: string, contentType: string) { return this.inner.compose(sources, destination, contentType); }
  size(key: string) { return this.inner.size(key); }
  read(key: string) { return this.inner.read(key); }
  readStream(key: string) { return this.inner.readStream(key); }
  delete(key: string) { return this.inner.delete(key); }
  deletePrefix(prefix: string) { return this.inner.deletePrefix(prefix); }
  signedUrl(...args: Parameters<ReportStorage['signedUrl']>) { return this.inner.signedUrl(...args); }
}
