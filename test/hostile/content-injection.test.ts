// Hostile input 11: content injection. Every text people wrote (names, bodies, tags, contracts, template
// names, e-mails) that starts like a spreadsheet formula (= + - @ TAB CR) reaches the CSV with a leading
// `'`; nothing else is ever altered (numbers, dates, durations, ids); markup in a message is printed in
// the PDF as the literal text it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORTS } from '../../src/reports';
import { parseReportCsv } from '../setup/csv';
import { createMessage } from '../setup/fixtures-messages';
import { downloadReport, requestReport } from '../setup/fixtures-messages';
import { createMarkedTenant, exampleTenant, type MarkedTenant } from '../setup/fixtures-tenant';
import { pdfPages } from '../setup/pdf';
import { startStack, type Stack } from '../setup/stack';

const RANGE = { from: '2026-10-01', to: '2026-10-31' };
const FORMULA_START = /^[=+\-@\t\r]/;
/** What the module itself writes: counts, ids, money, percents, dates, durations — may start with '-', never with "'". */
const MODULE_VALUE = /^-?\d+([.,]\d+)?$|^\d{2}\/\d{2}\/\d{4}( \d{2}:\d{2}:\d{2})?$|^\d{2,}:\d{2}:\d{2}$/;
const MARKUP = '<script>alert(1)</script><b>negrito?</b><img src=x onerror=alert(2)> &amp; </p>';

describe('content injection', () => {
  let stack: Stack;
  let tenant: MarkedTenant;
  let token: string;

  beforeAll(async () => {
    stack = await startStack({ maxProcessingPerCompany: 100 });
    const { sql } = stack;
    tenant = await createMarkedTenant(sql, 'FX', '5511933330000');
    const c = tenant.company.id;
    // Each kind of people's text starts with another of the six dangerous characters.
    await sql`update queues set name = '=' || name where company_id = ${c}`;
    await sql`update users set name = '+' || name, email = '@' || email where company_id = ${c}`;
    await sql`update tags set name = '-' || name where company_id = ${c}`;
    await sql`update contacts set name = E'\t' || name where company_id = ${c}`;
    await sql`update tickets set contract = E'\r' || contract, last_message = '=' || last_message where company_id = ${c}`;
    await sql`update messages set body = '-2+3+cmd|'' /C calc''!A0 ' || body where company_id = ${c}`;
    await sql`update campaigns set name = '@' || name where company_id = ${c}`;
    await sql`update cost_centers set name = '+' || name where company_id = ${c}`;
    await sql`update official_messages set template_name = E'\t' || template_name where company_id = ${c}`;
    // Machine text the schema leaves free (ids, numbers, event types) comes from integrations: hostile too.
    await sql`update webhook_events set request_id = '=HYPERLINK("http://x")', contact_number = '+55 11 9' || id, event_type = '@evento' where company_id = ${c}`;
    await sql`update official_messages set wamid = '-wamid+' || id, contact_number = E'\t5511' || id where company_id = ${c}`;
    await sql`update whatsapps set number = '+55 (11) ' || id, waba_id = '=1+1' where company_id = ${c}`;
    await sql`update contacts set number = '@5511' || id where company_id = ${c}`;
    await createMessage(sql, c, {
      ticketId: tenant.ticket, trackingId: tenant.tracking, contactId: tenant.contact, createdAt: '2026-10-10T12:10:00Z', body: MARKUP,
    });
    // Types the PDF looks up by name, which are also names of every JavaScript object's properties.
    for (const [i, mediaType] of ['constructor', '__proto__', 'toString'].entries()) {
      await createMessage(sql, c, {
        ticketId: tenant.ticket, trackingId: tenant.tracking, contactId: tenant.contact, createdAt: `2026-10-10T12:2${i}:00Z`,
        body: `anexo ${mediaType}`, mediaType,
      });
    }
    token = stack.tokenFor({ id: tenant.company.admin, companyId: c });
  }, 120_000);

  afterAll(() => stack?.stop());

  for (const report of REPORTS.filter((r) => r.format === 'csv')) {
    it(`when ${report.type} holds formula-like text, then each such cell starts with "'" and no other cell is altered`, async () => {
      const filters = report.example(exampleTenant(tenant));
      const id = await requestReport(stack, token, report.type, filters);
      expect((await stack.waitForReport(id, token)).status).toBe('READY');
      const [, ...rows] = parseReportCsv(await downloadReport(stack, id, token));
      expect(rows.length).toBeGreaterThan(0);
      let neutralised = 0;
      for (const cell of rows.flat()) {
        if (cell.startsWith("'")) {
          // Only ever in front of a formula start: the rest is the text exactly as written.
          expect(cell.slice(1), cell).toMatch(FORMULA_START);
          neutralised++;
        } else if (FORMULA_START.test(cell)) {
          // A cell may start like a formula only if the module wrote it: a number.
          expect(cell, `unneutralised cell in ${report.type}`).toMatch(MODULE_VALUE);
        }
      }
      // Not vacuous: every report shows people's text or free machine text.
      expect(neutralised, report.type).toBeGreaterThan(0);
    });
  }

  it('when a message holds markup, then the PDF prints it as text and runs none of it', async () => {
    const res = await stack.api(`/api/tickets/${tenant.ticket}/export`, { method: 'POST', token });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await stack.waitForReport(id, token)).status).toBe('READY');
    const text = (await pdfPages(await downloadReport(stack, id, token))).join('\n').replace(/\s+/g, ' ');
    expect(text).toContain('<script>alert(1)</script><b>negrito?</b><img src=x onerror=alert(2)> &amp; </p>');
    // The formula-like body is in the PDF as written: no apostrophe there (it is not a spreadsheet).
    expect(text).toContain("-2+3+cmd|' /C calc'!A0 Olá, aqui é FX");
    // A media type named like an object property is printed as its own name, not as code.
    for (const mediaType of ['constructor', '__proto__', 'toString']) expect(text).toContain(`[${mediaType}] anexo ${mediaType}`);
    expect(text).not.toMatch(/function|native code|\[object/);
  });

  it('when machine text is a plain identifier, then it is written exactly as stored', async () => {
    const { sql } = stack;
    const plain = await createMarkedTenant(sql, 'ID', '5511944440000');
    await sql`update official_messages set wamid = 'wamid.HBgM-NTUx:1_a' where company_id = ${plain.company.id}`;
    const t = stack.tokenFor({ id: plain.company.admin, companyId: plain.company.id });
    const id = await requestReport(stack, t, 'official_messages', RANGE);
    expect((await stack.waitForReport(id, t)).status).toBe('READY');
    const [, ...rows] = parseReportCsv(await downloadReport(stack, id, t));
    expect(rows.map((r) => r[0])).toContain('wamid.HBgM-NTUx:1_a');
    expect(rows.flat().some((c) => c.startsWith("'"))).toBe(false);
  });
});
