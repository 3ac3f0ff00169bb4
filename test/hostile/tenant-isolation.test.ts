// Hostile access 9: the tenant isolation matrix of every registered type (test/setup/suites/tenant-isolation.ts),
// and what is the same for all types: the other company's report ids, download paths and ticket ids answer
// 404 (400 as a filter); bad tokens answer 401.
import jwt from 'jsonwebtoken';
import { beforeAll, expect, it } from 'vitest';
import { signToken } from '../../src/api/auth';
import { REPORTS } from '../../src/reports';
import { createUser } from '../setup/rows';
import { describeTenantIsolation } from '../setup/suites/tenant-isolation';

const RANGE = { from: '2026-10-01', to: '2026-10-31' };

describeTenantIsolation(REPORTS, (m) => {
  let outraReport: string;

  beforeAll(async () => {
    outraReport = (await m.outraApi.run('ticket_summary', RANGE)).id;
  }, 120_000);

  it("when ALFA's token asks for the other company's report, its download or its deletion, then 404", async () => {
    for (const [method, path] of [
      ['GET', `/api/reports/${outraReport}`], ['GET', `/api/reports/${outraReport}/download`], ['DELETE', `/api/reports/${outraReport}`],
    ] as const) {
      const res = await m.alfaApi.fetch(path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.text()).not.toContain(outraReport.slice(0, 8) + 'x'); // the body names nothing of it
    }
    const list = (await (await m.alfaApi.fetch('/api/reports')).json()) as { reports: { id: string }[] };
    expect(list.reports.map((r) => r.id)).not.toContain(outraReport);
    // The other company still has it: nothing was deleted by the attempt.
    expect((await m.outraApi.fetch(`/api/reports/${outraReport}`)).status).toBe(200);
  });

  it("when ALFA's token exports the other company's ticket, then 404, and as a filter, 400 naming it", async () => {
    const res = await m.alfaApi.fetch(`/api/tickets/${m.outra.ticket}/export`, { method: 'POST' });
    expect(res.status).toBe(404);
    const asFilter = await m.alfaApi.refusal('ticket_detail', { ticketId: m.outra.ticket });
    expect(asFilter.errors.map((e) => e.path)).toEqual(['filters.ticketId']);
  });

  it('when the token is signed with another secret, expired, for a deleted user, or claims another company, then 401', async () => {
    const deleted = await createUser(m.stack.sql, m.alfa.company.id, 'Ex-funcionária ALFA', 'admin', { deletedAt: '2026-09-01T00:00:00Z' });
    const now = Math.floor(Date.now() / 1000);
    const tokens: Record<string, string> = {
      'another secret': signToken('outro-segredo', { id: m.alfa.company.admin, companyId: m.alfa.company.id }),
      expired: jwt.sign({ companyId: m.alfa.company.id, exp: now - 60 }, m.stack.jwtSecret, { algorithm: 'HS256', subject: String(m.alfa.company.admin) }),
      'deleted user': m.stack.tokenFor({ id: deleted, companyId: m.alfa.company.id }),
      'user of another company': m.stack.tokenFor({ id: m.outra.company.admin, companyId: m.alfa.company.id }),
      'user that does not exist': m.stack.tokenFor({ id: 999_999, companyId: m.alfa.company.id }),
      'no exp': jwt.sign({ companyId: m.alfa.company.id }, m.stack.jwtSecret, { algorithm: 'HS256', subject: String(m.alfa.company.admin) }),
      'alg none': `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({ sub: String(m.alfa.company.admin), companyId: m.alfa.company.id, exp: now + 3600 }),
      ).toString('base64url')}.`,
      'HS512 with the right secret': jwt.sign({ companyId: m.alfa.company.id }, m.stack.jwtSecret, { algorithm: 'HS512', subject: String(m.alfa.company.admin), expiresIn: 3600 }),
    };
    for (const [what, token] of Object.entries(tokens)) {
      for (const path of ['/api/reports', `/api/reports/${outraReport}`, '/api/report-types']) {
        const res = await m.stack.api(path, { token });
        expect(res.status, `${what} on ${path}`).toBe(401);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      const post = await m.stack.api('/api/reports', { method: 'POST', token, body: JSON.stringify({ type: 'licenses', filters: { month: 'current' } }) });
      expect(post.status, `${what} on POST`).toBe(401);
    }
    // The same user with a good token is let in: the refusals above are about the tokens.
    expect((await m.alfaApi.fetch('/api/reports')).status).toBe(200);
  });
});
