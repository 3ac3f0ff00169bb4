/**
 * `tsx bench/xlsx-writers.ts <csv> <writer> <out> [repeat]`: turns a stored report CSV (service_history) into a
 * workbook with one candidate writer, in a process of its own so its peak RSS can be sampled, and prints
 * `{ seconds, rows, bytes }` as JSON. `repeat` feeds the CSV's rows that many times (a workbook with more
 * rows than one sheet holds, from a smaller month). Writers:
 *   ours      src/xlsx/workbook-writer.ts (inline strings, yazl, zlib level 6) — what the module uses
 *   ours-l1   the same at zlib level 1
 *   exceljs   exceljs's streaming WorkbookWriter (no shared strings, styles on)
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { findReport, type ColumnKind, type CsvReport } from '../src/reports';
import { CsvRowReader } from '../src/xlsx/csv-rows';
import { WorkbookWriter } from '../src/xlsx/workbook-writer';

const [csvPath, writerName, outPath, repeatArg] = process.argv.slice(2);
const report = findReport('service_history') as CsvReport;
const kinds = report.columns.map((c) => report.columnKinds[c]);

async function* csvRows(): AsyncGenerator<string[]> {
  for (let pass = 0; pass < Number(repeatArg ?? 1); pass++) {
    const reader = new CsvRowReader();
    let header = true;
    for await (const chunk of createReadStream(csvPath, { highWaterMark: 256 * 1024 })) {
      for (const row of reader.rows(chunk as Buffer)) {
        if (header) { header = false; continue; }
        yield row;
      }
    }
    reader.finish();
  }
}

async function ours(level: number): Promise<number> {
  const writer = new WorkbookWriter({ sheetName: report.name, columns: report.columns, kinds, compressionLevel: level });
  const written = pipeline(writer.output, createWriteStream(outPath));
  for await (const row of csvRows()) {
    const wait = writer.writeRow(row);
    if (wait) await wait;
  }
  await writer.end();
  await written;
  return writer.rows;
}

const NUM_FMT: Partial<Record<ColumnKind, string>> = { timestamp: 'dd/mm/yyyy hh:mm:ss', date: 'dd/mm/yyyy', duration: '[h]:mm:ss', money: '0.0000', percent: '0.00' };

function typed(kind: ColumnKind, text: string): unknown {
  if (text === '') return null;
  switch (kind) {
    case 'integer': return Number(text);
    case 'money': case 'percent': return Number(text.replace(',', '.'));
    case 'timestamp': {
      const [d, m, y, hh, mm, ss] = text.split(/[/ :]/).map(Number);
      return new Date(Date.UTC(y, m - 1, d, hh, mm, ss));
    }
    case 'date': {
      const [d, m, y] = text.split('/').map(Number);
      return new Date(Date.UTC(y, m - 1, d));
    }
    case 'duration': {
      const [h, m, s] = text.split(':').map(Number);
      return (h * 3600 + m * 60 + s) / 86400;
    }
    default: return text;
  }
}

async function exceljs(): Promise<number> {
  const out = createWriteStream(outPath);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(report.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = report.columns.map((c, i) => ({ header: c, key: String(i), width: 20, style: NUM_FMT[kinds[i]] ? { numFmt: NUM_FMT[kinds[i]] } : {} }));
  ws.getRow(1).font = { bold: true };
  let rows = 0;
  for await (const row of csvRows()) {
    ws.addRow(row.map((t, i) => typed(kinds[i], t))).commit();
    rows++;
  }
  ws.autoFilter = `A1:L${rows + 1}`;
  await ws.commit();
  await wb.commit();
  if (!out.writableFinished) await once(out, 'finish');
  return rows;
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const rows = writerName === 'exceljs' ? await exceljs() : await ours(writerName === 'ours-l1' ? 1 : 6);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(JSON.stringify({ seconds, rows, bytes: statSync(outPath).size }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
