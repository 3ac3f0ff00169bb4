import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChromiumMissingError, PdfBrowser } from '../../src/pdf/browser';
import { chromiumLaunchedHere, chromiumLeftAfter, markChromiumLaunchedHere } from '../setup/chromium-processes';
import { pdfPages } from '../setup/pdf';

markChromiumLaunchedHere();

/** The browser's own process (not a zygote or renderer): the one Playwright launched. */
function browserProcesses(): string[] {
  return chromiumLaunchedHere().filter((p) => !p.includes('--type=') && !p.includes('crashpad'));
}

const printHtml = (browser: PdfBrowser, html: string) =>
  browser.withPage(async (page) => {
    await page.setContent(html, { waitUntil: 'load' });
    return page.pdf({ format: 'A4' });
  });

describe('the PDF browser', () => {
  let server: Server;
  let origin: string;
  const requests: string[] = [];
  const browser = new PdfBrowser(process.env.CHROMIUM_PATH ?? 'chromium');

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.end('body { color: red }');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await browser.shutdown();
    await new Promise((r) => server.close(r));
    expect(await chromiumLeftAfter()).toEqual([]);
  });

  it('when the HTML holds scripts and links to the network, then no script runs and nothing is fetched', async () => {
    const html = `<!DOCTYPE html><html><head>
      <link rel="stylesheet" href="${origin}/style.css"><script src="${origin}/script.js"></script></head><body>
      <p>texto estático</p>
      <script>document.body.insertAdjacentText('beforeend', 'SCRIPT-RODOU')</script>
      <img src="${origin}/img.png" onerror="document.body.insertAdjacentText('beforeend', 'ONERROR-RODOU')">
      <iframe src="${origin}/frame"></iframe><object data="${origin}/object"></object>
      <div style="background: url('${origin}/bg.png')">fundo</div>
    </body></html>`;
    const text = (await pdfPages(await printHtml(browser, html))).join('\n');
    expect(text).toContain('texto estático');
    expect(text).not.toContain('RODOU');
    expect(requests).toEqual([]);
  });

  it('when several jobs run, then they share one browser, each in a context of its own', async () => {
    await printHtml(browser, '<p>um</p>');
    const before = browserProcesses();
    expect(before).toHaveLength(1);
    const texts = await Promise.all(['dois', 'três', 'quatro'].map(async (w) => (await pdfPages(await printHtml(browser, `<p>${w}</p>`))).join('')));
    expect(texts.map((t) => t.trim())).toEqual(['dois', 'três', 'quatro']);
    expect(browserProcesses()).toEqual(before);
  });

  it('when a job fails, then the next one still works', async () => {
    await expect(browser.withPage(async () => { throw new Error('falhou no meio'); })).rejects.toThrow('falhou no meio');
    expect((await pdfPages(await printHtml(browser, '<p>depois da falha</p>'))).join('')).toContain('depois da falha');
  });

  it('when the browser dies, then the job in flight fails and the next job gets a new browser', async () => {
    await printHtml(browser, '<p>aquecendo</p>');
    const [pid] = browserProcesses().map((p) => Number(p.split(' ')[0]));
    const inFlight = browser.withPage(async (page) => {
      await page.setContent('<p>em andamento</p>');
      process.kill(pid, 'SIGKILL');
      return page.pdf({ format: 'A4' });
    });
    await expect(inFlight).rejects.toThrow();
    const text = (await pdfPages(await printHtml(browser, '<p>nova instância</p>'))).join('');
    expect(text).toContain('nova instância');
    const [newPid] = browserProcesses().map((p) => Number(p.split(' ')[0]));
    expect(newPid).not.toBe(pid);
  });

  it('when Chromium is not where CHROMIUM_PATH says, then the job fails with ChromiumMissingError', async () => {
    const missing = new PdfBrowser('/nonexistent/chromium');
    await expect(printHtml(missing, '<p>x</p>')).rejects.toBeInstanceOf(ChromiumMissingError);
    const notOnPath = new PdfBrowser('chromium-that-does-not-exist');
    await expect(printHtml(notOnPath, '<p>x</p>')).rejects.toBeInstanceOf(ChromiumMissingError);
  });

  it('when the browser is shut down, then its processes are gone and it takes no more jobs', async () => {
    const own = new PdfBrowser(process.env.CHROMIUM_PATH ?? 'chromium');
    await printHtml(own, '<p>x</p>');
    expect(browserProcesses().length).toBeGreaterThanOrEqual(1);
    await own.shutdown();
    await expect(printHtml(own, '<p>x</p>')).rejects.toThrow(/shut down/);
  });
});
