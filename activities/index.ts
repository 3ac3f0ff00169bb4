// Every activity the worker offers, built from its dependencies (no globals, easy to test).
import type { Sql } from '../src/db/connection';
import type { PdfBrowser } from '../src/pdf/browser';
import type { ReportStorage } from '../src/storage/storage';
import { createCsvExportActivities } from './export-csv';
import { createRecordActivities } from './records';
import { createPdfActivities } from './render-pdf';

export interface ActivityDeps {
  sql: Sql;
  storage: ReportStorage;
  /** Bytes of CSV per stored part: the unit of checkpointing. */
  partBytes?: number;
  /** Chromium for PDF reports (CHROMIUM_PATH): a path, or a name found on PATH. */
  chromiumPath?: string;
  /** The worker's one browser, shared by its PDF jobs (the worker closes it on shutdown). */
  pdfBrowser?: PdfBrowser;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createCsvExportActivities(deps),
    ...createPdfActivities(deps),
    ...createRecordActivities(deps),
  };
}
