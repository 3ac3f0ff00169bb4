// Workbooks (format xlsx) of every CSV type, through HTTP on the real services, read back with an
// independent reader (exceljs) and compared cell by cell — value and type — with the CSV of the same
// request. The data is the seed generator's pt-BR demo data, plus texts that look like formulas.
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { seed, type SeedSummary } from '../../dev/seed/seed';
import { REPORTS, findReport, type CsvReport } from '../../src/reports';
import type { ExampleTenant } from '../../src/reports/definition';
import type { ReportStorage } from '../../src/storage/storage';
import { parseReportCsv } from '../setup/csv';
import { ReportsApi, useStack } from '../setup/reports-api';
import { libreOfficeSheets, parseLibreOfficeCsv } from '../setup/libreoffice';
import { expectedCell, readWorkbook, workbookDataRows } from '../setup/xlsx';
import { WorkbookWriter } from '../../src/xlsx/workbook-writer';

const ROWS_PER_SHEET = 400;
/** Columns the seed leaves empty in this data (not a kind the comparison skips). */
const OFTEN_EMPTY = new Set<string>([]);

/** Small parts, so a workbook of this data is stored in several. */
const PART_BYTES = 16 * 1024;
/** Makes the worker read a corrupt CSV when it builds a workbook, while `corrupt` is set. */
let corrupt = false;
/** Fails the storing of a workbook's second part once, while set: the conversion is retried from the start. */
let failSecondPartOnce = false;
/** What the worker last read back of a stored CSV. */
let lastCsvRead: Buffer[] = [];
const corruptingStorage = (inner: ReportStorage): ReportStorage => new Proxy(inner, {
  get(target, prop, receiver) {
    if (prop === 'readStream') {
      return (key: string) => {
        if (corrupt) return Readable.from([Buffer.from('\uFEFFnão é este cabeçalho\r\n1;2\r\n')]);
        const stream = target.readStream(key) as Readable;
        lastCsvRead = [];
        stream.on('data', (c: Buffer) => lastCsvRead.push(c));
        return stream;
      };
    }
    if (prop === 'put') {
      return async (key: string, data: Buffer, type?: string) => {
        if (failSecondPartOnce && /\/xlsx-000002$/.test(key)) {
          failSecondPartOnce = false;
          throw new Error('injected: storage refused the part');
        }
        return target.put(key, data, type);
      };
    }
    const value = Reflect.get(target, prop, receiver);
    return typeof value === 'function' ? value.bind(target) : value;
  },
});

function localDay(date: Date, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

describe('XLSX workbooks through the HTTP API', () => {
  const stack = useStack({ workbookRowsPerSheet: ROWS_PER_SHEET, partBytes: PART_BYTES, wrapWorkerStorage: corruptingStorage });
  let summary: SeedSummary;
  let token: string;
  let tenant: ExampleTenant;
  /** Each type's own example of valid filters, in the seeded company. */
  const filtersOf = (type: string) => findReport(type)!.example(tenant);

  const api = () => new ReportsApi(stack, token);
  /** Asks for a report: its record as created. */
  const request = async (type: string, filters: Record<string, unknown>, format?: string) => api().get(await api().request(type, filters, format));
  /** A READY report's record, file and content type. */
  const download = async (id: string) => ({ report: await api().ready(id), ...(await api().downloadFile(id)) });

  beforeAll(async () => {
    summary = await seed(stack.sql, { companies: 2, messages: 6000, seed: 17, days: 45 });
    const company = summary.companies[0];
    token = stack.tokenFor({ id: company.adminUserId, companyId: company.id });
    // People's text that a spreadsheet would run: the CSV protects it with ', the workbook keeps it as stored.
    await stack.sql`update users set name = '=HYPERLINK("http://x","clique")' where id = ${company.userUserId}`;
    await stack.sql`update queues set name = '+55 Vendas' where id = (select min(id) from queues where company_id = ${company.id})`;
    await stack.sql`update messages set body = '-1 ponto; "aspas"' || chr(10) || 'segunda linha  '
                    where id in (select id from messages where company_id = ${company.id} order by id desc limit 5)`;
    // A first-response target, so that "Primeira resposta no prazo" holds percents.
    await stack.sql`insert into reports.business_hours (company_id, first_response_target_seconds, updated_by)
                    values (${company.id}, 600, ${company.adminUserId})`;
    const to = localDay(summary.to, company.timezone);
    const from = localDay(new Date(summary.to.getTime() - 30 * 86_400_000), company.timezone);
    const first = async (table: string) =>
      (await stack.sql<{ id: number }[]>`select min(id)::int as id from ${stack.sql(table)} where company_id = ${company.id}`)[0].id;
    tenant = {
      from, to, user: company.userUserId,
      queue: await first('queues'), campaign: await first('campaigns'), costCenter: await first('cost_centers'), ticket: await first('tickets'),
    };
  }, 180_000);

  const csvTypes = REPORTS.filter((r): r is CsvReport => r.format === 'csv');

  it('when the catalogue is read, then every CSV type offers csv and xlsx, ticket_detail only pdf', async () => {
    const res = await stack.api('/api/report-types', { token });
    const { reportTypes } = (await res.json()) as { reportTypes: { type: string; format: string; formats: string[] }[] };
    for (const t of reportTypes) {
      expect(t.formats, t.type).toEqual(t.type === 'ticket_detail' ? ['pdf'] : ['csv', 'xlsx']);
      expect(t.format).toBe(t.formats[0]);
    }
    expect(reportTypes).toHaveLength(REPORTS.length);
  });

  it('when every CSV report definition is read, then each of its columns has a kind', () => {
    for (const r of csvTypes) for (const c of r.columns) expect(r.columnKinds[c], `${r.type}: ${c}`).toMatch(/^(text|integer|timestamp|date|duration|money|percent|boolean)$/);
  });

  for (const type of csvTypes.map((r) => r.type)) {
    it(`when ${type} is asked as xlsx, then its workbook holds the CSV's rows cell for cell, typed`, async () => {
      const report = findReport(type) as CsvReport;
      const filters = filtersOf(type);
      const csvReq = await request(type, filters);
      const xlsxReq = await request(type, filters, 'xlsx');
      expect(xlsxReq.format).toBe('xlsx');
      const csv = await download(csvReq.id);
      const xlsx = await download(xlsxReq.id);
      expect(xlsx.report.fileName).toBe(csv.report.fileName.replace(/\.csv$/, '.xlsx'));
      expect(xlsx.report.rowCount).toBe(csv.report.rowCount);
      expect(xlsx.contentType).toContain('spreadsheetml');

      const [header, ...csvRows] = parseReportCsv(csv.bytes);
      const sheets = await readWorkbook(xlsx.bytes);
      const expectedSheets = Math.max(1, Math.ceil(csvRows.length / ROWS_PER_SHEET));
      expect(sheets.map((s) => s.name)).toEqual(
        Array.from({ length: expectedSheets }, (_, i) => (i === 0 ? report.name.replace('/', '-') : `${report.name.replace('/', '-')} (${i + 1})`)));
      // The seed gives service_history more rows than a (shortened) sheet holds: continuation sheets are seen.
      if (type === 'service_history') expect(sheets.length).toBeGreaterThan(1);
      for (const [i, sheet] of sheets.entries()) {
        expect(sheet.headerBold).toBe(true);
        expect(sheet.frozenRows).toBe(1);
        const rows = Math.min(ROWS_PER_SHEET, csvRows.length - i * ROWS_PER_SHEET);
        expect(String(sheet.autoFilter)).toMatch(new RegExp(`^A1:[A-Z]+${Math.max(rows, 0) + 1}$`));
      }
      const rows = workbookDataRows(sheets, header);
      expect(rows).toHaveLength(csvRows.length);
      for (const [r, csvRow] of csvRows.entries()) {
        for (const [c, text] of csvRow.entries()) {
          expect(rows[r][c], `${type} row ${r + 1}, ${header[c]}: ${JSON.stringify(text)}`).toEqual(expectedCell(report.columnKinds[header[c]], text));
        }
      }
      expect(csvRows.length, `${type} has rows to compare`).toBeGreaterThan(0);
      // Each kind of column was seen with a value at least once, so each comparison above could have failed.
      const seen = new Set(csvRows.flatMap((row) => row.flatMap((text, c) => (text === '' ? [] : [header[c]]))));
      expect(header.filter((c) => !seen.has(c) && !OFTEN_EMPTY.has(`${type}.${c}`)), `${type}: columns never filled`).toEqual([]);
    }, 240_000);
  }

  it('when a text starts like a formula, then the CSV has the apostrophe and the workbook the text as stored', async () => {
    const filters = filtersOf('service_history');
    const csv = await download((await request('service_history', filters)).id);
    const xlsx = await download((await request('service_history', filters, 'xlsx')).id);
    const csvCells = parseReportCsv(csv.bytes).flat();
    const texts = workbookDataRows(await readWorkbook(xlsx.bytes), parseReportCsv(csv.bytes)[0]).flat().map((c) => c.value);
    expect(csvCells).toContain(`'-1 ponto; "aspas"\nsegunda linha  `);
    expect(texts).toContain(`-1 ponto; "aspas"\nsegunda linha  `);
    expect(texts).toContain('+55 Vendas');
    expect(texts.some((t) => typeof t === 'string' && t.startsWith("'"))).toBe(false);
  }, 240_000);

  it('when LibreOffice converts a workbook to CSV, then it shows the CSV of the same request, sheet after sheet', async () => {
    // service_history: more rows than a sheet holds here, messages with line breaks, quotes and formula-like
    // text; service_statistics: durations and percents.
    for (const type of ['service_history', 'service_statistics']) {
      const report = findReport(type) as CsvReport;
      const csv = await download((await request(type, filtersOf(type))).id);
      const xlsx = await download((await request(type, filtersOf(type), 'xlsx')).id);
      const [header, ...csvRows] = parseReportCsv(csv.bytes);
      const sheets = await libreOfficeSheets(xlsx.bytes);
      expect(sheets.length).toBe(Math.max(1, Math.ceil(csvRows.length / ROWS_PER_SHEET)));
      const shown: string[][] = [];
      for (const sheet of sheets) {
        const [sheetHeader, ...rows] = parseLibreOfficeCsv(sheet.text);
        expect(sheetHeader).toEqual(header);
        shown.push(...rows);
      }
      // What differs is only how each side writes a number (en-US decimal point, [h] without a leading zero)
      // and the CSV's anti-formula apostrophe; the test states it per kind rather than trusting the writer.
      const asCsv = (kind: string, text: string) => {
        if (kind === 'money' || kind === 'percent') return text.replace('.', ',');
        if (kind === 'duration') return text.replace(/^(\d):/, '0$1:');
        return text;
      };
      const unprotected = (kind: string, text: string) => (kind === 'text' && /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text);
      expect(shown).toHaveLength(csvRows.length);
      for (const [r, row] of csvRows.entries()) {
        expect(shown[r].map((t, c) => asCsv(report.columnKinds[header[c]], t)), `${type} row ${r + 1}`)
          .toEqual(row.map((t, c) => unprotected(report.columnKinds[header[c]], t)));
      }
    }
  }, 400_000);

  it('when storing a workbook part fails mid-file, then the retried conversion gives byte for byte the uninterrupted workbook', async () => {
    failSecondPartOnce = true;
    const { id } = await request('service_history', filtersOf('service_history'), 'xlsx');
    const xlsx = await download(id);
    expect(failSecondPartOnce, 'the failure was injected').toBe(false);
    expect(xlsx.bytes.length).toBeGreaterThan(2 * PART_BYTES);
    // The same CSV through the writer at once.
    const report = findReport('service_history') as CsvReport;
    const [, ...rows] = parseReportCsv(Buffer.concat(lastCsvRead));
    const writer = new WorkbookWriter({
      sheetName: report.name, columns: report.columns, kinds: report.columns.map((c) => report.columnKinds[c]), rowsPerSheet: ROWS_PER_SHEET,
    });
    const chunks: Buffer[] = [];
    const reading = (async () => { for await (const c of writer.output) chunks.push(c as Buffer); })();
    for (const row of rows) await writer.writeRow(row);
    await writer.end();
    await reading;
    expect(xlsx.bytes.equals(Buffer.concat(chunks))).toBe(true);
  }, 240_000);

  it('when the same request is made twice, then the two workbooks are byte for byte the same', async () => {
    const first = await download((await request('official_messages', filtersOf('official_messages'), 'xlsx')).id);
    const second = await download((await request('official_messages', filtersOf('official_messages'), 'xlsx')).id);
    expect(first.bytes.equals(second.bytes)).toBe(true);
  });

  it('when a report with no rows is asked as xlsx, then the workbook holds the header row only', async () => {
    const xlsx = await download((await request('login_logout', { from: '2020-01-01', to: '2020-01-02' }, 'xlsx')).id);
    const sheets = await readWorkbook(xlsx.bytes);
    expect(sheets).toHaveLength(1);
    expect(sheets[0].rows.map((r) => r.map((c) => c.value))).toEqual([[...(findReport('login_logout') as CsvReport).columns]]);
    expect(xlsx.report.rowCount).toBe(0);
  });

  it("when a profile may not use a type, then asking for it as xlsx is a 403 like csv", async () => {
    const company = summary.companies[0];
    await stack.sql`insert into reports.report_permissions (company_id, type, profiles, updated_by) values (${company.id}, 'licenses', ${['supervisor']}, ${company.adminUserId})`;
    try {
      const userToken = stack.tokenFor({ id: company.userUserId, companyId: company.id });
      const res = await stack.api('/api/reports', { method: 'POST', token: userToken, body: JSON.stringify({ type: 'licenses', filters: { month: 'current' }, format: 'xlsx' }) });
      expect(res.status).toBe(403);
    } finally {
      await stack.sql`delete from reports.report_permissions where company_id = ${company.id}`;
    }
  });

  it('when ticket_detail or an unknown format is asked, then a 400 names format', async () => {
    const ticketId = (await stack.sql<{ id: number }[]>`select min(id)::int as id from tickets where company_id = ${summary.companies[0].id}`)[0].id;
    for (const [type, filters, format] of [['ticket_detail', { ticketId }, 'xlsx'], ['numbers', { month: 'current' }, 'pdf'], ['numbers', { month: 'current' }, 'docx']] as const) {
      const res = await stack.api('/api/reports', { method: 'POST', token, body: JSON.stringify({ type, filters, format }) });
      expect(res.status, `${type} ${format}`).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await res.json()) as { errors: { path: string; message: string }[] };
      expect(problem.errors.map((e) => e.path)).toEqual(['format']);
      expect(problem.errors[0].message).toContain('format');
    }
  });

  it('when the stored CSV cannot become a workbook, then the report ends in ERROR with a plain message and no file', async () => {
    corrupt = true;
    try {
      const { id } = await request('numbers', { month: 'current' }, 'xlsx');
      const done = await stack.waitForReport(id, token, 120_000);
      expect(done.status).toBe('ERROR');
      expect(done.error.message).toBe('Não foi possível gerar a planilha (XLSX) deste relatório. A equipe técnica foi avisada.');
      // The record says ERROR first, then the files go: the run has ended once they are gone.
      await expect(stack.workflows.client.workflow.getHandle(done.workflowId).result()).rejects.toThrow();
      const company = summary.companies[0];
      expect(await stack.storage.deletePrefix(`reports/${company.id}/${id}/`)).toBe(0);
      expect(await stack.storage.deletePrefix(`parts/${id}/`)).toBe(0);
    } finally {
      corrupt = false;
    }
  }, 180_000);
});
