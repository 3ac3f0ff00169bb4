// Storage for a test's worker that can hold writes (reports stay PROCESSING as long as the test needs) or
// slow them down (a long export to cancel mid-run). Reads and deletes pass straight through.
import type { ReportStorage } from '../../src/storage/storage';
import { ForwardingStorage } from './forwarding-storage';

export class GatedStorage extends ForwardingStorage {
  /** Parts and files written so far. */
  writes = 0;
  private open: Promise<void> = Promise.resolve();
  private release: () => void = () => {};

  constructor(inner: ReportStorage, private readonly delayMs = 0) {
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
    await this.pass();
    await this.inner.put(key, data, contentType);
    this.writes += 1;
  }

  override async compose(sources: string[], destination: string, contentType: string): Promise<{ sizeBytes: number }> {
    await this.pass();
    return this.inner.compose(sources, destination, contentType);
  }

  private async pass(): Promise<void> {
    await this.open;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
  }
}
