// A workbook made on GCS storage (fake-gcs-server): the conversion reads the stored CSV back as an object
// stream and stores its parts as objects, then composes them, like the CSV's.
import { beforeAll, describe, expect, it } from 'vitest';
import { findReport, type CsvReport } from '../../src/reports';
import { createWhatsapp } from '../setup/rows';
import { ReportsApi, useCompany, useStack } from '../setup/reports-api';
import { parseReportCsv } from '../setup/csv';
import { expectedCell, readWorkbook, workbookDataRows } from '../setup/xlsx';

describe('a workbook on GCS storage', () => {
  const stack = useStack({ storage: 'gcs', workbookRowsPerSheet: 2 });
  const company = useCompany(stack, 'Loja na Nuvem');

  beforeAll(async () => {
    for (let i = 1; i <= 4; i++) {
      await createWhatsapp(stack.sql, company.id, { number: `551190000000${i}`, wabaId: `00${i}`, status: 'CONNECTED', activatedAt: new Date(Date.now() - i * 3_600_000).toISOString() });
    }
  }, 120_000);

  it('when numbers is asked as xlsx, then the workbook holds the CSV cell for cell over its sheets, and only it is stored', async () => {
    const csv = await new ReportsApi(stack, company.token).run('numbers', { month: 'current' });
    const res = await stack.api('/api/reports', { method: 'POST', token: company.token, body: JSON.stringify({ type: 'numbers', filters: { month: 'current' }, format: 'xlsx' }) });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const done = await stack.waitForReport(id, company.token);
    expect(done.status, JSON.stringify(done.error)).toBe('READY');
    const link = await stack.api(`/api/reports/${id}/download`, { token: company.token });
    const bytes = Buffer.from(await (await fetch(link.headers.get('location')!)).arrayBuffer());

    const report = findReport('numbers') as CsvReport;
    const [header, ...rows] = parseReportCsv(csv.bytes);
    expect(rows).toHaveLength(5);
    const sheets = await readWorkbook(bytes);
    expect(sheets.map((s) => s.name)).toEqual(['Números', 'Números (2)', 'Números (3)']);
    const cells = workbookDataRows(sheets, header);
    for (const [r, row] of rows.entries()) {
      for (const [c, text] of row.entries()) expect(cells[r][c]).toEqual(expectedCell(report.columnKinds[header[c]], text));
    }
    // The stored CSV and the parts are gone: the report's folder holds the workbook alone.
    expect(await stack.storage.deletePrefix(`parts/${id}/`)).toBe(0);
    const [files] = await (stack.storage as unknown as { bucket: { getFiles(o: { prefix: string }): Promise<[{ name: string }[]]> } }).bucket.getFiles({ prefix: `reports/${company.id}/${id}/` });
    expect(files.map((f) => f.name.split('/').pop())).toEqual([done.fileName]);
  }, 120_000);
});
