/**
 * Relative periods (`period` instead of `from`/`to`): resolved once, in the company's zone, when the report
 * is created, into the concrete days the record keeps — so a retry, the file name and the file show the
 * real dates, and a schedule's Monday run says which week it covers.
 */
import type { FieldProblem } from './definition';
import type { ReportDefinition } from './definition';

export const PERIODS = ['yesterday', 'last_7_days', 'last_week', 'last_month'] as const;
export type Period = (typeof PERIODS)[number];

export const PERIOD_LABELS: Record<Period, string> = {
  yesterday: 'Ontem', last_7_days: 'Últimos 7 dias', last_week: 'Semana passada (segunda a domingo)', last_month: 'Mês passado',
};

const PERIOD_MESSAGE = `deve ser ${PERIODS.slice(0, -1).join(', ')} ou ${PERIODS.at(-1)}`;

/** The calendar day (`YYYY-MM-DD`) that `at` falls on in `timezone`. */
export function localDay(at: Date, timezone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Whole-day arithmetic on `YYYY-MM-DD`, in UTC so no zone's DST can shift a day. */
function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** ISO weekday of a day: 1 = Monday … 7 = Sunday. */
function isoWeekday(day: string): number {
  return ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

/** The days `period` covers, both included, seen from `now` in the company's `timezone`. */
export function resolvePeriod(period: Period, timezone: string, now: Date): { from: string; to: string } {
  const today = localDay(now, timezone);
  const yesterday = addDays(today, -1);
  switch (period) {
    case 'yesterday':
      return { from: yesterday, to: yesterday };
    case 'last_7_days':
      return { from: addDays(today, -7), to: yesterday };
    case 'last_week': {
      const thisMonday = addDays(today, 1 - isoWeekday(today));
      return { from: addDays(thisMonday, -7), to: addDays(thisMonday, -1) };
    }
    case 'last_month': {
      const firstOfThisMonth = `${today.slice(0, 8)}01`;
      const lastOfPrevious = addDays(firstOfThisMonth, -1);
      return { from: `${lastOfPrevious.slice(0, 8)}01`, to: lastOfPrevious };
    }
  }
}

/** Whether a report's filters take `from`/`to`, and so a `period`. */
export function acceptsPeriod(report: ReportDefinition): boolean {
  const shape = (report.filters as { shape?: Record<string, unknown> }).shape;
  return shape !== undefined && 'from' in shape && 'to' in shape;
}

/**
 * Filters with `period` replaced by the concrete `from`/`to`; anything else is returned as given (the
 * report's schema then judges it, so `period` on a type without dates is an unknown field there).
 */
export function applyPeriod(
  report: ReportDefinition, raw: unknown, ctx: { timezone: string; now: Date },
): { filters: unknown; problems: FieldProblem[] } {
  if (!acceptsPeriod(report) || raw === null || typeof raw !== 'object' || Array.isArray(raw) || !('period' in raw)) {
    return { filters: raw, problems: [] };
  }
  const { period, ...rest } = raw as Record<string, unknown>;
  if (typeof period !== 'string' || !(PERIODS as readonly string[]).includes(period)) {
    return { filters: raw, problems: [{ path: 'filters.period', message: `filters.period: ${PERIOD_MESSAGE}` }] };
  }
  if ('from' in rest || 'to' in rest) {
    const message = 'filters.period: informe period ou from/to, não os dois';
    return { filters: raw, problems: [{ path: 'filters.period', message }] };
  }
  return { filters: { ...rest, ...resolvePeriod(period as Period, ctx.timezone, ctx.now) }, problems: [] };
}
