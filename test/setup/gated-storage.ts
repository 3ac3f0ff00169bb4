// Storage for a test's worker that can hold writes (reports stay PROCESSING as long as the test needs) or
// slow them down (a long export to cancel mid-run). Reads and deletes pass straight through.
import { partKey } from '../../src/storage/keys';
import type { ReportStorage } from '../../src/storage/storage';
import { ForwardingStorage } from './forwarding-storage';

export class GatedStorage extends ForwardingStorage {
  /** Parts and files written so far. */
  writes = 0;
  /** Keys whose write is waiting at the closed gate right now. */
  readonly waiting = new Set<string>();
  private open: Promise<void> = Promise.resolve();
  private release: () => void = () => {};

  /** `holds`: which writes the gate applies to (all by default), e.g. those of one company's reports. */
  constructor(
    inner: ReportStorage,
    private readonly delayMs = 0,
    private readonly holds: (key: string) => boolean | Promise<boolean> = () => true,
  ) {
    super(inner);
  }

  /** From now on every write waits until `openGate()`. */
  closeGate(): void {
    this.open = new Promise((resolve) => (this.release = resolve));
  }

  openGate(): void {
    this.release();
  }

  override async put(key: string, data: Buffer, contentType?: string): Promise<void> {
    await this.pass(key);
    await this.inner.put(key, data, contentType);
    this.writes += 1;
  }

  override async putPart(prefix: string, index: number, offset: number, data: Buffer, contentType: string): Promise<void> {
    await this.pass(partKey(prefix, index));
    await this.inner.putPart(prefix, index, offset, data, contentType);
    this.writes += 1;
  }

  override async joinParts(prefix: string, count: number, bytes: number, destination: string, contentType: string): Promise<{ sizeBytes: number }> {
    await this.pass(destination);
    return this.inner.joinParts(prefix, count, bytes, destination, contentType);
  }

  override async compose(sources: string[], destination: string, contentType: string): Promise<{ sizeBytes: number }> {
    await this.pass(destination);
    return this.inner.compose(sources, destination, contentType);
  }

  private async pass(key: string): Promise<void> {
    if (!(await this.holds(key))) return;
    this.waiting.add(key);
    try {
      await this.open;
    } finally {
      this.waiting.delete(key);
    }
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
  }
}
