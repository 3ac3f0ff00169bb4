// Reads a workbook with an independent reader (exceljs) and says what each CSV cell should be in it.
import ExcelJS from 'exceljs';
import { expect } from 'vitest';
import type { ColumnKind } from '../../src/reports';

export interface ReadCell {
  type: 'absent' | 'number' | 'string' | 'date' | 'other';
  value: unknown;
  numFmt?: string;
}

export interface ReadSheet {
  name: string;
  rows: ReadCell[][];
  headerBold: boolean;
  frozenRows: number | undefined;
  autoFilter: unknown;
}

export async function readWorkbook(bytes: Buffer): Promise<ReadSheet[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as never);
  return wb.worksheets.map((ws) => {
    const rows: ReadCell[][] = [];
    const width = ws.getRow(1).cellCount;
    for (let r = 1; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const cells: ReadCell[] = [];
      for (let c = 1; c <= width; c++) cells.push(readCell(row.getCell(c)));
      rows.push(cells);
    }
    const view = ws.views[0] as { state?: string; ySplit?: number } | undefined;
    return {
      name: ws.name,
      rows,
      headerBold: ws.getRow(1).cellCount > 0 && Array.from({ length: width }, (_, i) => ws.getRow(1).getCell(i + 1).font?.bold === true).every(Boolean),
      frozenRows: view?.state === 'frozen' ? view.ySplit : undefined,
      autoFilter: ws.autoFilter,
    };
  });
}

function readCell(cell: ExcelJS.Cell): ReadCell {
  const numFmt = cell.numFmt || undefined;
  switch (cell.type) {
    case ExcelJS.ValueType.Null: return { type: 'absent', value: null };
    case ExcelJS.ValueType.Number: return { type: 'number', value: cell.value, numFmt };
    case ExcelJS.ValueType.String: return { type: 'string', value: cell.value };
    case ExcelJS.ValueType.Date: return { type: 'date', value: (cell.value as Date).getTime(), numFmt };
    default: return { type: 'other', value: cell.value };
  }
}

const FORMULA_START = /^'[=+\-@\t\r]/;
const DAY_ZERO = Date.UTC(1899, 11, 30);

/**
 * What the CSV's text `csv` must be in the workbook, by the rules of reports.md ("XLSX"), computed here
 * on its own: a date value is read back as the UTC instant of its wall-clock time, a duration as day zero
 * plus the duration. A people's text cell that the CSV protected with `'` is the original text.
 */
export function expectedCell(kind: ColumnKind, csv: string): ReadCell {
  if (csv === '') return { type: 'absent', value: null };
  const dmy = (s: string) => s.split('/').map(Number);
  switch (kind) {
    case 'text':
    case 'boolean':
      return { type: 'string', value: FORMULA_START.test(csv) ? csv.slice(1) : csv };
    case 'integer':
      return { type: 'number', value: Number(csv), numFmt: undefined };
    case 'money':
      return { type: 'number', value: Number(csv.replace(',', '.')), numFmt: '0.0000' };
    case 'percent':
      return { type: 'number', value: Number(csv.replace(',', '.')), numFmt: '0.00' };
    case 'timestamp': {
      const [date, time] = csv.split(' ');
      const [d, m, y] = dmy(date);
      const [hh, mm, ss] = time.split(':').map(Number);
      return { type: 'date', value: Date.UTC(y, m - 1, d, hh, mm, ss), numFmt: 'dd/mm/yyyy hh:mm:ss' };
    }
    case 'date': {
      const [d, m, y] = dmy(csv);
      return { type: 'date', value: Date.UTC(y, m - 1, d), numFmt: 'dd/mm/yyyy' };
    }
    case 'duration': {
      const [h, m, s] = csv.split(':').map(Number);
      return { type: 'date', value: DAY_ZERO + (h * 3600 + m * 60 + s) * 1000, numFmt: '[h]:mm:ss' };
    }
  }
}

/** Every data row of the workbook, sheet after sheet, each sheet starting with the same header row. */
export function workbookDataRows(sheets: ReadSheet[], header: readonly string[]): ReadCell[][] {
  const rows: ReadCell[][] = [];
  for (const sheet of sheets) {
    expect(sheet.rows[0].map((c) => c.value), `header of sheet ${sheet.name}`).toEqual([...header]);
    rows.push(...sheet.rows.slice(1));
  }
  return rows;
}
