// The small, fixed parts of an Office Open XML workbook (ECMA-376), written once its sheets are known.
import { escapeAttribute, escapeText } from './cells';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

export interface SheetInfo {
  name: string;
  /** The autofilter's range, e.g. `A1:L1048576`. */
  filterRef: string;
}

export function contentTypesXml(sheets: number): string {
  const overrides = Array.from({ length: sheets }, (_, i) =>
    `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`);
  return `${HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
    `${overrides.join('')}</Types>`;
}

export function rootRelsXml(): string {
  return `${HEAD}<Relationships xmlns="${PKG_REL}">` +
    `<Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
}

export function workbookXml(sheets: SheetInfo[]): string {
  const list = sheets.map((s, i) => `<sheet name="${escapeAttribute(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`);
  // Excel keeps each sheet's autofilter range in this hidden name; without it Excel still opens the file,
  // but some readers only find the filter here.
  const filters = sheets.map((s, i) => {
    const [from, to] = s.filterRef.split(':').map(absolute);
    return `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">${escapeText(`'${s.name.replace(/'/g, "''")}'!${from}:${to}`)}</definedName>`;
  });
  return `${HEAD}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><bookViews><workbookView/></bookViews>` +
    `<sheets>${list.join('')}</sheets><definedNames>${filters.join('')}</definedNames></workbook>`;
}

export function workbookRelsXml(sheets: number): string {
  const rels = Array.from({ length: sheets }, (_, i) =>
    `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`);
  rels.push(`<Relationship Id="rId${sheets + 1}" Type="${REL}/styles" Target="styles.xml"/>`);
  return `${HEAD}<Relationships xmlns="${PKG_REL}">${rels.join('')}</Relationships>`;
}

/**
 * Styles, in the order of STYLE (cells.ts): 0 general, 1 bold header, 2 timestamp, 3 date, 4 duration,
 * 5 money, 6 percent (built-in format 2 is `0.00`).
 */
export function stylesXml(): string {
  const xf = (numFmtId: number, fontId = 0) =>
    `<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="0" borderId="0" xfId="0"${numFmtId ? ' applyNumberFormat="1"' : ''}${fontId ? ' applyFont="1"' : ''}/>`;
  const font = (bold: boolean) => `<font>${bold ? '<b/>' : ''}<sz val="11"/><name val="Calibri"/><family val="2"/></font>`;
  return `${HEAD}<styleSheet xmlns="${MAIN}">` +
    '<numFmts count="4"><numFmt numFmtId="164" formatCode="dd/mm/yyyy hh:mm:ss"/><numFmt numFmtId="165" formatCode="dd/mm/yyyy"/>' +
    '<numFmt numFmtId="166" formatCode="[h]:mm:ss"/><numFmt numFmtId="167" formatCode="0.0000"/></numFmts>' +
    `<fonts count="2">${font(false)}${font(true)}</fonts>` +
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="7">${xf(0)}${xf(0, 1)}${xf(164)}${xf(165)}${xf(166)}${xf(167)}${xf(2)}</cellXfs>` +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>';
}

/** What comes before a sheet's rows: the frozen header row and the column widths. */
export function sheetStartXml(widths: number[]): string {
  const cols = widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('');
  return `${HEAD}<worksheet xmlns="${MAIN}" xmlns:r="${REL}">` +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>' +
    `<sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>`;
}

export function sheetEndXml(filterRef: string): string {
  return `</sheetData><autoFilter ref="${filterRef}"/></worksheet>`;
}

function absolute(ref: string): string {
  return ref.replace(/^([A-Z]+)(\d+)$/, '$$$1$$$2');
}
