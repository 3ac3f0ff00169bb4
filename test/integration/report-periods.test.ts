// `period` through POST /api/reports: resolved in the company's zone into the from/to the record, its file
// name and its file keep; refused with from/to, and on types without a date range, naming the field.
import { describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/reports/period';
import { useStack, useCompany } from '../setup/reports-api';

describe('relative periods', () => {
  const stack = useStack();
  const manaus = useCompany(stack, 'Períodos Manaus', 'America/Manaus');

  const post = (body: unknown) => stack.api('/api/reports', { method: 'POST', token: manaus.token, body: JSON.stringify(body) });

  it('when a report asks for last_week, then the record, its file name and the finished report show the concrete days', async () => {
    const before = resolvePeriod('last_week', manaus.timezone, new Date());
    const res = await post({ type: 'login_logout', filters: { period: 'last_week' } });
    expect(res.status).toBe(202);
    const report = (await res.json()) as { id: string; filters: Record<string, unknown> };
    const after = resolvePeriod('last_week', manaus.timezone, new Date());
    expect([before, after]).toContainEqual(report.filters);
    expect(report.filters).not.toHaveProperty('period');
    const [row] = await stack.sql<{ filters: Record<string, unknown> }[]>`select filters from reports.reports where id = ${report.id}`;
    expect(row.filters).toEqual(report.filters);
    const done = await stack.waitForReport(report.id, manaus.token);
    expect(done.status).toBe('READY');
    expect(done.fileName).toBe(`login-logout_${report.filters.from}_${report.filters.to}.csv`);
  });

  it('when period comes with from or to, then 400 naming filters.period', async () => {
    for (const filters of [{ period: 'yesterday', from: '2026-10-01', to: '2026-10-02' }, { period: 'yesterday', to: '2026-10-02' }]) {
      const res = await post({ type: 'ticket_summary', filters });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { errors: { path: string }[] };
      expect(body.errors.map((e) => e.path)).toEqual(['filters.period']);
    }
  });

  it('when period is unknown, or the type has no date range, then 400 naming filters.period', async () => {
    const unknown = await post({ type: 'ticket_summary', filters: { period: 'last_year' } });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['filters.period']);
    const billing = await post({ type: 'licenses', filters: { month: 'previous', period: 'last_month' } });
    expect(billing.status).toBe(400);
    expect(((await billing.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['filters.period']);
  });

  it('when a range report asks for last_month, then its maximum span still holds and from/to are the month', async () => {
    const res = await post({ type: 'service_statistics', filters: { period: 'last_month' } });
    expect(res.status).toBe(202);
    const report = (await res.json()) as { filters: { from: string; to: string } };
    expect(report.filters.from.endsWith('-01')).toBe(true);
    expect(report.filters.from.slice(0, 7)).toBe(report.filters.to.slice(0, 7));
  });

  it('when the catalogue is read, then it says which types take a period', async () => {
    const { reportTypes } = (await (await stack.api('/api/report-types', { token: manaus.token })).json()) as { reportTypes: { type: string; periods: string[] }[] };
    const periods = Object.fromEntries(reportTypes.map((t) => [t.type, t.periods]));
    expect(periods.ticket_summary).toEqual(['yesterday', 'last_7_days', 'last_week', 'last_month']);
    expect(periods.licenses).toEqual([]);
    expect(periods.ticket_detail).toEqual([]);
  });
});
