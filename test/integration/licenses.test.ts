import { beforeAll, describe, expect, it } from 'vitest';
import { monthLabel } from '../../src/reports/month';
import { type CompanyFixture, createCompany, createQueue, createUser } from '../setup/rows';
import { csvFile, ReportsApi, useCompany, useStack } from '../setup/reports-api';
import { MANAUS, SP, formatZoned, plusSeconds, zonedMonthLabel, zonedMonthStart } from '../setup/zones';

const HEADER = 'ID do usuário;Nome;Email;Perfil;Data de criação;Filas atribuídas';

describe('licenses through the HTTP API', () => {
  const stack = useStack();
  const sp = useCompany(stack, 'Loja São Paulo');
  const manaus = useCompany(stack, 'Loja Manaus', MANAUS);
  let u: Record<string, number>;
  /** The company's default users (created 2026-01-01T00:00:00Z by createCompany): active in every month asked. */
  let defaults: (c: CompanyFixture) => string[];

  beforeAll(async () => {
    const { sql } = stack;
    const other = await createCompany(sql, 'OUTRA-EMPRESA');

    const emails = new Map((await sql<{ id: number; email: string }[]>`select id, email from users`).map((r) => [r.id, r.email]));
    defaults = (c) => [
      `${c.admin};Admin ${nameOf(c)};${emails.get(c.admin)};admin;${formatZoned(new Date('2026-01-01T00:00:00Z'), c.timezone)};`,
      `${c.supervisor};Supervisora ${nameOf(c)};${emails.get(c.supervisor)};supervisor;${formatZoned(new Date('2026-01-01T00:00:00Z'), c.timezone)};`,
      `${c.user};Operador ${nameOf(c)};${emails.get(c.user)};user;${formatZoned(new Date('2026-01-01T00:00:00Z'), c.timezone)};`,
    ];

    const queues = await Promise.all(['suporte', 'Atendimento', 'Ébano'].map((n) => createQueue(sql, sp.id, n)));
    const start = zonedMonthStart(SP, 0);
    const next = zonedMonthStart(SP, -1);
    u = {
      // Created at 00:00:00 on the 1st of the current month: in it, and not in the previous one (its end).
      createdAtStart: await createUser(sql, sp.id, 'Ana Início', 'user', { email: 'ana@loja.com.br', createdAt: start, queueIds: queues }),
      // Deleted at 00:00:00 on the 1st: still active at that instant, so in the current month too.
      deletedAtStart: await createUser(sql, sp.id, 'Bruno Saiu', 'admin', {
        email: 'bruno@loja.com.br', createdAt: zonedMonthStart(SP, 2), deletedAt: start, queueIds: [queues[0]],
      }),
      // Deleted one second before the month: only in the previous month.
      deletedBefore: await createUser(sql, sp.id, 'Carla Antes', 'user', {
        email: 'carla@loja.com.br', createdAt: zonedMonthStart(SP, 1), deletedAt: plusSeconds(start, -1),
      }),
      // Created at 23:59:59 on the month's last day: in it.
      lastSecond: await createUser(sql, sp.id, '=HYPERLINK("x")', 'supervisor', {
        email: '-dani@loja.com.br', createdAt: plusSeconds(next, -1),
      }),
      // Created at 00:00:00 on the 1st of next month: the month's end, excluded.
      createdAtEnd: await createUser(sql, sp.id, 'Eva Depois', 'user', { email: 'eva@loja.com.br', createdAt: next }),
      // Manaus: the month starts one hour later than in São Paulo.
      manausStart: await createUser(sql, manaus.id, 'Fábio Manaus', 'user', { email: 'fabio@manaus.com.br', createdAt: zonedMonthStart(MANAUS, 0) }),
      manausGoneAtSpStart: await createUser(sql, manaus.id, 'Gil Manaus', 'user', {
        email: 'gil@manaus.com.br', createdAt: '2026-01-01T00:00:00Z', deletedAt: zonedMonthStart(SP, 0),
      }),
      manausGoneAtStart: await createUser(sql, manaus.id, 'Hana Manaus', 'user', {
        email: 'hana@manaus.com.br', createdAt: '2026-01-01T00:00:00Z', deletedAt: zonedMonthStart(MANAUS, 0),
      }),
    };
    const outsiderQueue = await createQueue(sql, other.id, 'OUTRA-EMPRESA fila');
    await createUser(sql, other.id, 'OUTRA-EMPRESA pessoa', 'user', { email: 'x@outra.com', createdAt: start, queueIds: [outsiderQueue] });
  }, 120_000);

  const nameOf = (c: CompanyFixture) => (c === sp ? 'Loja São Paulo' : 'Loja Manaus');

  it('when the current month is asked, then the file holds exactly the users active in it, cell by cell', async () => {
    const { report, bytes } = await new ReportsApi(stack, sp.token).run('licenses', { month: 'current' });
    const start = zonedMonthStart(SP, 0);
    const next = zonedMonthStart(SP, -1);
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, [
      ...defaults(sp),
      `${u.createdAtStart};Ana Início;ana@loja.com.br;user;${formatZoned(start, SP)};Atendimento, Ébano, suporte`,
      `${u.deletedAtStart};Bruno Saiu;bruno@loja.com.br;admin;${formatZoned(zonedMonthStart(SP, 2), SP)};suporte`,
      `${u.lastSecond};"'=HYPERLINK(""x"")";'-dani@loja.com.br;supervisor;${formatZoned(plusSeconds(next, -1), SP)};`,
    ]));
    expect(formatZoned(start, SP)).toMatch(/^01\/\d\d\/\d{4} 00:00:00$/);
    expect(formatZoned(plusSeconds(next, -1), SP)).toMatch(/ 23:59:59$/);
    expect(report).toMatchObject({ rowCount: 6, fileName: `licencas_${zonedMonthLabel(SP, 0)}.csv` });
    expect(bytes.toString('utf8')).not.toContain('OUTRA-EMPRESA');
  });

  it('when the previous month is asked, then users created at its end are out and users deleted at its start are in', async () => {
    const { report, bytes } = await new ReportsApi(stack, sp.token).run('licenses', { month: 'previous' });
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, [
      ...defaults(sp),
      `${u.deletedAtStart};Bruno Saiu;bruno@loja.com.br;admin;${formatZoned(zonedMonthStart(SP, 2), SP)};suporte`,
      `${u.deletedBefore};Carla Antes;carla@loja.com.br;user;${formatZoned(zonedMonthStart(SP, 1), SP)};`,
    ]));
    expect(report.fileName).toBe(`licencas_${zonedMonthLabel(SP, 1)}.csv`);
  });

  it('when two months ago is asked, then a user created at that month\'s end is out', async () => {
    const { report, bytes } = await new ReportsApi(stack, sp.token).run('licenses', { month: 'two_months_ago' });
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, [
      ...defaults(sp),
      `${u.deletedAtStart};Bruno Saiu;bruno@loja.com.br;admin;${formatZoned(zonedMonthStart(SP, 2), SP)};suporte`,
    ]));
    expect(report.fileName).toBe(`licencas_${zonedMonthLabel(SP, 2)}.csv`);
  });

  it('when the company is in Manaus, then the month starts at midnight in Manaus', async () => {
    const { bytes } = await new ReportsApi(stack, manaus.token).run('licenses', { month: 'current' });
    const start = zonedMonthStart(MANAUS, 0);
    expect(start.getTime() - zonedMonthStart(SP, 0).getTime()).toBe(3600_000);
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, [
      ...defaults(manaus),
      `${u.manausStart};Fábio Manaus;fabio@manaus.com.br;user;${formatZoned(start, MANAUS)};`,
      `${u.manausGoneAtStart};Hana Manaus;hana@manaus.com.br;user;${formatZoned(new Date('2026-01-01T00:00:00Z'), MANAUS)};`,
    ]));
    expect(bytes.toString('utf8')).not.toContain(String(u.manausGoneAtSpStart) + ';');
  });

  it.each([
    ['no month', {}, 'filters.month'],
    ['an unknown month', { month: 'next' }, 'filters.month'],
    ['a month that is not text', { month: 1 }, 'filters.month'],
    ['an unknown filter', { month: 'current', from: '2026-10-01' }, 'filters.from'],
  ])('when the filters have %s, then 400 names %s', async (_what, filters, path) => {
    expect(await new ReportsApi(stack, sp.token).refusedPaths('licenses', filters)).toEqual([path]);
  });
});

describe('the month of a request, for file names', () => {
  const ctx = (at: string, timezone = SP) => ({ companyId: 1, timezone, requestedAt: new Date(at) });

  it('when the request is in January, then previous months are in the year before', () => {
    expect(monthLabel('current', ctx('2026-01-15T12:00:00Z'))).toBe('2026-01');
    expect(monthLabel('previous', ctx('2026-01-15T12:00:00Z'))).toBe('2025-12');
    expect(monthLabel('two_months_ago', ctx('2026-02-15T12:00:00Z'))).toBe('2025-12');
  });

  it('when UTC is already in the next month, then the company zone decides', () => {
    expect(monthLabel('current', ctx('2026-03-01T02:59:59Z'))).toBe('2026-02');
    expect(monthLabel('current', ctx('2026-03-01T03:00:00Z'))).toBe('2026-03');
    expect(monthLabel('current', ctx('2026-03-01T03:59:59Z', MANAUS))).toBe('2026-02');
  });
});
