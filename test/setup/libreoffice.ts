// Converts a workbook to CSV files (one per sheet) with LibreOffice headless: a second, independent reader.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Each sheet as LibreOffice shows it (cell contents "as shown", so number formats apply), as `;`-separated
 * text with `"` quotes, in sheet order. Its own profile folder keeps concurrent runs apart.
 */
export async function libreOfficeSheets(workbook: Buffer): Promise<{ name: string; text: string }[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reports-soffice-'));
  try {
    const input = path.join(dir, 'book.xlsx');
    writeFileSync(input, workbook);
    // Tokens: separator ;, quote ", UTF-8, from line 1, default cell format, en-US, text not force-quoted,
    // -, contents as shown, no formulas, no trimming, every sheet to its own file.
    const filter = 'csv:Text - txt - csv (StarCalc):59,34,76,1,,1033,false,true,true,false,false,-1';
    await run(process.env.SOFFICE_PATH ?? 'soffice', [
      `-env:UserInstallation=${pathToFileURL(path.join(dir, 'profile')).href}`,
      '--headless', '--convert-to', filter, '--outdir', path.join(dir, 'out'), input,
    ], { timeout: 180_000 });
    // One file per sheet, named after it; continuation sheets end in ` (n)`, which puts them in order.
    const order = (f: string) => Number(/ \((\d+)\)\.csv$/.exec(f)?.[1] ?? 1);
    const files = readdirSync(path.join(dir, 'out')).sort((a, b) => order(a) - order(b));
    return files.map((f) => ({ name: f.replace(/^book-/, '').replace(/\.csv$/, ''), text: readFileSync(path.join(dir, 'out', f), 'utf8') }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** LibreOffice's CSV (LF line ends, quotes only where needed) as rows of cells. */
export function parseLibreOfficeCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ';') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}
