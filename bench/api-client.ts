// The benchmark talks to the API process like a browser would: POST a report, poll it until READY.
import { statSync } from 'node:fs';
import path from 'node:path';

export type ReportResource = { id: string; status: string; rowCount: number | null; sizeBytes: number | null; error: unknown };

export class ApiClient {
  constructor(readonly baseUrl: string, readonly token: string) {}

  async request(method: string, pathname: string, body?: unknown): Promise<Response> {
    return fetch(`${this.baseUrl}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      redirect: 'manual',
    });
  }

  /**
   * POST (to /api/reports, or a ticket's export) and poll every `pollMs` until READY; seconds from POST to
   * READY. With `filesDir` (local storage), also the first byte: seconds until the first rows are on disk
   * (the file being assembled grows past its header), watched every 10 ms.
   */
  async createAndWait(
    pathname: string, body: unknown, pollMs: number, o: { timeoutMs?: number; filesDir?: string } = {},
  ): Promise<{ seconds: number; report: ReportResource; firstByteSeconds: number | null }> {
    const started = process.hrtime.bigint();
    const since = () => Number(process.hrtime.bigint() - started) / 1e9;
    const res = await this.request('POST', pathname, body);
    if (res.status !== 202) throw new Error(`POST ${pathname} answered ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as ReportResource;
    let firstByteSeconds: number | null = null;
    const assembly = o.filesDir ? path.join(o.filesDir, 'parts', id, 'assembly') : null;
    const watch = assembly ? setInterval(() => {
      if (firstByteSeconds === null && (statSync(assembly, { throwIfNoEntry: false })?.size ?? 0) > HEADER_BYTES_AT_MOST) firstByteSeconds = since();
    }, 10) : undefined;
    const deadline = Date.now() + (o.timeoutMs ?? 15 * 60_000);
    try {
      for (;;) {
        const r = await this.request('GET', `/api/reports/${id}`);
        const report = (await r.json()) as ReportResource;
        if (report.status === 'READY') return { seconds: since(), report, firstByteSeconds };
        if (report.status !== 'PROCESSING') throw new Error(`report ${id} ended ${report.status}: ${JSON.stringify(report.error)}`);
        if (Date.now() > deadline) throw new Error(`report ${id} still PROCESSING after ${o.timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    } finally {
      clearInterval(watch);
    }
  }
}

/** A CSV's BOM and header row are smaller than this: past it, rows are on disk. */
const HEADER_BYTES_AT_MOST = 1024;
