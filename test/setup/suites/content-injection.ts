// Content injection for any CSV report types: every text people wrote (names, bodies, tags, contracts,
// template names, e-mails) and free machine text that starts like a spreadsheet formula (= + - @ TAB CR)
// reaches the CSV with a leading `'`; nothing else is ever altered (numbers, dates, durations, ids).
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReportDefinition } from '../../../src/reports';
import { createMarkedTenant, exampleTenant, type MarkedTenant } from '../fixtures-tenant';
import { ReportsApi, useStack } from '../reports-api';
import { createMessage } from '../rows';
import type { Stack } from '../stack';

const FORMULA_START = /^[=+\-@\t\r]/;
/** What the module itself writes: counts, ids, money, percents, dates, durations — may start with '-', never with "'". */
const MODULE_VALUE = /^-?\d+([.,]\d+)?$|^\d{2}\/\d{2}\/\d{4}( \d{2}:\d{2}:\d{2})?$|^\d{2,}:\d{2}:\d{2}$/;
export const MARKUP = '<script>alert(1)</script><b>negrito?</b><img src=x onerror=alert(2)> &amp; </p>';

export interface InjectedTenant {
  stack: Stack;
  tenant: MarkedTenant;
  api: ReportsApi;
}

export function describeContentInjection(types: readonly ReportDefinition[], more?: (t: InjectedTenant) => void): void {
  describe(`content injection (${types.map((t) => t.type).join(', ')})`, () => {
    const stack = useStack({ maxProcessingPerCompany: 100 });
    const t = { stack } as InjectedTenant;

    beforeAll(async () => {
      const { sql } = stack;
      const tenant = await createMarkedTenant(sql, 'FX', '5511933330000');
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
      t.tenant = tenant;
      t.api = new ReportsApi(stack, stack.tokenFor({ id: tenant.company.admin, companyId: c }));
    }, 120_000);

    for (const report of types.filter((r) => r.format === 'csv')) {
      it(`when ${report.type} holds formula-like text, then each such cell starts with "'" and no other cell is altered`, async () => {
        const [, ...rows] = (await t.api.runCsv(report.type, report.example(exampleTenant(t.tenant)))).rows;
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

    more?.(t);
  });
}
