// Zone arithmetic done with Intl, independently of the SQL under test: month starts, labels, timestamps as the reports write them.

/** The wall-clock fields of an instant in a zone. */
function zonedParts(at: Date, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** The instant of local midnight on the 1st of the month `monthsBack` months before `now`'s month (negative: ahead). */
export function zonedMonthStart(timeZone: string, monthsBack: number, now = new Date()): Date {
  const { year, month } = zonedParts(now, timeZone);
  const wall = Date.UTC(year, month - 1 - monthsBack, 1);
  // Local wall time → instant: subtract the zone's offset, re-checked once at the result (DST).
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const p = zonedParts(new Date(guess), timeZone);
    const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - guess;
    guess = wall - offset;
  }
  return new Date(guess);
}

/** `YYYY-MM` of the month `monthsBack` months before `now`'s month, in the zone. */
export function zonedMonthLabel(timeZone: string, monthsBack: number, now = new Date()): string {
  const { year, month } = zonedParts(zonedMonthStart(timeZone, monthsBack, now), timeZone);
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** An instant as reports.md writes timestamps: DD/MM/YYYY HH:MM:SS in the zone. */
export function formatZoned(at: Date, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(p.day)}/${two(p.month)}/${p.year} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}

export const plusSeconds = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);

/** The two zones the tests' companies live in: São Paulo (UTC-3, no DST since 2019) and Manaus (UTC-4). */
export const SP = 'America/Sao_Paulo';
export const MANAUS = 'America/Manaus';
