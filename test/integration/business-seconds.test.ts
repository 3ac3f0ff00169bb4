// reports.business_seconds(company, a, b), the business time of Estatísticas de Atendimento, against a slow
// reference that walks the span minute by minute and asks, for each minute, "is the company's local clock
// inside one of today's intervals, on a day that is not a holiday?". Hand-computed cases first, then
// fast-check properties over random weeks, holidays, zones and spans.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../src/db/connection';
import { saveBusinessHours, WEEKDAYS, type Interval } from '../../src/reports/business-hours';
import { createCompany } from '../setup/rows';
import { createTestDatabase, type TestDatabase } from '../setup/services';

type Week = Partial<Record<(typeof WEEKDAYS)[number], Interval[]>>;
interface Settings { timezone: string; week: Week; holidays: string[] }

const MINUTE = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local `YYYY-MM-DD, HH:MM` of an instant in a zone. */
function localClock(ms: number, timezone: string): { date: string; minute: number } {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timezone, f);
  }
  const [date, time] = f.format(new Date(ms)).split(', ');
  return { date, minute: Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)) };
}

const toMinutes = (t: string) => (t === '24:00' ? 1440 : Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)));

/** The obviously-correct definition: every minute of [a, b), business or not, by the local clock. */
function referenceSeconds(s: Settings, aMs: number, bMs: number): number {
  let total = 0;
  for (let m = Math.floor(aMs / MINUTE) * MINUTE; m < bMs; m += MINUTE) {
    const { date, minute } = localClock(m, s.timezone);
    if (s.holidays.includes(date)) continue;
    const isoDay = String(new Date(`${date}T00:00:00Z`).getUTCDay() || 7) as (typeof WEEKDAYS)[number];
    const open = (s.week[isoDay] ?? []).some(([start, end]) => toMinutes(start) <= minute && minute < toMinutes(end));
    if (open) total += Math.min(m + MINUTE, bMs) - Math.max(m, aMs);
  }
  return total / 1000;
}

describe('reports.business_seconds', () => {
  let db: TestDatabase;
  let sql: Sql;
  let company: (s: Settings) => Promise<number>;

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = db.sql;
    let n = 0;
    company = async (s) => {
      const c = await createCompany(sql, `Empresa ${++n}`, s.timezone);
      await saveBusinessHours(sql, c.id, c.admin, { week: s.week, holidays: s.holidays, firstResponseTargetSeconds: null });
      return c.id;
    };
  });

  afterAll(() => db?.drop());

  const businessSeconds = async (companyId: number, a: string | null, b: string | null) => {
    const [{ s }] = await sql<{ s: string | null }[]>`select reports.business_seconds(${companyId}, ${a}::timestamptz, ${b}::timestamptz)::text as s`;
    return s === null ? null : Number(s);
  };

  // São Paulo (UTC-3, no clock changes since 2019): Monday to Friday 08:00–12:00 and 13:00–18:00, Saturday 08:00–12:00.
  const SP: Settings = {
    timezone: 'America/Sao_Paulo',
    week: { 1: [['08:00', '12:00'], ['13:00', '18:00']], 2: [['08:00', '12:00'], ['13:00', '18:00']], 3: [['08:00', '12:00'], ['13:00', '18:00']],
      4: [['08:00', '12:00'], ['13:00', '18:00']], 5: [['08:00', '12:00'], ['13:00', '18:00']], 6: [['08:00', '12:00']] },
    holidays: ['2026-11-02'],
  };
  // 2026-10-30 is a Friday, 2026-11-02 (Finados) a Monday holiday; 2026-10-05 a Monday.
  it.each([
    ['inside one interval', '2026-10-05T09:00:00-03:00', '2026-10-05T09:45:30-03:00', 45 * 60 + 30],
    ['across the lunch break', '2026-10-05T11:50:00-03:00', '2026-10-05T13:10:00-03:00', 20 * 60],
    ['across a night', '2026-10-05T17:30:00-03:00', '2026-10-06T08:30:00-03:00', 60 * 60],
    ['starting before hours', '2026-10-05T06:00:00-03:00', '2026-10-05T08:05:00-03:00', 5 * 60],
    ['ending after hours', '2026-10-05T17:59:00-03:00', '2026-10-05T23:00:00-03:00', 60],
    ['wholly outside hours', '2026-10-05T19:00:00-03:00', '2026-10-06T07:59:59-03:00', 0],
    ['from Friday 17:55 to Saturday 08:10 (Saturday has hours)', '2026-10-09T17:55:00-03:00', '2026-10-10T08:10:00-03:00', 15 * 60],
    ['across a weekend, Saturday morning counted', '2026-10-09T17:00:00-03:00', '2026-10-12T09:00:00-03:00', 60 * 60 + 4 * 3600 + 60 * 60],
    ['over the holiday Monday', '2026-10-30T17:55:00-03:00', '2026-11-03T08:10:00-03:00', 5 * 60 + 4 * 3600 + 10 * 60],
    ['on the holiday only', '2026-11-02T08:00:00-03:00', '2026-11-02T18:00:00-03:00', 0],
    ['over three whole weeks', '2026-10-05T00:00:00-03:00', '2026-10-26T00:00:00-03:00', 3 * (5 * 9 + 4) * 3600],
    ['of zero length', '2026-10-05T09:00:00-03:00', '2026-10-05T09:00:00-03:00', 0],
    ['with fractions of a second', '2026-10-05T07:59:59.750-03:00', '2026-10-05T08:00:00.250-03:00', 0.25],
  ])('when the span is %s, then it is the hand-computed time and the reference agrees', async (_what, a, b, expected) => {
    const id = await company(SP);
    expect(await businessSeconds(id, a, b)).toBe(expected);
    expect(referenceSeconds(SP, Date.parse(a), Date.parse(b))).toBe(expected);
  });

  it("when it is reports.md's example (08:00–18:00 Monday to Friday, 17:55 Friday to 08:10 Monday), then 15 minutes", async () => {
    const id = await company({ timezone: 'America/Sao_Paulo', week: Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['08:00', '18:00']]])), holidays: [] });
    expect(await businessSeconds(id, '2026-10-09T17:55:00-03:00', '2026-10-12T08:10:00-03:00')).toBe(900);
  });

  it('when the company is in Manaus (UTC-4), then its local clock decides', async () => {
    const manaus: Settings = { timezone: 'America/Manaus', week: { 1: [['08:00', '18:00']] }, holidays: [] };
    const id = await company(manaus);
    // 08:00 in Manaus is 12:00Z; the same instants read in São Paulo's clock would start at 09:00.
    expect(await businessSeconds(id, '2026-10-05T11:00:00Z', '2026-10-05T13:00:00Z')).toBe(3600);
    expect(await businessSeconds(id, '2026-10-05T21:30:00Z', '2026-10-05T23:00:00Z')).toBe(30 * 60);
  });

  it('when intervals end at 24:00 and start at 00:00, then the night across midnight is counted whole', async () => {
    const night: Settings = { timezone: 'America/Sao_Paulo', week: { 5: [['22:00', '24:00']], 6: [['00:00', '06:00']] }, holidays: [] };
    const id = await company(night);
    expect(await businessSeconds(id, '2026-10-09T23:00:00-03:00', '2026-10-10T07:00:00-03:00')).toBe(7 * 3600);
  });

  it('when a value is missing or the span runs backwards, then null, and the negative of the forward span', async () => {
    const id = await company(SP);
    expect(await businessSeconds(id, null, '2026-10-05T09:00:00-03:00')).toBeNull();
    expect(await businessSeconds(id, '2026-10-05T09:00:00-03:00', null)).toBeNull();
    expect(await businessSeconds(id, '2026-10-05T09:30:00-03:00', '2026-10-05T09:00:00-03:00')).toBe(-1800);
  });

  it('when the company has no business hours, then every span is 0', async () => {
    const id = await company({ timezone: 'America/Sao_Paulo', week: {}, holidays: [] });
    expect(await businessSeconds(id, '2026-10-05T00:00:00Z', '2026-10-20T00:00:00Z')).toBe(0);
  });

  it("when clocks change (New York), then a 24-hour Sunday lasts what the clock says: 23 h in March, 25 h in November", async () => {
    const id = await company({ timezone: 'America/New_York', week: { 7: [['00:00', '24:00']] }, holidays: [] });
    expect(await businessSeconds(id, '2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z')).toBe(23 * 3600);
    expect(await businessSeconds(id, '2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z')).toBe(25 * 3600);
  });

  // ——— properties ———

  const time = fc.integer({ min: 0, max: 1440 });
  /** Up to 6 sorted, non-overlapping intervals: consecutive pairs of distinct sorted minutes. */
  const day = fc.uniqueArray(time, { maxLength: 12 }).map((ms) => {
    const sorted = [...ms].sort((x, y) => x - y);
    const out: Interval[] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) out.push([hhmm(sorted[i]), hhmm(sorted[i + 1])]);
    return out;
  });
  const week = fc.tuple(day, day, day, day, day, day, day).map((days) => Object.fromEntries(days.map((d, i) => [String(i + 1), d])) as Week);
  /**
   * Zones and years. Where clocks change, a boundary inside the skipped or repeated hour is turned into an
   * instant by PostgreSQL's rule (docs/metrics.md), which the minute walk does not share: such intervals are left out.
   */
  const ZONES = [
    { timezone: 'America/Sao_Paulo', from: '2026-01-01', avoid: () => false },
    { timezone: 'America/Manaus', from: '2026-01-01', avoid: () => false },
    { timezone: 'America/New_York', from: '2026-01-01', avoid: (m: number) => m >= 60 && m < 180 },
    // São Paulo still changed clocks at midnight in 2018–2019 (forward on 04/11/2018, back on 17/02/2019).
    { timezone: 'America/Sao_Paulo', from: '2018-10-01', avoid: (m: number) => (m > 0 && m < 60) || (m >= 1380 && m < 1440) },
  ];
  const DAY_MS = 86_400_000;
  const span = fc.oneof(
    fc.integer({ min: 0, max: 2 * DAY_MS }),
    fc.integer({ min: 0, max: 36 * DAY_MS }),
    fc.constant(0),
  );
  const scenario = fc.record({
    zone: fc.constantFrom(...ZONES),
    week,
    startOffset: fc.integer({ min: 0, max: 200 * DAY_MS }),
    length: span,
    holidayDays: fc.uniqueArray(fc.integer({ min: -2, max: 40 }), { maxLength: 8 }),
  });

  it('property: for random weeks, holidays, zones and spans, the SQL function equals the minute-by-minute walk', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ zone, week: generated, startOffset, length, holidayDays }) => {
        const w = Object.fromEntries(Object.entries(generated).map(([d, intervals]) =>
          [d, intervals.filter(([start, end]) => !zone.avoid(toMinutes(start)) && !zone.avoid(toMinutes(end)))]));
        const aMs = Date.parse(`${zone.from}T00:00:00Z`) + startOffset;
        const bMs = aMs + length;
        const holidays = holidayDays.map((d) => new Date(aMs + d * DAY_MS).toISOString().slice(0, 10));
        const settings: Settings = { timezone: zone.timezone, week: w, holidays };
        const id = await company(settings);
        const got = await businessSeconds(id, new Date(aMs).toISOString(), new Date(bMs).toISOString());
        runs++;
        expect(got).toBeCloseTo(referenceSeconds(settings, aMs, bMs), 6);
      }),
      { numRuns: 300 },
    );
    expect(runs).toBe(300);
  }, 300_000);

  it('property: business time adds up over consecutive spans, and never exceeds calendar time', async () => {
    const id = await company(SP);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 60 * DAY_MS }), fc.integer({ min: 0, max: 10 * DAY_MS }), fc.integer({ min: 0, max: 10 * DAY_MS }),
        async (start, l1, l2) => {
          const a = Date.parse('2026-09-01T00:00:00Z') + start;
          const [ab, bc, ac] = await Promise.all([
            businessSeconds(id, iso(a), iso(a + l1)), businessSeconds(id, iso(a + l1), iso(a + l1 + l2)), businessSeconds(id, iso(a), iso(a + l1 + l2)),
          ]);
          expect(ab! + bc!).toBeCloseTo(ac!, 6);
          expect(ac!).toBeLessThanOrEqual((l1 + l2) / 1000);
        }),
      { numRuns: 200 },
    );
  });
});

const iso = (ms: number) => new Date(ms).toISOString();

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
