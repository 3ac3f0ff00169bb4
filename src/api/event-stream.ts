// One SSE connection: what it has sent (to drop stale news), and events held while a snapshot is read.
import type { Response } from 'express';
import type { CurrentUser } from './auth';

export interface ReportEvent {
  name: 'report.created' | 'report.updated' | 'report.deleted';
  id: string;
  /** The row's event_seq; deletions are final (Infinity). */
  seq: number;
  data: unknown;
}

/** A client whose unsent output exceeds this is too slow to follow: it is dropped and reconnects. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export class EventStream {
  /** The event_seq last sent per report id: older news is dropped. */
  seen = new Map<string, number>();
  /** Events held while a snapshot is being read; null when live. */
  held: ReportEvent[] | null = [];
  snapshots = Promise.resolve();

  constructor(public user: CurrentUser, readonly res: Response) {}

  write(text: string): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    this.res.write(text);
    if (this.res.writableLength > MAX_BUFFERED_BYTES) this.res.end();
  }

  offer(event: ReportEvent): void {
    if (this.held) {
      this.held.push(event);
      return;
    }
    const last = this.seen.get(event.id) ?? -1;
    if (event.name === 'report.deleted' ? last === Infinity : last >= event.seq) return;
    this.seen.set(event.id, event.seq);
    this.write(`event: ${event.name}\ndata: ${JSON.stringify(event.data)}\n\n`);
  }
}
