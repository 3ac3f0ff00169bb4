/**
 * The `month` filter of the billing reports (licenses, numbers): a calendar month of the company's zone,
 * counted back from when the report was requested, so a retry next month still exports the same month.
 */
import { z } from 'zod';
import type { ReportContext } from './definition';
import type { QueryParams } from './query';

const MONTHS_BACK = { current: 0, previous: 1, two_months_ago: 2 } as const;

export const monthChoice = z.enum(['current', 'previous', 'two_months_ago'], {
  error: 'deve ser current, previous ou two_months_ago',
});
export type MonthChoice = z.infer<typeof monthChoice>;

export const MONTH_LABELS: Record<MonthChoice, string> = { current: 'Mês atual', previous: 'Mês anterior', two_months_ago: '2 meses atrás' };

/**
 * The month's first instant (inclusive) and the next month's first instant (exclusive), as SQL.
 * PostgreSQL does the zone arithmetic (DST included); each bound is an InitPlan, so it can bound an index scan.
 */
export function monthBounds(month: MonthChoice, q: QueryParams): { start: string; end: string } {
  const requestedAt = q.value(q.context.requestedAt.toISOString(), 'timestamptz');
  const localStart = `(date_trunc('month', ${requestedAt} at time zone ${q.timezone})
    - make_interval(months => ${q.value(MONTHS_BACK[month], 'bigint')}::int))`;
  return {
    start: `(select ${localStart} at time zone ${q.timezone})`,
    end: `(select (${localStart} + interval '1 month') at time zone ${q.timezone})`,
  };
}

/** `YYYY-MM` of the chosen month, for file names; the same month `monthBounds` selects. */
export function monthLabel(month: MonthChoice, ctx: ReportContext): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: ctx.timezone, year: 'numeric', month: 'numeric' }).formatToParts(ctx.requestedAt);
  const year = Number(parts.find((p) => p.type === 'year')!.value);
  const monthIndex = year * 12 + Number(parts.find((p) => p.type === 'month')!.value) - 1 - MONTHS_BACK[month];
  return `${Math.floor(monthIndex / 12)}-${String((monthIndex % 12) + 1).padStart(2, '0')}`;
}
