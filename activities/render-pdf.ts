/**
 * Renders a PDF report (Detalhe do Ticket) and stores it like any other report file.
 *
 * One attempt is: read the ticket of the report's company, build the HTML, print it in the worker's
 * Chromium, store the PDF, record its key, size and message count. A PDF is made whole or not at all,
 * so there is no checkpoint: a retry starts over (unless the previous attempt already stored and
 * recorded the file). The activity heartbeats every few seconds while Chromium works, so a dead worker
 * is noticed in a minute and a cancelled report stops printing.
 */
import { Context } from '@temporalio/activity';
import type { Sql } from '../src/db/connection';
import { ChromiumMissingError, PdfBrowser } from '../src/pdf/browser';
import { TicketTooLargeError, loadTicketDocument } from '../src/pdf/load-ticket';
import { renderTicketPdf } from '../src/pdf/render';
import type { ReportStorage } from '../src/storage/storage';
import type { ExportResult } from './records';
import { prepareJob } from './report-job';
import { passingFailure, permanentFailure, storeOrRetry } from './failures';

const PDF_TYPE = 'application/pdf';
const HEARTBEAT_EVERY_MS = 5_000;

export interface PdfActivityDeps {
  sql: Sql;
  storage: ReportStorage;
  /** The worker's shared browser; made from `chromiumPath` when not given. */
  pdfBrowser?: PdfBrowser;
  chromiumPath?: string;
}

export function createPdfActivities(deps: PdfActivityDeps) {
  const { sql, storage } = deps;
  const browser = deps.pdfBrowser ?? new PdfBrowser(deps.chromiumPath ?? 'chromium');

  return {
    async renderPdfReport(reportId: string): Promise<ExportResult> {
      const ctx = Context.current();
      const prepared = await prepareJob(sql, storage, reportId, 'pdf');
      const { job, fileName, finalKey, finished } = prepared;
      if (finished) return finished;
      const filters = prepared.filters as { ticketId: number };

      const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        ctx.heartbeat();
        const doc = await loadTicketDocument(sql, {
          companyId: job.companyId, timezone: job.timezone, ticketId: filters.ticketId, requestedAt: job.createdAt,
        }).catch((err: unknown) => {
          if (err instanceof TicketTooLargeError) throw permanentFailure('TicketTooLarge', err.message);
          throw err;
        });
        if (!doc) throw permanentFailure('TicketNotFound', `ticket ${filters.ticketId} not found in company ${job.companyId}`);
        await sql`update reports.reports set progress_total = ${doc.messages.length} where id = ${reportId}`;

        const pdf = await printOrFail(() => renderTicketPdf(browser, doc, ctx.cancellationSignal), ctx.cancellationSignal);
        ctx.heartbeat();
        await storeOrRetry(() => storage.put(finalKey, pdf, PDF_TYPE));
        // The record is the durable proof that the file is complete (see finishedEarlier).
        await sql`update reports.reports set object_key = ${finalKey}, size_bytes = ${pdf.length}, row_count = ${doc.messages.length}
                  where id = ${reportId}`;
        return { objectKey: finalKey, fileName, rowCount: doc.messages.length, sizeBytes: pdf.length };
      } finally {
        clearInterval(beat);
      }
    },
  };
}

/** The one PDF report type is ticket_detail, whose filters are `{ ticketId }`. */
/**
 * A missing Chromium stays missing: fail at once. Anything else that goes wrong in the browser (a crash,
 * a killed renderer, a time-out) may pass: let Temporal retry it. The failure types (ChromiumMissing,
 * PdfFailed) are what the workflow turns into a plain message for the user once retries run out.
 */
async function printOrFail(print: () => Promise<Buffer>, cancelled: AbortSignal): Promise<Buffer> {
  try {
    return await print();
  } catch (err) {
    if (cancelled.aborted) throw err;
    if (err instanceof ChromiumMissingError) throw permanentFailure('ChromiumMissing', err.message);
    throw passingFailure('PdfFailed', `PDF rendering failed: ${(err as Error).message}`);
  }
}
