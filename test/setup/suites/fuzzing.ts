// Fuzzing POST /api/reports for any report types (fast-check): whatever comes in, the answer is never a
// 5xx but problem details; a body that is not a valid request creates nothing; a valid one runs to READY.
// The fuzzer aims at each type's own filters (its labels), spoils its own example, and puts hostile text
// in its free-text filters (read from its filter schema).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { findReport, type ReportDefinition } from '../../../src/reports';
import { freeTextFilters } from '../filter-schema';
import { useCompany, useStack } from '../reports-api';
import type { Stack } from '../stack';

const SQL_FRAGMENTS = [
  "' OR '1'='1", "'; DROP TABLE reports.reports; --", '" OR ""="', '1; SELECT pg_sleep(30)--', "') UNION SELECT email FROM users --",
  '$$; DELETE FROM messages; $$', "\\'; TRUNCATE companies CASCADE; --", '%_%', "E'\\x00'", '*/ OR 1=1 /*', "2026-10-01' OR 'a'='a",
];
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString'];

/** Strings meant to hurt: SQL, NUL, lone surrogates, right-to-left marks, emoji, formula starts, huge ones. */
const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }), // any code point, lone surrogates included
  fc.constantFrom(...SQL_FRAGMENTS, ...PROTO_KEYS, '\u0000', 'a\u0000b', '\ud800', '\udfff', '\u202e1202', '🚀'.repeat(50), '=cmd|"/c calc"!A1', ''),
  fc.string({ minLength: 5_000, maxLength: 20_000 }),
  fc.constantFrom('2026-10-01', '2026-02-30', '9999-12-31', '0000-01-01', 'current', 'all', 'open'),
);
const hostileNumber = fc.oneof(
  fc.integer(), fc.double(), fc.constantFrom(0, -1, 2 ** 53, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER + 2, 0.5),
);
/** Made-up ids: the fuzzing asks for 400s and READY files, not for rows. */
const EXAMPLE_TENANT = { from: '2026-10-01', to: '2026-10-31', queue: 1, user: 1, campaign: 1, costCenter: 1, ticket: 1 };

export interface FuzzTarget {
  stack: Stack;
  /** Posts a body as it is (counted), and returns what came back. */
  post(body: string, contentType?: string): Promise<{ status: number; type: string; text: string }>;
  /** A refusal is RFC 9457 problem details whose field errors each start with their path. */
  expectProblem(r: { status: number; type: string; text: string }): void;
  reportCount(): Promise<number>;
}

export function describeFuzzing(types: readonly ReportDefinition[], more?: (f: FuzzTarget) => void): void {
  const TYPES = types.map((r) => r.type);
  // Every filter these types name (each definition labels its own), so a new type's filters are fuzzed too.
  const FILTER_NAMES = [...new Set(types.flatMap((r) => Object.keys(r.filterLabels)))];
  const hostileKey = fc.oneof(fc.constantFrom(...FILTER_NAMES, ...PROTO_KEYS, 'type', 'filters'), hostileString);
  const { value: hostileJson } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      hostileString, hostileNumber, fc.boolean(), fc.constant(null),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(hostileKey, tie('value'), { maxKeys: 5 }),
    ),
  }));
  const validFilters = (type: string) => findReport(type)!.example(EXAMPLE_TENANT);

  /** A type with valid filters but one, set to something hostile (or one extra, hostile key). */
  const oneHostileFilter = fc
    .record({
      type: fc.constantFrom(...TYPES),
      field: fc.constantFrom(...FILTER_NAMES, ...PROTO_KEYS),
      value: fc.oneof(hostileString, hostileJson, fc.array(hostileString, { minLength: 1, maxLength: 3 })),
    })
    .map(({ type, field, value }) => ({ type, filters: { ...validFilters(type), [field]: value } }));

  /** The free-text filters, where hostile strings get furthest: valid requests that reach the report's SQL. */
  const textFilters = types.flatMap((r) => freeTextFilters(r).map((f) => ({ type: r.type, ...f })));
  const hostileTextFilter = textFilters.length
    ? fc
      .record({ target: fc.constantFrom(...textFilters), value: hostileString })
      .filter(({ target, value }) => value.length <= Math.min(100, target.maxLength))
      .map(({ target: { type, field, list }, value }) => ({ type, filters: { ...validFilters(type), [field]: list ? [value] : value } }))
    : oneHostileFilter;

  /** Bodies shaped like a request, with one of the types, and hostile filters. */
  const requestShaped = fc.record(
    {
      type: fc.oneof(fc.constantFrom(...TYPES), hostileString, hostileJson),
      filters: fc.oneof(fc.dictionary(fc.constantFrom(...FILTER_NAMES, ...PROTO_KEYS), hostileJson, { maxKeys: 6 }), hostileJson),
      extra: hostileJson,
    },
    { requiredKeys: ['type'] },
  );

  /** JSON text that cannot be a valid request: no registered type, or a field the API does not know. */
  const invalidBody = fc.oneof(
    hostileJson.map((v) => JSON.stringify(v) ?? 'null'),
    requestShaped.filter((b) => typeof b.type !== 'string' || !findReport(b.type) || 'extra' in b).map((b) => JSON.stringify(b)),
    // Keys JSON.stringify cannot write from a JS object: prototype keys as own properties, duplicates.
    fc.tuple(fc.constantFrom(...TYPES), fc.constantFrom(...PROTO_KEYS), hostileJson).map(
      ([type, key, v]) => `{"type":${JSON.stringify(type)},"filters":{},${JSON.stringify(key)}:${JSON.stringify(v) ?? 'null'}}`,
    ),
  );

  describe(`fuzzing POST /api/reports (${TYPES.join(', ')})`, () => {
    // A high limit: valid requests go through creation (and run), rather than stop at 429.
    const stack = useStack({ maxProcessingPerCompany: 100_000 });
    const company = useCompany(stack, 'Loja Fuzz');
    let fuzzed = 0;

    const target: FuzzTarget = {
      stack,
      async post(body, contentType = 'application/json') {
        fuzzed++;
        const res = await company.api.post(body, { 'content-type': contentType });
        return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
      },
      expectProblem(r) {
        expect(r.status, r.text.slice(0, 500)).toBeGreaterThanOrEqual(400);
        expect(r.status, r.text.slice(0, 500)).toBeLessThan(500);
        expect(r.type).toMatch(/^application\/problem\+json/);
        const problem = JSON.parse(r.text) as { type: string; title: string; status: number; detail: string; errors?: { path: string; message: string }[] };
        expect(problem).toMatchObject({ type: expect.any(String), title: expect.any(String), status: r.status, detail: expect.any(String) });
        for (const e of problem.errors ?? []) {
          expect(e).toEqual({ path: expect.any(String), message: expect.any(String) });
          expect(e.message.startsWith(e.path)).toBe(true);
        }
      },
      reportCount: async () => (await stack.sql<{ n: number }[]>`select count(*)::int as n from reports.reports`)[0].n,
    };

    afterAll(() => console.log(`[hostile] ${fuzzed} bodies fuzzed`));

    it('when the body is not a valid request, then 4xx problem details and nothing is created', async () => {
      const before = await target.reportCount();
      await fc.assert(fc.asyncProperty(invalidBody, async (body) => target.expectProblem(await target.post(body))), { numRuns: 300 });
      expect(await target.reportCount()).toBe(before);
    }, 300_000);

    it('when one of the types comes with hostile filters, then either 202 or problem details, never 5xx, and a 202 report runs to READY', async () => {
      const accepted: string[] = [];
      const before = new Set((await stack.sql<{ id: string }[]>`select id from reports.reports`).map((r) => r.id));
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostileTextFilter, oneHostileFilter, requestShaped.map(({ extra: _, ...b }) => b)), async (body) => {
          const r = await target.post(JSON.stringify(body));
          if (r.status === 202) accepted.push((JSON.parse(r.text) as { id: string }).id);
          else target.expectProblem(r);
        }),
        { numRuns: 400 },
      );
      // Every record is one of ours (older ones beyond 7 per type are pruned, so count by id, not in total).
      const ids = (await stack.sql<{ id: string }[]>`select id from reports.reports`).map((r) => r.id);
      expect(ids.filter((id) => !before.has(id) && !accepted.includes(id))).toEqual([]);
      // What was accepted runs to the end: READY (an empty file here), never ERROR, never stuck.
      const outcomes = await Promise.all(
        accepted.map((id) => stack.workflows.client.workflow.getHandle(`report-${id}`).result().then((s: { status: string }) => s.status, (e: Error) => e.message)),
      );
      expect(outcomes.filter((o) => o !== 'READY')).toEqual([]);
      // Not vacuous: some hostile requests were valid, and ran.
      expect(accepted.length).toBeGreaterThan(0);
      console.log(`[hostile] hostile filters on ${TYPES.join(', ')}: ${accepted.length} of 400 accepted, all READY`);
    }, 300_000);

    more?.(target);
  });
}
