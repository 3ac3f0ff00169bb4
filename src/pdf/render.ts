// Prints a ticket's document to an A4 PDF in a fresh, script-less, offline page of the worker's browser.
import type { PdfBrowser } from './browser';
import { footerTemplate, ticketHtml, type TicketDocument } from './ticket-html';

/**
 * Generous: 10,000 messages take about 10 s here. page.pdf() itself has no time limit in Playwright:
 * the activity's 10-minute start-to-close and its heartbeats bound it.
 */
const RENDER_TIMEOUT_MS = 8 * 60_000;

export async function renderTicketPdf(browser: PdfBrowser, doc: TicketDocument, signal?: AbortSignal): Promise<Buffer> {
  const html = ticketHtml(doc);
  return browser.withPage(async (page) => {
    const printing = (async () => {
      await page.setContent(html, { waitUntil: 'load', timeout: RENDER_TIMEOUT_MS });
      return page.pdf({
        format: 'A4',
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: footerTemplate(doc.ticket.id, doc.requestedAt),
        margin: { top: '15mm', bottom: '18mm', left: '15mm', right: '15mm' },
      });
    })();
    // Cancelled (the report was deleted): stop waiting; withPage closes the context, which ends the print
    // (its rejection then has no one to tell).
    printing.catch(() => {});
    return signal ? Promise.race([printing, rejectOnAbort(signal, printing)]) : printing;
  });
}

function rejectOnAbort(signal: AbortSignal, work: Promise<unknown>): Promise<never> {
  return new Promise((_, reject) => {
    const abort = () => reject(signal.reason ?? new Error('aborted'));
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      () => signal.removeEventListener('abort', abort),
      () => signal.removeEventListener('abort', abort),
    );
  });
}
