/**
 * Where an export's bytes go: parts of about `partBytes`, stored in order (storage.putPart), one in flight
 * while the next fills, so memory stays at two parts. A part may or may not move the checkpoint: the
 * sequential export checkpoints every part (at its last row's key); the ranged export stores parts inside a
 * range as they fill and checkpoints only when a whole range is stored (a range is resumed whole).
 */
import { PartBuffers } from '../src/csv/part-buffers';
import type { ReportStorage } from '../src/storage/storage';
import { storeOrRetry } from './failures';

export interface ExportCheckpoint {
  /** Sequential export: the sort key of the last stored row. */
  cursor: string[] | null;
  /** Parts stored after the header (part 0, stored again by every attempt that starts from it). */
  parts: number;
  /** Bytes stored, the header's included: where the next part starts. */
  bytes: number;
  rows: number;
  /** Ranged export: the upper bound of every range but the last, fixed by the attempt that planned them. */
  bounds?: string[];
  /** Ranged export: the ranges stored whole. */
  ranges?: number;
  /** Ranged export: the rows its plan counted (the progress total). */
  total?: number;
  /** The attempt that stored the last part: an older attempt still running (a zombie) cannot move it back. */
  attempt?: number;
}

/** What a checkpoint says besides where the parts end. */
export type CheckpointFields = Omit<ExportCheckpoint, 'parts' | 'bytes' | 'attempt'>;

export const CSV_TYPE = 'text/csv; charset=utf-8';

export class PartSink {
  private readonly pending: PartBuffers;
  private storing: Promise<void> = Promise.resolve();
  /** Parts and bytes handed to storage, checkpointed or not. */
  private staged: { parts: number; bytes: number };

  constructor(
    private readonly o: {
      storage: ReportStorage;
      prefix: string;
      partBytes: number;
      attempt: number;
      /** Told of each checkpoint once its parts are stored; may throw to stop the export (worker stopping). */
      onCheckpoint: (checkpoint: ExportCheckpoint) => Promise<void>;
    },
    public checkpoint: ExportCheckpoint,
  ) {
    this.pending = new PartBuffers(o.partBytes);
    this.staged = { parts: checkpoint.parts, bytes: checkpoint.bytes };
  }

  /** Part 0, at an attempt that starts from the top. */
  async storeHeader(header: Buffer): Promise<void> {
    if (this.checkpoint.parts !== 0) throw new Error('the header goes first');
    await storeOrRetry(() => this.o.storage.putPart(this.o.prefix, 0, 0, header, CSV_TYPE));
    this.staged = { parts: 0, bytes: header.length };
    this.checkpoint = { ...this.checkpoint, bytes: header.length };
  }

  /** How many parts make the file (the header's included). */
  get count(): number {
    return this.checkpoint.parts + 1;
  }

  get full(): boolean {
    return this.pending.length >= this.o.partBytes;
  }

  append(rows: Buffer): void {
    this.pending.append(rows);
  }

  /**
   * Stores what is pending as the next part (after the part in flight) and, with `next`, moves the
   * checkpoint there once it is stored. Resolves when the part is handed over, not when it is stored.
   */
  async store(next: CheckpointFields | null): Promise<void> {
    await this.storing;
    if (this.pending.length === 0) {
      if (next) await this.commit(next, this.staged);
      return;
    }
    const index = this.staged.parts + 1;
    const offset = this.staged.bytes;
    const data = this.pending.take(); // valid until the next take(), which waits for this part to be stored
    const staged = (this.staged = { parts: index, bytes: offset + data.length });
    this.storing = (async () => {
      await storeOrRetry(() => this.o.storage.putPart(this.o.prefix, index, offset, data, CSV_TYPE));
      if (next) await this.commit(next, staged);
    })();
    this.storing.catch(() => {}); // observed by the next store, or by settled()
  }

  /** Waits for the part in flight (and its checkpoint); throws what storing it threw. */
  async settled(): Promise<void> {
    await this.storing;
  }

  /** Waits for the part in flight, ignoring its failure: nothing of this attempt may land after it ends. */
  async quiet(): Promise<void> {
    await this.storing.catch(() => {});
  }

  private async commit(next: CheckpointFields, at: { parts: number; bytes: number }): Promise<void> {
    this.checkpoint = { ...next, parts: at.parts, bytes: at.bytes, attempt: this.o.attempt };
    await this.o.onCheckpoint(this.checkpoint);
  }
}
