/**
 * The bytes of an export's parts, gathered in two reusable buffers: the part being filled and the part
 * being stored. Collecting the rows' chunks and joining them per part allocated a new part-sized buffer
 * for every part and kept every chunk alive until then: ~75 MB of extra resident memory in a worker
 * during a long export, against ~20 MB this way (docs/performance.md).
 *
 * A buffer grows by doubling up to the part size (a one-part report never takes a whole part's memory),
 * and beyond it only for a chunk bigger than what is left.
 */
export class PartBuffers {
  private readonly buffers: [Buffer, Buffer] = [Buffer.alloc(0), Buffer.alloc(0)];
  private current = 0;
  /** Bytes in the part being filled. */
  length = 0;

  /** `partBytes`: the size at which the caller takes a part; buffers hold a chunk more without growing. */
  constructor(private readonly partBytes: number, private readonly slack = 1024 * 1024) {}

  append(bytes: Buffer): void {
    const needed = this.length + bytes.length;
    let buffer = this.buffers[this.current];
    if (needed > buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, Math.min(Math.max(buffer.length * 2, 64 * 1024), this.partBytes + this.slack)));
      buffer.copy(grown, 0, 0, this.length);
      buffer = this.buffers[this.current] = grown;
    }
    bytes.copy(buffer, this.length);
    this.length = needed;
  }

  /**
   * The part filled so far; filling moves to the other buffer. The view stays valid until the next take()
   * (after which appends overwrite it): the caller must be done storing a part before taking the next.
   */
  take(): Buffer {
    const part = this.buffers[this.current].subarray(0, this.length);
    this.current ^= 1;
    this.length = 0;
    return part;
  }
}
