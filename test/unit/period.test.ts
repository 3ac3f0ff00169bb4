// Relative periods resolved in the company's zone, at the edges where a day, a week or a month turns.
import { describe, expect, it } from 'vitest';
import { findReport } from '../../src/reports';
import { applyPeriod, resolvePeriod } from '../../src/reports/period';

const SP = 'America/Sao_Paulo'; // UTC-3, no DST since 2019
const MANAUS = 'America/Manaus'; // UTC-4

describe('resolvePeriod', () => {
  it('when it is the 1st of a month, then yesterday and last_month are the whole previous month\'s end and month', () => {
    const now = new Date('2026-03-01T12:00:00Z'); // 09:00 in São Paulo, 1 March
    expect(resolvePeriod('yesterday', SP, now)).toEqual({ from: '2026-02-28', to: '2026-02-28' });
    expect(resolvePeriod('last_month', SP, now)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(resolvePeriod('last_7_days', SP, now)).toEqual({ from: '2026-02-22', to: '2026-02-28' });
  });

  it('when it is January, then last_month is December of the year before', () => {
    expect(resolvePeriod('last_month', SP, new Date('2026-01-15T12:00:00Z'))).toEqual({ from: '2025-12-01', to: '2025-12-31' });
  });

  it('when it is a Monday, then last_week is the Monday to Sunday just ended', () => {
    const monday = new Date('2026-10-12T11:00:00Z'); // Monday 12 Oct, 08:00 in São Paulo
    expect(resolvePeriod('last_week', SP, monday)).toEqual({ from: '2026-10-05', to: '2026-10-11' });
    expect(resolvePeriod('yesterday', SP, monday)).toEqual({ from: '2026-10-11', to: '2026-10-11' });
  });

  it('when it is Sunday 23:59 local, then last_week is the week before; at Monday 00:00 local it is the week just ended', () => {
    const sunday2359 = new Date('2026-10-12T02:59:00Z'); // Sunday 11 Oct 23:59 in São Paulo
    const monday0000 = new Date('2026-10-12T03:00:00Z'); // Monday 12 Oct 00:00 in São Paulo
    expect(resolvePeriod('last_week', SP, sunday2359)).toEqual({ from: '2026-09-28', to: '2026-10-04' });
    expect(resolvePeriod('last_week', SP, monday0000)).toEqual({ from: '2026-10-05', to: '2026-10-11' });
  });

  it('when UTC is already the next day, then the company\'s day decides', () => {
    // 2026-11-01 02:30 UTC is still 31 October in São Paulo (23:30) and in Manaus (22:30).
    const now = new Date('2026-11-01T02:30:00Z');
    expect(resolvePeriod('yesterday', SP, now)).toEqual({ from: '2026-10-30', to: '2026-10-30' });
    expect(resolvePeriod('last_month', SP, now)).toEqual({ from: '2026-09-01', to: '2026-09-30' });
    expect(resolvePeriod('yesterday', 'UTC', now)).toEqual({ from: '2026-10-31', to: '2026-10-31' });
    expect(resolvePeriod('last_month', 'UTC', now)).toEqual({ from: '2026-10-01', to: '2026-10-31' });
  });

  it('when the company is in America/Manaus, then its midnight is at 04:00 UTC, an hour after São Paulo\'s', () => {
    const at = new Date('2026-10-12T03:30:00Z'); // Monday 00:30 in São Paulo, Sunday 23:30 in Manaus
    expect(resolvePeriod('last_week', SP, at)).toEqual({ from: '2026-10-05', to: '2026-10-11' });
    expect(resolvePeriod('last_week', MANAUS, at)).toEqual({ from: '2026-09-28', to: '2026-10-04' });
    expect(resolvePeriod('yesterday', MANAUS, at)).toEqual({ from: '2026-10-10', to: '2026-10-10' });
    expect(resolvePeriod('last_7_days', MANAUS, new Date('2026-10-12T04:00:00Z'))).toEqual({ from: '2026-10-05', to: '2026-10-11' });
  });

  it('when last_7_days is asked, then it is exactly the 7 days ending yesterday, across a month end', () => {
    expect(resolvePeriod('last_7_days', SP, new Date('2026-10-03T15:00:00Z'))).toEqual({ from: '2026-09-26', to: '2026-10-02' });
  });

  it('when it is the 1st of March of a leap year, then last_month ends on the 29th', () => {
    expect(resolvePeriod('last_month', SP, new Date('2028-03-01T12:00:00Z'))).toEqual({ from: '2028-02-01', to: '2028-02-29' });
  });
});

describe('applyPeriod', () => {
  const summary = findReport('ticket_summary')!;
  const ctx = { timezone: SP, now: new Date('2026-10-12T11:00:00Z') };

  it('when period is given, then it becomes from/to and the other filters stay', () => {
    expect(applyPeriod(summary, { period: 'last_week', statuses: ['open'] }, ctx)).toEqual({
      filters: { statuses: ['open'], from: '2026-10-05', to: '2026-10-11' }, problems: [],
    });
  });

  it('when period comes with from or to, then the problem names filters.period', () => {
    for (const raw of [{ period: 'yesterday', from: '2026-10-01' }, { period: 'yesterday', to: '2026-10-01' }]) {
      expect(applyPeriod(summary, raw, ctx).problems.map((p) => p.path)).toEqual(['filters.period']);
    }
  });

  it('when period is not one of the four, then the problem names filters.period', () => {
    for (const period of ['last_year', 7, null]) {
      expect(applyPeriod(summary, { period }, ctx).problems.map((p) => p.path)).toEqual(['filters.period']);
    }
  });

  it('when the type has no date range, then period is left for its schema to refuse', () => {
    const detail = findReport('ticket_detail')!;
    expect(applyPeriod(detail, { period: 'yesterday', ticketId: 1 }, ctx)).toEqual({ filters: { period: 'yesterday', ticketId: 1 }, problems: [] });
    expect(applyPeriod(findReport('licenses')!, { period: 'yesterday' }, ctx).problems).toEqual([]);
  });
});
