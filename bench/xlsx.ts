/**
 * The workbook section of `npm run bench`: the month of service_history as XLSX end to end against the CSV
 * of the same request in the same run (paired, alternating), the worker's peak RSS while it makes
 * workbooks, then the candidate writers on the month's stored CSV, each in a process of its own
 * (bench/xlsx-writers.ts), and once with more rows than one sheet holds.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ApiClient } from './api-client';
import { HISTORY_TYPE, removeAllReportFiles } from './export';
import { MB, fmt, median, rssOf, sampleRss } from './measure';
import { MONTH, ROOT } from './services';

type Line = { section: string; what: string; value: string; target?: string; met?: boolean };
export interface WorkbookBenchModule { client: ApiClient; filesDir: string; worker: { pid: number } }

const SHEET_ROWS = 1_048_575;

export async function workbookBench(mod: WorkbookBenchModule, reps: number, scratch: string, log: (m: string) => void): Promise<{ lines: Line[]; notes: string[] }> {
  const filters = { from: MONTH.from, to: MONTH.to };
  const lines: Line[] = [];
  const notes: string[] = [];
  log('xlsx: warming up with a one-day workbook');
  await mod.client.createAndWait('/api/reports', { type: HISTORY_TYPE, filters: { from: MONTH.from, to: MONTH.from }, format: 'xlsx' }, 50);
  removeAllReportFiles(mod.filesDir);
  const idle = rssOf(mod.worker.pid) ?? 0;

  const pairs: { csv: number; xlsx: number }[] = [];
  let rows = 0;
  let csvBytes = 0;
  let xlsxBytes = 0;
  let peak = 0;
  const storedCsv = path.join(scratch, 'month.csv');
  for (let rep = 1; rep <= reps; rep++) {
    const order: ('csv' | 'xlsx')[] = rep % 2 === 1 ? ['csv', 'xlsx'] : ['xlsx', 'csv'];
    const pair = { csv: 0, xlsx: 0 };
    for (const format of order) {
      const sampler = format === 'xlsx' ? sampleRss(mod.worker.pid, 50) : null;
      const { seconds, report } = await mod.client.createAndWait('/api/reports', { type: HISTORY_TYPE, filters, format }, 50);
      if (sampler) peak = Math.max(peak, sampler.stop().peak);
      pair[format] = seconds;
      rows = report.rowCount!;
      if (format === 'csv') {
        csvBytes = report.sizeBytes!;
        if (rep === 1) copyFileSync(findFile(path.join(mod.filesDir, 'reports'), '.csv'), storedCsv);
      } else {
        xlsxBytes = report.sizeBytes!;
      }
      removeAllReportFiles(mod.filesDir);
    }
    pairs.push(pair);
    log(`xlsx rep ${rep}: CSV ${pair.csv.toFixed(2)} s, XLSX ${pair.xlsx.toFixed(2)} s, ratio ${(pair.xlsx / pair.csv).toFixed(2)}`);
  }
  const section = `Workbook (XLSX) of the same ${fmt(rows)} rows of service_history, POST → READY`;
  const ratios = pairs.map((p) => p.xlsx / p.csv);
  lines.push({ section, what: 'CSV export (the same request as csv)', value: `median ${median(pairs.map((p) => p.csv)).toFixed(2)} s, ${fmt(csvBytes / MB, 1)} MB` });
  lines.push({ section, what: 'XLSX export (CSV export, then the conversion activity)', value: `median ${median(pairs.map((p) => p.xlsx)).toFixed(2)} s, ${fmt(xlsxBytes / MB, 1)} MB` });
  lines.push({ section, what: 'ratio XLSX time / CSV time', value: `${median(ratios).toFixed(2)}× (median of ${ratios.length} pairs: ${ratios.map((r) => r.toFixed(2)).join(', ')})` });
  lines.push({ section, what: 'worker RSS before them (warm, after earlier sections and a one-day workbook)', value: `${fmt(idle / MB)} MB` });
  lines.push({ section, what: 'worker peak RSS while making these workbooks', value: `${fmt(peak / MB)} MB`, target: '< 300 MB', met: peak < 300 * MB });

  const writers = `Workbook writers on the month's stored CSV (${fmt(rows)} rows, each writer in its own process, file on local disk)`;
  for (const writer of ['ours', 'ours-l1', 'exceljs']) {
    const r = await runWriter(storedCsv, writer, path.join(scratch, `${writer}.xlsx`), 1);
    log(`xlsx writer ${writer}: ${r.seconds.toFixed(2)} s, ${fmt(r.bytes / MB, 1)} MB, peak RSS ${fmt(r.peak / MB)} MB`);
    lines.push({ section: writers, what: WRITER_NAMES[writer], value: `${r.seconds.toFixed(2)} s, ${fmt(r.rows / r.seconds)} rows/s, ${fmt(r.bytes / MB, 1)} MB, peak RSS ${fmt(r.peak / MB)} MB` });
  }
  const repeat = Math.ceil((SHEET_ROWS + 50_000) / Math.max(rows, 1));
  const big = await runWriter(storedCsv, 'ours', path.join(scratch, 'big.xlsx'), repeat);
  lines.push({
    section: writers, what: `the module's writer, the month's rows fed ${repeat} times (beyond one sheet)`,
    value: `${fmt(big.rows)} rows in ${big.seconds.toFixed(1)} s, ${countSheets(path.join(scratch, 'big.xlsx'))} sheets, ${fmt(big.bytes / MB, 1)} MB, peak RSS ${fmt(big.peak / MB)} MB`,
  });
  notes.push('The XLSX export is the CSV export followed by a conversion that reads the stored CSV back (docs/xlsx.md); the ratio is the whole of both against the CSV alone.');
  return { lines, notes };
}

const WRITER_NAMES: Record<string, string> = {
  ours: "the module's writer (src/xlsx: inline strings, yazl, zlib level 6)",
  'ours-l1': 'the same at zlib level 1',
  exceljs: "exceljs 4.4 streaming WorkbookWriter (useSharedStrings false, styles on)",
};

function runWriter(csv: string, writer: string, out: string, repeat: number): Promise<{ seconds: number; rows: number; bytes: number; peak: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'bench', 'xlsx-writers.ts'), csv, writer, out, String(repeat)], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const sampler = sampleRss(child.pid!, 50);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const { peak } = sampler.stop();
      if (code !== 0) return reject(new Error(`xlsx writer ${writer} exited ${code}: ${stderr}`));
      resolve({ ...(JSON.parse(stdout.trim().split('\n').pop()!) as { seconds: number; rows: number; bytes: number }), peak });
    });
  });
}

function findFile(dir: string, ext: string): string {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      try { return findFile(full, ext); } catch { /* not in this one */ }
    } else if (entry.name.endsWith(ext)) return full;
  }
  throw new Error(`no ${ext} file under ${dir}`);
}

/** Worksheets named in the zip's central directory (at the end of the file). */
function countSheets(file: string): number {
  const size = statSync(file).size;
  const length = Math.min(size, 256 * 1024);
  const buf = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try { readSync(fd, buf, 0, length, size - length); } finally { closeSync(fd); }
  return new Set(buf.toString('latin1').match(/xl\/worksheets\/sheet\d+\.xml/g) ?? []).size;
}
