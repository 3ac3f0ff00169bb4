// The workbook writer's own rules: reading back the stored CSV, sheet names, cell kinds, and text that XML
// cannot hold as is — the last checked by LibreOffice, an independent reader.
import { describe, expect, it } from 'vitest';
import { CellKindError, cellXml, columnLetters } from '../../src/xlsx/cells';
import { CsvRowReader } from '../../src/xlsx/csv-rows';
import { WorkbookWriter, sheetName } from '../../src/xlsx/workbook-writer';
import { libreOfficeSheets, parseLibreOfficeCsv } from '../setup/libreoffice';
import { readWorkbook } from '../setup/xlsx';

const CSV = Buffer.from('\uFEFFID;Texto;Vazio\r\n1;"a;b ""c""\r\nd";\r\n2;é ✓ 🎉;x\r\n3;"";\r\n', 'utf8');
const ROWS = [['ID', 'Texto', 'Vazio'], ['1', 'a;b "c"\r\nd', ''], ['2', 'é ✓ 🎉', 'x'], ['3', '', '']];

async function workbookOf(rows: string[][], kinds: ('text' | 'integer')[]): Promise<Buffer> {
  const writer = new WorkbookWriter({ sheetName: 'Teste', columns: kinds.map((_, i) => `C${i}`), kinds });
  const chunks: Buffer[] = [];
  const reading = (async () => { for await (const c of writer.output) chunks.push(c as Buffer); })();
  for (const row of rows) await writer.writeRow(row);
  await writer.end();
  await reading;
  return Buffer.concat(chunks);
}

describe('CsvRowReader', () => {
  it('when the stored CSV arrives split at any byte, then the rows are the same', () => {
    for (let cut = 0; cut <= CSV.length; cut++) {
      const reader = new CsvRowReader();
      const rows = [...reader.push(CSV.subarray(0, cut)), ...reader.push(CSV.subarray(cut))];
      reader.finish();
      expect(rows, `split at ${cut}`).toEqual(ROWS);
    }
  });

  it('when the file is cut inside a row, then finish() says so', () => {
    const reader = new CsvRowReader();
    reader.push(CSV.subarray(0, CSV.length - 1));
    expect(() => reader.finish()).toThrow(/ends inside a row/);
  });
});

describe('sheet names and cells', () => {
  it('when a report name has characters Excel refuses or is long, then the sheet name is valid and at most 31 characters', () => {
    expect(sheetName('Login/Logout', 1)).toBe('Login-Logout');
    expect(sheetName('Estatísticas de Atendimento por Fila e Operador', 1)).toHaveLength(31);
    const continued = sheetName('Estatísticas de Atendimento por Fila e Operador', 12);
    expect(continued.endsWith(' (12)')).toBe(true);
    expect(continued.length).toBeLessThanOrEqual(31);
  });

  it('when a cell does not match its column kind, then it is refused rather than written as something else', () => {
    expect(() => cellXml('A2', 'integer', '12a')).toThrow(CellKindError);
    expect(() => cellXml('A2', 'timestamp', '2026-10-07 10:00:00')).toThrow(CellKindError);
    expect(() => cellXml('A2', 'money', '0.0625')).toThrow(CellKindError);
    expect(cellXml('A2', 'duration', '')).toBe('');
    expect(columnLetters(0) + columnLetters(25) + columnLetters(26) + columnLetters(701)).toBe('AZAAZZ');
  });

  it('when text holds control characters, escape look-alikes, markup and edge spaces, then LibreOffice reads it exactly', async () => {
    const texts = ['bell\u0001 e tab\tfim', 'literal _x0041_ aqui', '<b>&amp;</b> "x"', '  espaços  ', 'linha 1\nlinha 2', '=SOMA(A1:A2)'];
    const bytes = await workbookOf(texts.map((t, i) => [String(i + 1), t]), ['integer', 'text']);
    const [sheet] = await libreOfficeSheets(bytes);
    const rows = parseLibreOfficeCsv(sheet.text).slice(1);
    expect(rows.map((r) => r[1])).toEqual(texts);
    // exceljs does not undo the _xHHHH_ spelling, so it is asked only about the others.
    const read = (await readWorkbook(bytes))[0].rows.slice(1).map((r) => r[1].value);
    expect(read.slice(2)).toEqual(texts.slice(2));
  }, 200_000);
});
