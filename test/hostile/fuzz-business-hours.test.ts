// Hostile input: PUT /api/business-hours fuzzed with generated bodies (fast-check), from nearly valid weeks to
// garbage. The answer is a 200 that GET then repeats exactly, or a 400 problem naming fields — never a 5xx,
// and a refused body changes nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useStack, useCompany } from '../setup/reports-api';

const hostileString = fc.oneof(
  fc.string(), fc.string({ unit: 'binary' }),
  fc.constantFrom("' OR '1'='1", "08:00'; DROP TABLE reports.business_hours; --", '\u0000', '\ud800', '24:00', '23:59', '00:00', '7:5', '12:60', '-01:00', '2026-02-29', '2028-02-29', '__proto__'),
);
const time = fc.oneof(
  fc.integer({ min: 0, max: 1440 }).map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`),
  hostileString, fc.integer(), fc.constant(null),
);
const interval = fc.oneof(fc.tuple(time, time), fc.array(time, { maxLength: 4 }), hostileString);
const day = fc.oneof(fc.array(interval, { maxLength: 8 }), hostileString, fc.constant(null));
const weekday = fc.oneof(fc.constantFrom('1', '2', '3', '4', '5', '6', '7'), fc.constantFrom('0', '8', '01', '__proto__', 'constructor'), hostileString);
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
/** A valid week: up to 6 sorted, non-overlapping intervals a day (consecutive pairs of distinct sorted minutes). */
const validDay = fc.uniqueArray(fc.integer({ min: 0, max: 1440 }), { maxLength: 12 }).map((ms) => {
  const sorted = [...ms].sort((x, y) => x - y);
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < sorted.length; i += 2) out.push([hhmm(sorted[i]), hhmm(sorted[i + 1])]);
  return out;
});
const validBody = fc.record({
  week: fc.dictionary(fc.constantFrom('1', '2', '3', '4', '5', '6', '7'), validDay, { maxKeys: 7 }),
  holidays: fc.uniqueArray(fc.integer({ min: 0, max: 3650 }).map((d) => new Date(Date.UTC(2025, 0, 1) + d * 86_400_000).toISOString().slice(0, 10)), { maxLength: 5 }),
  firstResponseTargetSeconds: fc.oneof(fc.integer({ min: 1, max: 2_592_000 }), fc.constant(null)),
});
const body = fc.oneof(
  validBody,
  fc.record({
    week: fc.oneof(fc.dictionary(weekday, day, { maxKeys: 8 }), hostileString, fc.array(day, { maxLength: 3 })),
    holidays: fc.oneof(fc.array(fc.oneof(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), hostileString), { maxLength: 5 }), hostileString),
    firstResponseTargetSeconds: fc.oneof(fc.integer(), fc.double(), fc.constant(null), hostileString),
    timezone: fc.oneof(fc.constant('America/Sao_Paulo'), hostileString),
  }, { requiredKeys: [] }),
  fc.anything(),
);

describe('PUT /api/business-hours under fuzzing', () => {
  const stack = useStack();
  const company = useCompany(stack, 'Loja Fuzz');

  it('whatever the body, then 200 and GET repeats it, or 400 naming fields and nothing changes; never a 5xx', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const before = await (await stack.api('/api/business-hours', { token: company.token })).json();
        const res = await stack.api('/api/business-hours', { method: 'PUT', token: company.token, body: JSON.stringify(b) ?? 'null' });
        const answer = (await res.json()) as { detail?: string; errors?: { path: string; message: string }[] };
        const after = await (await stack.api('/api/business-hours', { token: company.token })).json();
        if (res.status === 200) {
          accepted++;
          expect(after).toEqual(answer);
        } else {
          expect(res.status).toBe(400);
          expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
          // A body that is not a JSON object or array is refused by the JSON parser, as a whole; anything else by field.
          if (typeof b === 'object' && b !== null) expect(answer.errors?.length ?? 0).toBeGreaterThan(0);
          else expect(answer.detail).toBeTruthy();
          expect(after).toEqual(before);
        }
      }),
      { numRuns: 150 },
    );
    // The generator reaches valid bodies too, so the 200 branch is exercised, not only refusals.
    expect(accepted).toBeGreaterThan(0);
  }, 180_000);
});
