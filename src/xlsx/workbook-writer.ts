/**
 * A streaming workbook: rows in, zip bytes out (`output`), with memory bounded by one chunk of sheet XML
 * and zlib's window, however many rows. The sheets are written as they fill (inline strings, no shared
 * string table); the parts that name them come last, once their count is known. Given the same rows, the
 * bytes are the same — whenever and on whichever worker: every entry has the same fixed time (below) — so a
 * retried conversion writes the same file again, and the same request on the same data the same file.
 *
 * Chosen over exceljs's streaming WorkbookWriter by measurement (docs/performance.md).
 */
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import yazl from 'yazl';
import type { ColumnKind } from '../reports/definition';
import { STYLE, cellXml, columnLetters, textCell } from './cells';
import { contentTypesXml, rootRelsXml, sheetEndXml, sheetStartXml, stylesXml, workbookRelsXml, workbookXml, type SheetInfo } from './workbook-parts';

/** Excel's last row is 1,048,576: one header row and this many data rows per sheet. */
export const MAX_DATA_ROWS_PER_SHEET = 1_048_575;
const SHEET_NAME_MAX = 31;
const CHUNK_CHARS = 64 * 1024;
/**
 * Every entry's time: 1980-01-01 00:00, the first the zip's DOS field can hold (as Excel's own files do).
 * Built from local fields because the DOS field is local time; the UTC extra field is left out
 * (`forceDosTimestamp`), since it would differ between workers in different zones.
 */
const ENTRY_TIME = new Date(1980, 0, 1, 0, 0, 0);

export interface WorkbookOptions {
  /** The report's name: the first sheet's, then `… (2)`, `… (3)` for continuation sheets. */
  sheetName: string;
  columns: readonly string[];
  kinds: readonly ColumnKind[];
  /** Data rows per sheet (tests make it small to see continuation sheets). */
  rowsPerSheet?: number;
  /** zlib level: 6 unless a measurement says otherwise. */
  compressionLevel?: number;
}

export class WorkbookWriter {
  readonly output: Readable;
  private readonly zip = new yazl.ZipFile();
  private readonly rowsPerSheet: number;
  private readonly letters: string[];
  private readonly sheets: SheetInfo[] = [];
  private sheet: PassThrough | null = null;
  private sheetRows = 0;
  private xml = '';
  rows = 0;

  constructor(private readonly opts: WorkbookOptions) {
    if (opts.columns.length !== opts.kinds.length) throw new Error('a kind for every column');
    this.rowsPerSheet = opts.rowsPerSheet ?? MAX_DATA_ROWS_PER_SHEET;
    this.letters = opts.columns.map((_, i) => columnLetters(i));
    this.output = this.zip.outputStream as unknown as Readable;
  }

  get sheetCount(): number {
    return this.sheets.length;
  }

  /**
   * Appends one row of CSV cell texts. Returns a promise only when the caller must wait (a new sheet, or
   * backpressure): most rows cost no promise at all.
   */
  writeRow(cells: readonly string[]): Promise<void> | undefined {
    if (!this.sheet || this.sheetRows === this.rowsPerSheet) return this.startSheet().then(() => this.writeRow(cells));
    this.sheetRows++;
    this.rows++;
    const r = this.sheetRows + 1;
    let row = `<row r="${r}">`;
    const { kinds } = this.opts;
    for (let i = 0; i < kinds.length; i++) row += cellXml(`${this.letters[i]}${r}`, kinds[i], cells[i] ?? '');
    this.xml += row + '</row>';
    return this.xml.length >= CHUNK_CHARS ? this.flushXml() : undefined;
  }

  /** Closes the last sheet (a file with no rows has the header row only) and the zip. */
  async end(): Promise<void> {
    if (!this.sheet) await this.startSheet();
    await this.endSheet();
    const entry = this.entryOptions();
    this.zip.addBuffer(Buffer.from(contentTypesXml(this.sheets.length)), '[Content_Types].xml', entry);
    this.zip.addBuffer(Buffer.from(rootRelsXml()), '_rels/.rels', entry);
    this.zip.addBuffer(Buffer.from(workbookXml(this.sheets)), 'xl/workbook.xml', entry);
    this.zip.addBuffer(Buffer.from(workbookRelsXml(this.sheets.length)), 'xl/_rels/workbook.xml.rels', entry);
    this.zip.addBuffer(Buffer.from(stylesXml()), 'xl/styles.xml', entry);
    this.zip.end();
  }

  private async startSheet(): Promise<void> {
    if (this.sheet) await this.endSheet();
    this.sheet = new PassThrough({ highWaterMark: 256 * 1024 });
    this.zip.addReadStream(this.sheet, `xl/worksheets/sheet${this.sheets.length + 1}.xml`, this.entryOptions());
    this.sheets.push({ name: sheetName(this.opts.sheetName, this.sheets.length + 1), filterRef: '' });
    this.sheetRows = 0;
    const header = this.opts.columns.map((c, i) => textCell(`${this.letters[i]}1`, c, STYLE.header)).join('');
    this.xml = sheetStartXml(this.opts.columns.map((c, i) => columnWidth(c, this.opts.kinds[i]))) + `<row r="1">${header}</row>`;
  }

  private async endSheet(): Promise<void> {
    const sheet = this.sheet!;
    const filterRef = `A1:${this.letters[this.letters.length - 1]}${this.sheetRows + 1}`;
    this.sheets[this.sheets.length - 1].filterRef = filterRef;
    this.xml += sheetEndXml(filterRef);
    await this.flushXml();
    sheet.end();
    this.sheet = null;
  }

  private async flushXml(): Promise<void> {
    const chunk = Buffer.from(this.xml, 'utf8');
    this.xml = '';
    if (!this.sheet!.write(chunk)) await once(this.sheet!, 'drain');
  }

  private entryOptions() {
    return { mtime: ENTRY_TIME, forceDosTimestamp: true, compress: true, compressionLevel: this.opts.compressionLevel ?? 6 };
  }
}

/**
 * A sheet name Excel accepts: at most 31 characters, none of `[ ] : * ? / \`, no apostrophe at either end.
 * Continuation sheets end with ` (n)`, the name shortened to leave room for it.
 */
export function sheetName(reportName: string, n: number): string {
  const clean = reportName.replace(/[[\]:*?/\\]/g, '-').replace(/^'+|'+$/g, '');
  const suffix = n === 1 ? '' : ` (${n})`;
  return [...clean].slice(0, SHEET_NAME_MAX - suffix.length).join('').trimEnd() + suffix;
}

function columnWidth(header: string, kind: ColumnKind): number {
  if (kind === 'timestamp') return 20;
  if (kind === 'date') return 12;
  return Math.min(Math.max(header.length + 4, 12), 40);
}
