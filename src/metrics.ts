// Prometheus metrics of the reports module (GET /metrics, docs/operations.md "Metrics"). One registry per
// process: the API counts reports started; the worker's activities count reports finished, their duration
// and rows. With `npm start` (and in tests) both run in one process and /metrics shows all of them.
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
