import type { z } from 'zod';
import type { Sql } from '../db/connection';
import type { OptionSource } from './filters';
import type { QueryContext, QueryParams, ReportQuery } from './query';

export const CATEGORIES = [
  'Faturamento e Recursos',
  'Atendimento e Suporte',
  'Gestão de Tickets',
  'API e Integrações',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** A problem with one filter, named by its path (`filters.queueIds.1`). */
export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * The ids and period a test company provides (one of each), so that a type can say what a valid request
 * of it looks like there: the generic tests (catalogue, fuzzing, tenant isolation, workbooks) use it.
 */
export interface ExampleTenant {
  /** A period in which the company has data, `YYYY-MM-DD`, at most 31 days. */
  from: string;
  to: string;
  queue: number;
  user: number;
  campaign: number;
  costCenter: number;
  ticket: number;
}

/** What a report knows about the request it serves (the same object its query parameters carry). */
export type ReportContext = QueryContext;

interface ReportBase<F> {
  type: string;
  /** pt-BR, as the product page names it. */
  name: string;
  description: string;
  category: Category;
  /** Validates the shape of `filters`; its JSON Schema is published in the catalogue. */
  filters: z.ZodType<F>;
  /** pt-BR label of every filter, by its name (the page's form and its summary of a request). */
  filterLabels: Readonly<Record<string, string>>;
  /** pt-BR label of every value an enum filter takes (`open` → Aberto). */
  valueLabels: Readonly<Record<string, string>>;
  /** The longest `from`–`to` span in days, both included; the filters' schema enforces the same value. */
  maxDays?: number;
  /** Where each id filter's choices come from: a key of `GET /api/report-options`, whose table the ids must belong to. */
  optionSources?: Readonly<Record<string, OptionSource>>;
  /**
   * The file has a row per message or event of the period, so its size follows the period (and the company):
   * beyond HEAVY_REPORT_DAYS such a report exports on the heavy task queue (src/reports/lanes.ts).
   */
  rowPerEvent?: boolean;
  /** A filter that replaces the period when given (the page then disables the dates), and the hint saying so. */
  periodAlternative?: { filter: string; hint: string };
  /** Filters that pass validation in the company `t` (and produce a file with its rows). */
  example(t: ExampleTenant): Record<string, unknown>;
  /** Checks that need the database, always within the caller's company (ids that must exist there). */
  checkFilters?(sql: Sql, companyId: number, filters: F): Promise<FieldProblem[]>;
  /**
   * What must still hold when the export runs, beyond the stored filters' shape (a setting the report
   * needs, that an admin may have removed since the request). A problem ends the report in ERROR.
   */
  checkBeforeExport?(sql: Sql, companyId: number, filters: F): Promise<FieldProblem[]>;
  /** The download name, without directories. */
  fileName(filters: F, ctx: ReportContext): string;
}

/**
 * What a column holds, for a workbook's typed cells (the CSV writes every kind as formatted text):
 * `integer` ids and counts, `timestamp`/`date` in the company's zone, `duration` in seconds shown
 * `HH:MM:SS`, `money` and `percent` with a decimal comma, `boolean` Sim/Não. Identifiers that only look
 * like numbers (phone numbers, wamid, WABA ids) are `text`: a number would lose their digits.
 */
export const COLUMN_KINDS = ['text', 'integer', 'timestamp', 'date', 'duration', 'money', 'percent', 'boolean'] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];

export type ReportFormat = 'csv' | 'xlsx' | 'pdf';

export interface CsvReport<F = unknown> extends ReportBase<F> {
  format: 'csv';
  /** The header row, exactly as reports.md names the columns. */
  columns: readonly string[];
  /** The kind of every column, by its header name. */
  columnKinds: Readonly<Record<string, ColumnKind>>;
  /** The rows, as formatted text cells, in the order of `columns`. */
  /** `q.context` says whose report it is, in which zone, asked for when. */
  query(filters: F, q: QueryParams): ReportQuery;
}

export interface PdfReport<F = unknown> extends ReportBase<F> {
  format: 'pdf';
}

export type ReportDefinition<F = unknown> = CsvReport<F> | PdfReport<F>;

/** The formats a type can be asked for; the first is the default. Every CSV type is also a workbook. */
export function formatsOf(report: ReportDefinition): readonly ReportFormat[] {
  return report.format === 'csv' ? ['csv', 'xlsx'] : ['pdf'];
}

/** The download name of a workbook: the CSV's, with `.xlsx`. */
export function workbookFileName(csvFileName: string): string {
  return csvFileName.replace(/\.csv$/, '') + '.xlsx';
}

/** Keeps the filters' type inside one definition while the registry holds them all. */
export function defineReport<F>(definition: ReportDefinition<F>): ReportDefinition<unknown> {
  return definition as ReportDefinition<unknown>;
}
