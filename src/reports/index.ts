// The catalogue of report types. Adding a type: one file in this folder, one line below.
import type { ReportDefinition } from './definition';
import { ticketSummary } from './ticket-summary';

export const REPORTS: readonly ReportDefinition[] = [ticketSummary];

const byType = new Map(REPORTS.map((r) => [r.type, r]));

export function findReport(type: string): ReportDefinition | undefined {
  return byType.get(type);
}

export type { ReportDefinition, CsvReport, PdfReport, ReportContext, FieldProblem } from './definition';
