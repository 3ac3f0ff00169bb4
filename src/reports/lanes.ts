// Which task queue a report's export runs on: small reports must never wait behind big exports.
import type { ReportDefinition, ReportFormat } from './definition';
import { daysInRange } from './filters';

export { heavyTaskQueue } from '../../workflows/definitions';

/**
 * Decided once, when the report is requested, from its type and validated filters alone (no query, no
 * estimate): the decision travels in the workflow's input, so a replay takes the same route.
 *
 * Heavy: a type whose file has a row per message or event (`rowPerEvent` in its definition) when its period
 * spans more than `heavyReportDays` days, or when it has no period (a campaign's official messages).
 * Everything else (aggregates, one day of messages, PDFs) stays on the main queue.
 */
export function isHeavyReport(report: ReportDefinition, format: ReportFormat, filters: unknown, heavyReportDays: number): boolean {
  if (!report.rowPerEvent || format === 'pdf') return false;
  const f = (filters ?? {}) as { from?: unknown; to?: unknown };
  if (typeof f.from !== 'string' || typeof f.to !== 'string') return true;
  return daysInRange(f.from, f.to) > heavyReportDays;
}
