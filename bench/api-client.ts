// The benchmark talks to the API process like a browser would: POST a report, poll it until READY.

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

  /** POST (to /api/reports, or a ticket's export) and poll every `pollMs` until READY; seconds from POST to READY. */
  async createAndWait(pathname: string, body: unknown, pollMs: number, timeoutMs = 15 * 60_000): Promise<{ seconds: number; report: ReportResource }> {
    const started = process.hrtime.bigint();
    const res = await this.request('POST', pathname, body);
    if (res.status !== 202) throw new Error(`POST ${pathname} answered ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as ReportResource;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.request('GET', `/api/reports/${id}`);
      const report = (await r.json()) as ReportResource;
      if (report.status === 'READY') return { seconds: Number(process.hrtime.bigint() - started) / 1e9, report };
      if (report.status !== 'PROCESSING') throw new Error(`report ${id} ended ${report.status}: ${JSON.stringify(report.error)}`);
      if (Date.now() > deadline) throw new Error(`report ${id} still PROCESSING after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}
