// Every activity the worker offers, built from its dependencies (no globals, easy to test).
import type { Sql } from '../src/db/connection';
import type { Logger } from '../src/log';
import type { PdfBrowser } from '../src/pdf/browser';
import type { ReportStorage } from '../src/storage/storage';
import type { AddressRules } from '../src/delivery/address-rules';
import type { MailSettings } from '../src/delivery/mail-sender';
import { createDeliveryActivities } from './deliveries';
import { createScheduledRunActivities } from './scheduled-run';
import type { ReportWorkflows } from '../src/temporal/client';
import { createCsvExportActivities } from './export-csv';
import { createXlsxExportActivities } from './export-xlsx';
import { createRecordActivities } from './records';
import { createPdfActivities } from './render-pdf';
import { createRetentionActivities } from './retention';

export interface ActivityDeps {
  sql: Sql;
  storage: ReportStorage;
  /** Bytes of CSV per stored part: the unit of checkpointing. */
  partBytes?: number;
  /** COPYs one split export (service_history) runs at once (EXPORT_PARALLEL_RANGES). */
  parallelRanges?: number;
  /** The most rows in one range of a split export: its unit of checkpointing (EXPORT_RANGE_ROWS). */
  rangeRows?: number;
  /** Bytes a range read ahead may hold (2 parts, at least 4 MiB, unless a test makes it tiny). */
  aheadBytes?: number;
  /** Attempts of an export before a retryable failure ends it in ERROR (EXPORT_MAX_ATTEMPTS). */
  maxAttempts?: number;
  /** True once the worker is shutting down: a long export stops at its next checkpoint. */
  workerStopping?: () => boolean;
  /** Where activities say what they did (resumed exports, stored parts); silent when absent. */
  log?: Logger;
  /** Chromium for PDF reports (CHROMIUM_PATH): a path, or a name found on PATH. */
  chromiumPath?: string;
  /** The worker's one browser, shared by its PDF jobs (the worker closes it on shutdown). */
  pdfBrowser?: PdfBrowser;
  /** Data rows per workbook sheet before a continuation sheet; Excel's maximum unless a test shortens it. */
  workbookRowsPerSheet?: number;
  /** How long a finished report's link and file live; 24 h unless a test shortens it. */
  linkLifetimeSeconds?: number;
  /** Where webhooks may go (WEBHOOK_ALLOW_PRIVATE, https in production), checked again at every send. */
  webhookRules?: AddressRules;
  /** DELIVERY_RETRY_DELAYS: seconds between the attempts of a delivery. */
  retryDelaysSeconds?: number[];
  /** SMTP_URL and MAIL_FROM (schedules' mails). */
  mail?: MailSettings;
  /** The worker's Temporal client: scheduled runs start report workflows with it. */
  workflows?: ReportWorkflows;
  /** MAX_PROCESSING_PER_COMPANY, for scheduled runs (they wait, rather than fail, at the limit). */
  maxProcessingPerCompany?: number;
  /** HEAVY_REPORT_DAYS (src/reports/lanes.ts; 7 by default). */
  heavyReportDays?: number;
  /** Seconds a scheduled run waits before asking again at the limit (30 unless a test shortens it). */
  scheduleLimitWaitSeconds?: number;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createCsvExportActivities(deps),
    ...createXlsxExportActivities(deps),
    ...createPdfActivities(deps),
    ...createRecordActivities(deps),
    ...createRetentionActivities(deps),
    ...createDeliveryActivities(deps),
    ...createScheduledRunActivities(deps),
  };
}
