// Hostile access 9: the tenant isolation matrix. Two companies with marker data in every table a report
// reads (and the intruder's rows even pointing at the victim's ticket): for each of the ten types, the
// victim's file holds its own marker and never the other's; the other company's report ids, download
// paths, ticket ids and filter ids answer 404 (400 for filter ids); bad tokens answer 401.
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/api/auth';
import { REPORTS, findReport } from '../../src/reports';
import { parseReportCsv } from '../setup/csv';
import { createUser } from '../setup/fixtures';
import { downloadReport, requestReport } from '../setup/fixtures-messages';
import { createMarkedTenant, crossWire, exampleTenant, type MarkedTenant } from '../setup/fixtures-tenant';
import { pdfPages } from '../setup/pdf';
import { startStack, type Stack } from '../setup/stack';
import { readWorkbook } from '../setup/xlsx';

const RANGE = { from: '2026-10-01', to: '2026-10-31' };

describe('tenant isolation matrix', () => {
  let stack: Stack;
  let alfa: MarkedTenant;
  let outra: MarkedTenant;
  let alfaToken: string;
  let outraToken: string;
  let outraReport: string;

  const filtersFor = (type: string, t: MarkedTenant): Record<string, unknown> => findReport(type)!.example(exampleTenant(t));

  beforeAll(async () => {
    stack = await startStack({ maxProcessingPerCompany: 100 });
    alfa = await createMarkedTenant(stack.sql, 'ALFA', '5511911110000');
    outra = await createMarkedTenant(stack.sql, 'OUTRA', '5599922220000');
    await crossWire(stack.sql, outra, alfa);
    alfaToken = stack.tokenFor({ id: alfa.company.admin, companyId: alfa.company.id });
    outraToken = stack.tokenFor({ id: outra.company.admin, companyId: outra.company.id });
    outraReport = await requestReport(stack, outraToken, 'ticket_summary', RANGE);
    expect((await stack.waitForReport(outraReport, outraToken)).status).toBe('READY');
  }, 120_000);

  afterAll(() => stack?.stop());

  it('covers the ten report types', () => {
    expect(REPORTS.map((r) => r.type).sort()).toHaveLength(10);
  });

  for (const report of REPORTS) {
    it(`when ALFA exports ${report.type}, then its file shows ALFA's rows and nothing of the other company`, async () => {
      const id = await requestReport(stack, alfaToken, report.type, filtersFor(report.type, alfa));
      const done = await stack.waitForReport(id, alfaToken, 120_000);
      expect(done.status, JSON.stringify(done.error)).toBe('READY');
      const bytes = await downloadReport(stack, id, alfaToken);
      const text = report.format === 'pdf' ? (await pdfPages(bytes)).join('\n') : bytes.toString('utf8');
      // Not vacuous: the file has the caller's own data…
      expect(text.toLowerCase()).toContain('alfa');
      // …and no trace of the other company: no marker (names, bodies, e-mails), no phone number.
      expect(text.toLowerCase()).not.toContain('outra');
      expect(text).not.toContain(outra.marker);
      expect(text).not.toContain('5599922220000');
      if (report.format === 'csv') {
        const rows = parseReportCsv(bytes);
        expect(rows.length).toBeGreaterThan(1);
      }
    }, 120_000);
  }

  for (const report of REPORTS.filter((r) => r.format === 'csv')) {
    it(`when ALFA exports ${report.type} as a workbook, then it shows ALFA's rows and nothing of the other company`, async () => {
      const id = await requestReport(stack, alfaToken, report.type, filtersFor(report.type, alfa), 'xlsx');
      const done = await stack.waitForReport(id, alfaToken, 120_000);
      expect(done.status, JSON.stringify(done.error)).toBe('READY');
      const sheets = await readWorkbook(await downloadReport(stack, id, alfaToken));
      const text = sheets.flatMap((s) => s.rows.flat().map((c) => String(c.value ?? ''))).join('\n');
      expect(sheets[0].rows.length).toBeGreaterThan(1);
      expect(text.toLowerCase()).toContain('alfa');
      expect(text.toLowerCase()).not.toContain('outra');
      expect(text).not.toContain(outra.marker);
      expect(text).not.toContain('5599922220000');
    }, 120_000);
  }

  it("when ALFA's token asks for the other company's report, its download or its deletion, then 404", async () => {
    for (const [method, path] of [
      ['GET', `/api/reports/${outraReport}`], ['GET', `/api/reports/${outraReport}/download`], ['DELETE', `/api/reports/${outraReport}`],
    ] as const) {
      const res = await stack.api(path, { method, token: alfaToken });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.text()).not.toContain(outraReport.slice(0, 8) + 'x'); // the body names nothing of it
    }
    const list = (await (await stack.api('/api/reports', { token: alfaToken })).json()) as { reports: { id: string }[] };
    expect(list.reports.map((r) => r.id)).not.toContain(outraReport);
    // The other company still has it: nothing was deleted by the attempt.
    expect((await stack.api(`/api/reports/${outraReport}`, { token: outraToken })).status).toBe(200);
  });

  it("when ALFA's token exports the other company's ticket, then 404, and as a filter, 400 naming it", async () => {
    const res = await stack.api(`/api/tickets/${outra.ticket}/export`, { method: 'POST', token: alfaToken });
    expect(res.status).toBe(404);
    const asFilter = await stack.api('/api/reports', {
      method: 'POST', token: alfaToken, body: JSON.stringify({ type: 'ticket_detail', filters: { ticketId: outra.ticket } }),
    });
    expect(asFilter.status).toBe(400);
    expect(((await asFilter.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['filters.ticketId']);
  });

  it("when ALFA's filters name the other company's queues, users, campaigns or cost centers, then 400 naming each", async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['service_history', { ...RANGE, queueIds: [alfa.queue, outra.queue] }, 'filters.queueIds.1'],
      ['service_history', { ...RANGE, userIds: [outra.company.user] }, 'filters.userIds.0'],
      ['service_statistics', { ...RANGE, queueIds: [outra.queue] }, 'filters.queueIds.0'],
      ['service_summary', { ...RANGE, userIds: [outra.company.admin] }, 'filters.userIds.0'],
      ['ticket_summary', { ...RANGE, queueIds: [outra.queue] }, 'filters.queueIds.0'],
      ['official_messages', { ...RANGE, costCenterIds: [outra.costCenter] }, 'filters.costCenterIds.0'],
      ['official_messages', { ...RANGE, campaignIds: [outra.campaign] }, 'filters.campaignIds.0'],
      ['official_messages', { campaignId: outra.campaign }, 'filters.campaignId'],
      ['webhook_events', { ...RANGE, campaignIds: [outra.campaign] }, 'filters.campaignIds.0'],
    ];
    for (const [type, filters, path] of cases) {
      const res = await stack.api('/api/reports', { method: 'POST', token: alfaToken, body: JSON.stringify({ type, filters }) });
      expect(res.status, `${type} ${JSON.stringify(filters)}`).toBe(400);
      expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([path]);
    }
  });

  it('when the token is signed with another secret, expired, for a deleted user, or claims another company, then 401', async () => {
    const deleted = await createUser(stack.sql, alfa.company.id, 'Ex-funcionária ALFA', 'admin', '2026-09-01T00:00:00Z');
    const now = Math.floor(Date.now() / 1000);
    const tokens: Record<string, string> = {
      'another secret': signToken('outro-segredo', { id: alfa.company.admin, companyId: alfa.company.id }),
      expired: jwt.sign({ companyId: alfa.company.id, exp: now - 60 }, stack.jwtSecret, { algorithm: 'HS256', subject: String(alfa.company.admin) }),
      'deleted user': stack.tokenFor({ id: deleted, companyId: alfa.company.id }),
      'user of another company': stack.tokenFor({ id: outra.company.admin, companyId: alfa.company.id }),
      'user that does not exist': stack.tokenFor({ id: 999_999, companyId: alfa.company.id }),
      'no exp': jwt.sign({ companyId: alfa.company.id }, stack.jwtSecret, { algorithm: 'HS256', subject: String(alfa.company.admin) }),
      'alg none': `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({ sub: String(alfa.company.admin), companyId: alfa.company.id, exp: now + 3600 }),
      ).toString('base64url')}.`,
      'HS512 with the right secret': jwt.sign({ companyId: alfa.company.id }, stack.jwtSecret, { algorithm: 'HS512', subject: String(alfa.company.admin), expiresIn: 3600 }),
    };
    for (const [what, token] of Object.entries(tokens)) {
      for (const path of ['/api/reports', `/api/reports/${outraReport}`, '/api/report-types']) {
        const res = await stack.api(path, { token });
        expect(res.status, `${what} on ${path}`).toBe(401);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      const post = await stack.api('/api/reports', { method: 'POST', token, body: JSON.stringify({ type: 'licenses', filters: { month: 'current' } }) });
      expect(post.status, `${what} on POST`).toBe(401);
    }
    // The same user with a good token is let in: the refusals above are about the tokens.
    expect((await stack.api('/api/reports', { token: alfaToken })).status).toBe(200);
  });
});
