// A small Server-Sent Events client for tests: reads a text/event-stream with fetch and keeps what came.
export interface SseEvent {
  event: string;
  data: any;
  /** When it was received (Date.now()). */
  at: number;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  /** Comment lines (`: keep-alive`) received. */
  comments = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  private constructor(private readonly abort: AbortController, readonly status: number, readonly contentType: string | null) {}

  /** Opens the stream; answers that are not 200 are returned without reading (see `status`). */
  static async connect(url: string, init: { headers?: Record<string, string> } = {}): Promise<SseClient> {
    const abort = new AbortController();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...init.headers }, signal: abort.signal });
    const client = new SseClient(abort, res.status, res.headers.get('content-type'));
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel();
      return client;
    }
    void client.read(res.body);
    return client;
  }

  /** The first event (from the start of the stream) that matches; waits for it up to `timeoutMs`. */
  async waitFor(match: (e: SseEvent) => boolean, timeoutMs = 30_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.closed) throw new Error(`stream closed before the event came; got ${JSON.stringify(this.events)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event in ${timeoutMs} ms; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Events about one report id (created, updated, deleted). */
  about(id: string): SseEvent[] {
    return this.events.filter((e) => e.event !== 'snapshot' && e.data?.id === id);
  }

  /** True once the server ended the stream (or close() was called). */
  get ended(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted
    } finally {
      this.closed = true;
      this.wake();
    }
  }

  private parse(block: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments += 1;
      else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length) this.events.push({ event, data: JSON.parse(data.join('\n')), at: Date.now() });
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
