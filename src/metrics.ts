// Prometheus metrics of the reports module (GET /metrics, docs/operations.md "Metrics"). One registry per
// process: the API counts reports started; the worker's activities count reports finished, their duration
// and rows. With `npm start` (and in tests) both run in one process and /metrics shows all of them.
import { createServer } from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'reports_process_' });

export const reportsStarted = new Counter({
  name: 'reports_started_total', help: 'Reports requested whose workflow started, by type.',
  labelNames: ['type'] as const, registers: [registry],
});

export const reportsFinished = new Counter({
  name: 'reports_finished_total', help: 'Reports that reached a final status (READY or ERROR), by type and status.',
  labelNames: ['type', 'status'] as const, registers: [registry],
});

export const reportsFailed = new Counter({
  name: 'reports_failed_total', help: 'Reports that ended in ERROR, by type.',
  labelNames: ['type'] as const, registers: [registry],
});

export const reportDuration = new Histogram({
  name: 'report_duration_seconds', help: 'From request to final status (READY or ERROR), by type and status.',
  labelNames: ['type', 'status'] as const, registers: [registry],
  buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
});

export const rowsExported = new Counter({
  name: 'report_rows_exported_total', help: 'Rows written to READY report files, by type.',
  labelNames: ['type'] as const, registers: [registry],
});

/** A report reached READY or ERROR (called once per report, by the activity that recorded it). */
export function recordReportFinished(r: { type: string; status: 'READY' | 'ERROR'; seconds: number; rows?: number }): void {
  reportsFinished.inc({ type: r.type, status: r.status });
  if (r.status === 'ERROR') reportsFailed.inc({ type: r.type });
  reportDuration.observe({ type: r.type, status: r.status }, r.seconds);
  if (r.rows !== undefined) rowsExported.inc({ type: r.type }, r.rows);
}

/** GET /metrics in Prometheus's text format. */
export const metricsHandler = async (_req: unknown, res: { type(t: string): { send(b: string): unknown } }): Promise<void> => {
  res.type(registry.contentType).send(await registry.metrics());
};

/**
 * /metrics on an address of its own (METRICS_ADDRESS, e.g. 127.0.0.1:9464 or an internal interface), so
 * that the public port does not tell the world how many reports of which type run (the production setting).
 */
export async function serveMetrics(address: string): Promise<{ url: string; close(): Promise<void> }> {
  const { host, port } = parseHostPort(address);
  const server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/metrics') {
      registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const bound = server.address() as { port: number };
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound.port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function parseHostPort(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(address.trim());
  if (!match) throw new Error(`METRICS_ADDRESS must be host:port, e.g. 127.0.0.1:9464 (got "${address}")`);
  return { host: match[1] ?? match[2], port: Number(match[3]) };
}
