// GET/PUT /api/business-hours through HTTP on real services: the shape, the admin-only change, every rejected
// body naming its field, and one company never seeing or changing another's settings.
import { beforeAll, describe, expect, it } from 'vitest';
import { profileTokens, useCompany, useStack } from '../setup/reports-api';

const EMPTY_WEEK = { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] };
const WEEKDAYS_8_TO_18 = { 1: [['08:00', '12:00'], ['13:00', '18:00']], 2: [['08:00', '18:00']], 3: [['08:00', '18:00']],
  4: [['08:00', '18:00']], 5: [['08:00', '18:00']], 6: [['09:00', '13:00']], 7: [] };

describe('/api/business-hours', () => {
  const stack = useStack();
  const a = useCompany(stack, 'Horário A');
  const b = useCompany(stack, 'Horário B', 'America/Manaus');
  let tokens: Record<'adminA' | 'supervisorA' | 'userA' | 'adminB', string>;

  beforeAll(async () => {
    tokens = profileTokens(stack, a, b);
  }, 120_000);

  const get = async (token: string) => {
    const res = await stack.api('/api/business-hours', { token });
    expect(res.status).toBe(200);
    return res.json();
  };
  const put = (token: string, body: unknown) =>
    stack.api('/api/business-hours', { method: 'PUT', token, body: JSON.stringify(body) });
  const refused = async (body: unknown) => {
    const res = await put(tokens.adminA, body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = (await res.json()) as { errors: { path: string; message: string }[] };
    for (const e of problem.errors) expect(e.message.startsWith(`${e.path}: `)).toBe(true);
    return problem.errors.map((e) => e.path);
  };

  it('when nothing was set, then any user of the company reads an empty week, no holidays, no target and the zone', async () => {
    expect(await get(tokens.userA)).toEqual({ timezone: 'America/Sao_Paulo', week: EMPTY_WEEK, holidays: [], firstResponseTargetSeconds: null });
    expect(await get(tokens.adminB)).toEqual({ timezone: 'America/Manaus', week: EMPTY_WEEK, holidays: [], firstResponseTargetSeconds: null });
  });

  it('when the admin puts a week with a lunch break, 24:00 ends, holidays and a target, then every user reads exactly it back', async () => {
    const body = {
      week: { ...WEEKDAYS_8_TO_18, 7: [['00:00', '06:00'], ['22:00', '24:00']] },
      holidays: ['2026-12-25', '2026-11-02', '2027-01-01'],
      firstResponseTargetSeconds: 900,
    };
    const res = await put(tokens.adminA, body);
    expect(res.status).toBe(200);
    const expected = { timezone: 'America/Sao_Paulo', ...body, holidays: ['2026-11-02', '2026-12-25', '2027-01-01'] };
    expect(await res.json()).toEqual(expected);
    expect(await get(tokens.userA)).toEqual(expected);
    expect(await get(tokens.supervisorA)).toEqual(expected);
  });

  it('when the body is what GET gave (timezone included) with days left out, then it is accepted and the missing days are empty', async () => {
    const current = await get(tokens.adminA);
    expect((await put(tokens.adminA, current)).status).toBe(200);
    const res = await put(tokens.adminA, { timezone: 'America/Sao_Paulo', week: { 2: [['08:00', '18:00']] }, holidays: ['2026-12-25'], firstResponseTargetSeconds: 600 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ timezone: 'America/Sao_Paulo', week: { ...EMPTY_WEEK, 2: [['08:00', '18:00']] }, holidays: ['2026-12-25'], firstResponseTargetSeconds: 600 });
    // Touching intervals are not overlapping; holidays and target may be left out (none, null).
    const touching = await put(tokens.adminA, { week: { 1: [['08:00', '12:00'], ['12:00', '18:00']] } });
    expect(touching.status).toBe(200);
    expect(await touching.json()).toMatchObject({ week: { 1: [['08:00', '12:00'], ['12:00', '18:00']] }, holidays: [], firstResponseTargetSeconds: null });
  });

  it('when a supervisor or a user puts, then 403 and nothing changes', async () => {
    const before = await get(tokens.adminA);
    for (const token of [tokens.supervisorA, tokens.userA]) {
      const res = await put(token, { week: EMPTY_WEEK, holidays: [], firstResponseTargetSeconds: 60 });
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/administradores/);
    }
    expect(await get(tokens.adminA)).toEqual(before);
  });

  it('when GET answers, then its Allow header offers PUT to admins only', async () => {
    const allow = async (token: string) => (await stack.api('/api/business-hours', { token })).headers.get('allow');
    expect(await allow(tokens.adminA)).toBe('GET, PUT');
    expect(await allow(tokens.supervisorA)).toBe('GET');
    expect(await allow(tokens.userA)).toBe('GET');
  });

  it('when there is no token, then 401', async () => {
    expect((await stack.api('/api/business-hours')).status).toBe(401);
    expect((await stack.api('/api/business-hours', { method: 'PUT', body: JSON.stringify({ week: EMPTY_WEEK }) })).status).toBe(401);
  });

  it.each([
    ['an interval starts before the previous one ends (overlap)', { week: { 3: [['08:00', '12:00'], ['11:00', '14:00']] } }, ['week.3.1']],
    ['intervals are not sorted', { week: { 3: [['13:00', '18:00'], ['08:00', '12:00']] } }, ['week.3.1']],
    ['a time is 25:00', { week: { 3: [['08:00', '12:00'], ['13:00', '25:00']] } }, ['week.3.1']],
    ['a start is 24:00', { week: { 1: [['24:00', '24:00']] } }, ['week.1.0']],
    ['a time has no leading zero', { week: { 1: [['8:00', '12:00']] } }, ['week.1.0']],
    ['start equals end', { week: { 5: [['09:00', '09:00']] } }, ['week.5.0']],
    ['start is after end', { week: { 5: [['18:00', '08:00']] } }, ['week.5.0']],
    ['an interval has three times', { week: { 5: [['08:00', '12:00', '18:00']] } }, ['week.5.0']],
    ['a day has 7 intervals', { week: { 2: ['00', '02', '04', '06', '08', '10', '12'].map((h) => [`${h}:00`, `${h}:30`]) } }, ['week.2']],
    ['a weekday is 8', { week: { 8: [] } }, ['week.8']],
    ['week is missing', { holidays: [] }, ['week']],
    ['a holiday is repeated', { week: EMPTY_WEEK, holidays: ['2026-12-25', '2027-01-01', '2026-12-25'] }, ['holidays.2']],
    ['a holiday is not a real day', { week: EMPTY_WEEK, holidays: ['2026-02-30'] }, ['holidays.0']],
    ['the target is 0', { week: EMPTY_WEEK, firstResponseTargetSeconds: 0 }, ['firstResponseTargetSeconds']],
    ['the target is negative', { week: EMPTY_WEEK, firstResponseTargetSeconds: -5 }, ['firstResponseTargetSeconds']],
    ['the target is not whole', { week: EMPTY_WEEK, firstResponseTargetSeconds: 1.5 }, ['firstResponseTargetSeconds']],
    ['the target is text', { week: EMPTY_WEEK, firstResponseTargetSeconds: '900' }, ['firstResponseTargetSeconds']],
    ['the timezone is another one', { timezone: 'America/Manaus', week: EMPTY_WEEK }, ['timezone']],
    ['a field is unknown', { week: EMPTY_WEEK, lunch: true }, ['lunch']],
  ])('when %s, then 400 names %j and nothing changes', async (_what, body, paths) => {
    const before = await get(tokens.adminA);
    expect(await refused(body)).toEqual(paths);
    expect(await get(tokens.adminA)).toEqual(before);
  });

  it('when several fields are wrong, then each is named', async () => {
    const paths = await refused({ week: { 1: [['09:00', '08:00']], 4: [['25:00', '26:00']] }, holidays: ['2026-13-01'], firstResponseTargetSeconds: 0 });
    expect([...new Set(paths)].sort()).toEqual(['firstResponseTargetSeconds', 'holidays.0', 'week.1.0', 'week.4.0']);
  });

  it("when company B's admin puts, then company A's settings are untouched and each reads only its own", async () => {
    const aBefore = await get(tokens.adminA);
    const res = await put(tokens.adminB, { week: { 6: [['10:00', '14:00']] }, holidays: ['2026-10-12'], firstResponseTargetSeconds: 120 });
    expect(res.status).toBe(200);
    expect(await get(tokens.adminA)).toEqual(aBefore);
    expect(await get(tokens.adminB)).toEqual({ timezone: 'America/Manaus', week: { ...EMPTY_WEEK, 6: [['10:00', '14:00']] }, holidays: ['2026-10-12'], firstResponseTargetSeconds: 120 });
    const rows = await stack.sql<{ company_id: number }[]>`select distinct company_id from reports.business_hours_intervals where isodow = 6`;
    expect(rows.map((r) => Number(r.company_id))).toEqual([b.id]);
  });
});
