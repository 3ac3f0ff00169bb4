// The worker's storage wrapped to count, hold or fail the data parts of an export (tests of a report mid-export).
import { partKey } from '../../src/storage/keys';
import type { ReportStorage } from '../../src/storage/storage';
import { ForwardingStorage } from './forwarding-storage';

/**
 * The worker's storage, counting the data parts it stores (part 0 is the header) and able to hold them:
 * while held, the export cannot move past its first part, so a test can look at a report mid-export.
 * It can also fail one data part once, so that the export is retried from its last checkpoint.
 */
export class PartRecorder extends ForwardingStorage {
  dataParts = 0;
  /** Data parts refused by `failOnceAtDataPart`. */
  failures = 0;
  /** Keys of the data parts stored, in order. */
  readonly dataKeys: string[] = [];
  /** Where in the file each of them starts. */
  readonly dataOffsets: number[] = [];
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => {};
  private failAt: number | null = null;
  private failFrom: number | null = null;

  constructor(inner: ReportStorage) {
    super(inner);
  }

  holdDataParts(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open();
  }

  /** The `n`th data part stored from now on fails, once. */
  failOnceAtDataPart(n: number): void {
    this.failAt = this.dataParts + n;
  }

  /** The first data part from now on that starts at `offset` or beyond fails, once. */
  failOnceFrom(offset: number): void {
    this.failFrom = offset;
  }

  override async putPart(prefix: string, index: number, offset: number, data: Buffer, contentType: string): Promise<void> {
    if (index > 0) {
      await this.gate;
      if (this.failAt === this.dataParts + 1 || (this.failFrom !== null && offset >= this.failFrom)) {
        this.failAt = this.failFrom = null;
        this.failures += 1;
        throw new Error('injected: storage unavailable');
      }
      this.dataParts += 1;
      this.dataKeys.push(partKey(prefix, index));
      this.dataOffsets.push(offset);
    }
    await this.inner.putPart(prefix, index, offset, data, contentType);
  }
}
