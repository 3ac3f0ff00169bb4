// Hostile input 7: POST /api/reports fuzzed with generated bodies (fast-check), for every registered type
// (test/setup/suites/fuzzing.ts); and bodies that are hostile whatever the type: bytes that are not JSON,
// prototype keys, NUL and lone surrogates.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { REPORTS } from '../../src/reports';
import { PROTO_KEYS, describeFuzzing } from '../setup/suites/fuzzing';

describeFuzzing(REPORTS, (f) => {
  it('when the bytes are not JSON, too large, too deep or of another type, then 4xx problem details', async () => {
    const before = await f.reportCount();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (text) => {
        const r = await f.post(text);
        if (r.status !== 400) {
          // A few strings are JSON after all (numbers, "null", quoted text): not a request either way.
          expect(() => JSON.parse(text)).not.toThrow();
        }
        f.expectProblem(r);
      }),
      { numRuns: 100 },
    );
    f.expectProblem(await f.post(JSON.stringify({ type: 'licenses', filters: { month: 'x'.repeat(70_000) } }))); // over 64 kB
    f.expectProblem(await f.post(`${'['.repeat(100_000)}${']'.repeat(100_000)}`.slice(0, 60_000)));
    f.expectProblem(await f.post(`{"type":"licenses","filters":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`));
    f.expectProblem(await f.post('type=licenses&filters[month]=current', 'application/x-www-form-urlencoded'));
    f.expectProblem(await f.post('{"type":"licenses","filters":{"month":"current"}}', 'text/plain'));
    expect(await f.reportCount()).toBe(before);
  }, 300_000);

  it('when prototype keys are sent anywhere, then they are refused as unknown fields and no object prototype changes', async () => {
    const before = await f.reportCount();
    for (const key of PROTO_KEYS) {
      const inFilters = await f.post(`{"type":"licenses","filters":{"month":"current",${JSON.stringify(key)}:{"polluted":true}}}`);
      f.expectProblem(inFilters);
      expect(JSON.parse(inFilters.text).errors).toContainEqual({ path: `filters.${key}`, message: `filters.${key}: campo desconhecido` });
      const atTop = await f.post(`{"type":"licenses","filters":{"month":"current"},${JSON.stringify(key)}:{"polluted":true}}`);
      f.expectProblem(atTop);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    expect(await f.reportCount()).toBe(before);
  });

  it('when a text filter holds NUL or a lone surrogate, then 400 naming the field (PostgreSQL could store neither)', async () => {
    for (const bad of ['a\u0000b', '\ud800', 'x\udfffy']) {
      const r = await f.post(JSON.stringify({ type: 'webhook_events', filters: { from: '2026-10-01', to: '2026-10-31', contactNumber: bad } }));
      f.expectProblem(r);
      expect(r.status).toBe(400);
      expect(JSON.parse(r.text).errors.map((e: { path: string }) => e.path)).toEqual(['filters.contactNumber']);
      const list = await f.post(JSON.stringify({ type: 'webhook_events', filters: { from: '2026-10-01', to: '2026-10-31', eventTypes: ['ok', bad] } }));
      expect(JSON.parse(list.text).errors.map((e: { path: string }) => e.path)).toEqual(['filters.eventTypes.1']);
    }
  });
});
