// The catalogue of report types. Adding a type: one file in this folder, one line below.
import type { ReportDefinition } from './definition';
import { ticketSummary } from './ticket-summary';
import { licenses } from './licenses';
import { numbers } from './numbers';
import { loginLogout } from './login-logout';
import { webhookEvents } from './webhook-events';
import { serviceStatistics } from './service-statistics';
import { serviceSummary } from './service-summary';
import { officialMessages } from './official-messages';
import { serviceHistory } from './service-history';
import { ticketDetail } from './ticket-detail';

const registry: ReportDefinition[] = [ticketSummary, licenses, numbers, loginLogout, webhookEvents, serviceStatistics, serviceSummary, officialMessages, serviceHistory, ticketDetail];

export const REPORTS: readonly ReportDefinition[] = registry;

const byType = new Map(REPORTS.map((r) => [r.type, r]));
let version = 0;

/** Grows with every registerReport: what is built from the registry (catalogue, OpenAPI document) is built again when it changes. */
export function registryVersion(): number {
  return version;
}

export function findReport(type: string): ReportDefinition | undefined {
  return byType.get(type);
}

/** Adds a type at run time: how tests prove that the generic machinery needs nothing but the definition. */
export function registerReport(definition: ReportDefinition): void {
  if (byType.has(definition.type)) throw new Error(`report type ${definition.type} is already registered`);
  registry.push(definition);
  byType.set(definition.type, definition);
  version += 1;
}

export type { ReportDefinition, CsvReport, PdfReport, ReportContext, FieldProblem, ColumnKind, ReportFormat } from './definition';
export { COLUMN_KINDS, formatsOf, workbookFileName } from './definition';
