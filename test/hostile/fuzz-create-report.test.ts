// Hostile input 7: POST /api/reports fuzzed with generated bodies (fast-check). Whatever comes in, the
// answer is never a 5xx: it is problem details, and a body that is not a valid request creates nothing.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORTS } from '../../src/reports';
import { createCompany, type CompanyFixture } from '../setup/fixtures';
import { startStack, type Stack } from '../setup/stack';

const TYPES = REPORTS.map((r) => r.type);
/** Every filter name any report knows: the fuzzer aims at them as well as at random keys. */
// Every filter some type names (its definition labels each one), so a new type's filters are fuzzed too.
const FILTER_NAMES = [...new Set(REPORTS.flatMap((r) => Object.keys(r.filterLabels)))];
const SQL_FRAGMENTS = [
  "' OR '1'='1", "'; DROP TABLE reports.reports; --", '" OR ""="', '1; SELECT pg_sleep(30)--', "') UNION SELECT email FROM users --",
  '$$; DELETE FROM messages; $$', "\\'; TRUNCATE companies CASCADE; --", '%_%', "E'\\x00'", '*/ OR 1=1 /*', "2026-10-01' OR 'a'='a",
];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString'];

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
const hostileKey = fc.oneof(fc.constantFrom(...FILTER_NAMES, ...PROTO_KEYS, 'type', 'filters'), hostileString);

const { value: hostileJson } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString, hostileNumber, fc.boolean(), fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 5 }),
  ),
}));

const RANGE = { from: '2026-10-01', to: '2026-10-31' };
/** A valid request of each type, which the fuzzer then spoils one filter at a time. */
// Each definition's own example, for a company of made-up ids (the fuzzing asks for 400s, not files).
const EXAMPLE_TENANT = { ...RANGE, queue: 1, user: 1, campaign: 1, costCenter: 1, ticket: 1 };
const validFilters = (type: string) => REPORTS.find((r) => r.type === type)!.example(EXAMPLE_TENANT);

/** A real type with valid filters but one, set to something hostile (or one extra, hostile key). */
const oneHostileFilter = fc
  .record({
    type: fc.constantFrom(...TYPES),
    field: fc.constantFrom(...FILTER_NAMES, ...PROTO_KEYS),
    value: fc.oneof(hostileString, hostileJson, fc.array(hostileString, { minLength: 1, maxLength: 3 })),
  })
  .map(({ type, field, value }) => ({ type, filters: { ...validFilters(type), [field]: value } }));

/** The free-text filters, where hostile strings get furthest: valid requests that reach the report's SQL. */
const TEXT_FILTERS: [type: string, field: string, list: boolean][] = [
  ['webhook_events', 'contactNumber', false], ['webhook_events', 'requestId', false], ['webhook_events', 'eventTypes', true],
  ['official_messages', 'contactNumber', false], ['official_messages', 'whatsappNumber', false],
];
const hostileTextFilter = fc
  .record({ target: fc.constantFrom(...TEXT_FILTERS), value: hostileString.filter((v) => v.length <= 100) })
  .map(({ target: [type, field, list], value }) => ({ type, filters: { ...RANGE, [field]: list ? [value] : value } }));

/** Bodies shaped like a request, with a real type, and hostile filters. */
const requestShaped = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...TYPES), hostileString, hostileJson),
    filters: fc.oneof(fc.dictionary(fc.constantFrom(...FILTER_NAMES, ...PROTO_KEYS), hostileJson, { maxKeys: 6 }), hostileJson),
    extra: hostileJson,
  },
  { requiredKeys: ['type'] },
);

/** JSON text that cannot be a valid request: no real type, or a field the API does not know. */
const invalidBody = fc.oneof(
  hostileJson.map((v) => JSON.stringify(v) ?? 'null'),
  requestShaped.filter((b) => !TYPES.includes(b.type as string) || 'extra' in b).map((b) => JSON.stringify(b)),
  // Keys JSON.stringify cannot write from a JS object: prototype keys as own properties, duplicates.
  fc.tuple(fc.constantFrom(...TYPES), fc.constantFrom(...PROTO_KEYS), hostileJson).map(
    ([type, key, v]) => `{"type":${JSON.stringify(type)},"filters":{},${JSON.stringify(key)}:${JSON.stringify(v) ?? 'null'}}`,
  ),
);

describe('fuzzing POST /api/reports', () => {
  let stack: Stack;
  let company: CompanyFixture;
  let token: string;
  let fuzzed = 0;

  beforeAll(async () => {
    // A high limit: valid requests go through creation (and run), rather than stop at 429.
    stack = await startStack({ maxProcessingPerCompany: 100_000 });
    company = await createCompany(stack.sql, 'Loja Fuzz');
    token = stack.tokenFor({ id: company.admin, companyId: company.id });
  }, 120_000);

  afterAll(async () => {
    console.log(`[hostile] ${fuzzed} bodies fuzzed`);
    await stack?.stop();
  });

  const reportCount = async () => (await stack.sql<{ n: number }[]>`select count(*)::int as n from reports.reports`)[0].n;

  async function post(body: string, contentType = 'application/json') {
    fuzzed++;
    const res = await stack.api('/api/reports', { method: 'POST', token, body, headers: { 'content-type': contentType } });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', text };
  }

  /** A refusal is RFC 9457 problem details whose field errors each name their field. */
  function expectProblem(r: { status: number; type: string; text: string }) {
    expect(r.status, r.text.slice(0, 500)).toBeGreaterThanOrEqual(400);
    expect(r.status, r.text.slice(0, 500)).toBeLessThan(500);
    expect(r.type).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(r.text) as { type: string; title: string; status: number; detail: string; errors?: { path: string; message: string }[] };
    expect(problem).toMatchObject({ type: expect.any(String), title: expect.any(String), status: r.status, detail: expect.any(String) });
    for (const e of problem.errors ?? []) {
      expect(e).toEqual({ path: expect.any(String), message: expect.any(String) });
      expect(e.message.startsWith(e.path)).toBe(true);
    }
  }

  it('when the body is not a valid request, then 4xx problem details and nothing is created', async () => {
    const before = await reportCount();
    await fc.assert(
      fc.asyncProperty(invalidBody, async (body) => {
        expectProblem(await post(body));
      }),
      { numRuns: 300 },
    );
    expect(await reportCount()).toBe(before);
  }, 300_000);

  it('when a real type comes with hostile filters, then either 202 or problem details, never 5xx, and a 202 report runs to READY', async () => {
    const accepted: string[] = [];
    const before = new Set((await stack.sql<{ id: string }[]>`select id from reports.reports`).map((r) => r.id));
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileTextFilter, oneHostileFilter, requestShaped.map(({ extra: _, ...b }) => b)), async (body) => {
        const r = await post(JSON.stringify(body));
        if (r.status === 202) accepted.push((JSON.parse(r.text) as { id: string }).id);
        else expectProblem(r);
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
    console.log(`[hostile] hostile filters on real types: ${accepted.length} of 400 accepted, all READY`);
  }, 300_000);

  it('when the bytes are not JSON, too large, too deep or of another type, then 4xx problem details', async () => {
    const before = await reportCount();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (text) => {
        const r = await post(text);
        if (r.status !== 400) {
          // A few strings are JSON after all (numbers, "null", quoted text): not a request either way.
          expect(() => JSON.parse(text)).not.toThrow();
        }
        expectProblem(r);
      }),
      { numRuns: 100 },
    );
    expectProblem(await post(JSON.stringify({ type: 'licenses', filters: { month: 'x'.repeat(70_000) } }))); // over 64 kB
    expectProblem(await post(`${'['.repeat(100_000)}${']'.repeat(100_000)}`.slice(0, 60_000)));
    expectProblem(await post(`{"type":"licenses","filters":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`));
    expectProblem(await post('type=licenses&filters[month]=current', 'application/x-www-form-urlencoded'));
    expectProblem(await post('{"type":"licenses","filters":{"month":"current"}}', 'text/plain'));
    expect(await reportCount()).toBe(before);
  }, 300_000);

  it('when prototype keys are sent anywhere, then they are refused as unknown fields and no object prototype changes', async () => {
    const before = await reportCount();
    for (const key of PROTO_KEYS) {
      const inFilters = await post(`{"type":"licenses","filters":{"month":"current",${JSON.stringify(key)}:{"polluted":true}}}`);
      expectProblem(inFilters);
      expect(JSON.parse(inFilters.text).errors).toContainEqual({ path: `filters.${key}`, message: `filters.${key}: campo desconhecido` });
      const atTop = await post(`{"type":"licenses","filters":{"month":"current"},${JSON.stringify(key)}:{"polluted":true}}`);
      expectProblem(atTop);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    expect(await reportCount()).toBe(before);
  });

  it('when a text filter holds NUL or a lone surrogate, then 400 naming the field (PostgreSQL could store neither)', async () => {
    for (const bad of ['a\u0000b', '\ud800', 'x\udfffy']) {
      const r = await post(JSON.stringify({ type: 'webhook_events', filters: { from: '2026-10-01', to: '2026-10-31', contactNumber: bad } }));
      expectProblem(r);
      expect(r.status).toBe(400);
      expect(JSON.parse(r.text).errors.map((e: { path: string }) => e.path)).toEqual(['filters.contactNumber']);
      const list = await post(JSON.stringify({ type: 'webhook_events', filters: { from: '2026-10-01', to: '2026-10-31', eventTypes: ['ok', bad] } }));
      expect(JSON.parse(list.text).errors.map((e: { path: string }) => e.path)).toEqual(['filters.eventTypes.1']);
    }
  });
});
