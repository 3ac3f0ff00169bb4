// Reads a report CSV the way a strict consumer would: BOM, ';', CRLF, RFC 4180 quotes.
export function parseReportCsv(bytes: Buffer): string[][] {
  if (bytes[0] !== 0xef || bytes[1] !== 0xbb || bytes[2] !== 0xbf) throw new Error('CSV does not start with a UTF-8 BOM');
  const text = bytes.subarray(3).toString('utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { quoted = true; i++; continue; }
    if (c === ';') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    if (c === '\n' || c === '\r') throw new Error(`bare line break outside quotes at character ${i}`);
    if (c === '"') throw new Error(`quote inside an unquoted field at character ${i}`);
    field += c; i++;
  }
  if (field !== '' || row.length) throw new Error('last row does not end with CRLF');
  return rows;
}
