// Which reports export on the heavy task queue: decided from the type and the validated filters alone.
import { describe, expect, it } from 'vitest';
import { findReport } from '../../src/reports';
import { isHeavyReport } from '../../src/reports/lanes';

const type = (name: string) => findReport(name)!;

describe('isHeavyReport', () => {
  it.each([
    ['service_history', { from: '2026-10-01', to: '2026-10-31' }, 'csv', true],
    ['service_history', { from: '2026-10-01', to: '2026-10-08' }, 'csv', true],
    ['service_history', { from: '2026-10-01', to: '2026-10-07' }, 'csv', false],
    ['service_history', { from: '2026-10-01', to: '2026-10-31' }, 'xlsx', true],
    ['official_messages', { from: '2026-10-01', to: '2026-10-31' }, 'csv', true],
    ['official_messages', { campaignId: 3 }, 'csv', true],
    ['webhook_events', { from: '2026-10-01', to: '2026-10-20' }, 'csv', true],
    ['ticket_summary', { from: '2026-10-01', to: '2026-10-31' }, 'csv', false],
    ['service_statistics', { from: '2026-10-01', to: '2026-10-31' }, 'csv', false],
    ['ticket_detail', { ticketId: 1 }, 'pdf', false],
  ] as const)('when %s is asked with %j as %s, then heavy is %s (HEAVY_REPORT_DAYS 7)', (name, filters, format, heavy) => {
    expect(isHeavyReport(type(name), format, filters, 7)).toBe(heavy);
  });

  it('when HEAVY_REPORT_DAYS is 0, then every row-per-event report is heavy, even of one day', () => {
    expect(isHeavyReport(type('service_history'), 'csv', { from: '2026-10-01', to: '2026-10-01' }, 0)).toBe(true);
    expect(isHeavyReport(type('ticket_summary'), 'csv', { from: '2026-10-01', to: '2026-10-01' }, 0)).toBe(false);
  });
});
