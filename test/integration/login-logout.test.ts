import { beforeAll, describe, expect, it } from 'vitest';
import { createAccessLog, createCompany, createUser } from '../setup/rows';
import { csvFile, ReportsApi, useCompany, useStack } from '../setup/reports-api';

const HEADER = 'ID do usuário;Email;Ação;Data/hora;IP';

describe('login_logout through the HTTP API', () => {
  const stack = useStack();
  const sp = useCompany(stack, 'Loja São Paulo');
  const manaus = useCompany(stack, 'Loja Manaus', 'America/Manaus');
  let ana: number;
  let bia: number;

  beforeAll(async () => {
    const { sql } = stack;
    const other = await createCompany(sql, 'OUTRA-EMPRESA');
    ana = await createUser(sql, sp.id, 'Ana', 'user', { email: 'ana@loja.com.br', createdAt: '2026-01-01T00:00:00Z' });
    // A deleted user's accesses still count; an email starting with '=' gets the apostrophe.
    bia = await createUser(sql, sp.id, 'Bia', 'admin', {
      email: '=bia@loja.com.br', createdAt: '2026-01-01T00:00:00Z', deletedAt: '2026-10-20T00:00:00Z',
    });
    const outsider = await createUser(sql, other.id, 'OUTRA-EMPRESA', 'user', { email: 'OUTRA-EMPRESA@x.com', createdAt: '2026-01-01T00:00:00Z' });

    // Inserted out of time order: the file is sorted by created_at, then id.
    await createAccessLog(sql, sp.id, { userId: bia, action: 'logout', ip: '2001:db8::1', createdAt: '2026-11-01T02:59:59Z' }); // 31/10 23:59:59: in
    await createAccessLog(sql, sp.id, { userId: ana, action: 'login', ip: '192.168.0.10', createdAt: '2026-10-01T03:00:00Z' }); // 01/10 00:00:00: in
    await createAccessLog(sql, sp.id, { userId: ana, action: 'logout', ip: null, createdAt: '2026-10-15T15:30:00Z' });
    await createAccessLog(sql, sp.id, { userId: bia, action: 'login', ip: '10.1.2.3/32', createdAt: '2026-10-15T15:30:00Z' }); // same instant: by id
    await createAccessLog(sql, sp.id, { userId: ana, action: 'login', ip: '192.168.0.11', createdAt: '2026-10-01T02:59:59Z' }); // one second before: out
    await createAccessLog(sql, sp.id, { userId: ana, action: 'login', ip: '192.168.0.12', createdAt: '2026-11-01T03:00:00Z' }); // the day after: out
    await createAccessLog(sql, other.id, { userId: outsider, action: 'login', ip: '172.16.0.1', createdAt: '2026-10-10T12:00:00Z' });
    // Manaus is UTC-4: its 01/10 00:00:00 is 04:00Z.
    await createAccessLog(sql, manaus.id, { userId: manaus.admin, action: 'login', ip: '10.0.0.1', createdAt: '2026-10-01T03:59:59Z' });
    await createAccessLog(sql, manaus.id, { userId: manaus.admin, action: 'login', ip: '10.0.0.2', createdAt: '2026-10-01T04:00:00Z' });
    await createAccessLog(sql, manaus.id, { userId: manaus.admin, action: 'logout', ip: '10.0.0.3', createdAt: '2026-10-02T03:59:59Z' });
    await createAccessLog(sql, manaus.id, { userId: manaus.admin, action: 'logout', ip: '10.0.0.4', createdAt: '2026-10-02T04:00:00Z' });
  }, 120_000);

  it('when a month is asked, then the file holds exactly its accesses in time order, cell by cell', async () => {
    const { report, bytes } = await new ReportsApi(stack, sp.token).run('login_logout', { from: '2026-10-01', to: '2026-10-31' });
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, [
      `${ana};ana@loja.com.br;login;01/10/2026 00:00:00;192.168.0.10`,
      `${ana};ana@loja.com.br;logout;15/10/2026 12:30:00;`,
      `${bia};'=bia@loja.com.br;login;15/10/2026 12:30:00;10.1.2.3`,
      `${bia};'=bia@loja.com.br;logout;31/10/2026 23:59:59;2001:db8::1`,
    ]));
    expect(report).toMatchObject({ rowCount: 4, fileName: 'login-logout_2026-10-01_2026-10-31.csv' });
    expect(bytes.toString('utf8')).not.toContain('OUTRA-EMPRESA');
  });

  it('when the range is long, then there is no maximum and nothing outside it leaks', async () => {
    const { bytes } = await new ReportsApi(stack, sp.token).run('login_logout', { from: '2020-01-01', to: '2026-12-31' });
    const text = bytes.toString('utf8');
    expect(text.split('\r\n').length - 2).toBe(6);
    expect(text).not.toContain('OUTRA-EMPRESA');
    expect(text).not.toContain('172.16.0.1');
  });

  it('when nothing matches, then the file is READY with only the header', async () => {
    const { report, bytes } = await new ReportsApi(stack, sp.token).run('login_logout', { from: '2025-01-01', to: '2025-01-31' });
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, []));
    expect(report.rowCount).toBe(0);
  });

  it('when the company is in Manaus, then days are Manaus days', async () => {
    const { bytes } = await new ReportsApi(stack, manaus.token).run('login_logout', { from: '2026-10-01', to: '2026-10-01' });
    const [{ email }] = await stack.sql<{ email: string }[]>`select email from users where id = ${manaus.admin}`;
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, [
      `${manaus.admin};${email};login;01/10/2026 00:00:00;10.0.0.2`,
      `${manaus.admin};${email};logout;01/10/2026 23:59:59;10.0.0.3`,
    ]));
  });

  it.each([
    ['no from', { to: '2026-10-31' }, ['filters.from']],
    ['no to', { from: '2026-10-01' }, ['filters.to']],
    ['no dates at all', {}, ['filters.from', 'filters.to']],
    ['from after to', { from: '2026-10-02', to: '2026-10-01' }, ['filters.from']],
    ['a date that does not exist', { from: '2026-02-29', to: '2026-03-01' }, ['filters.from']],
    ['a date in the wrong format', { from: '2026-10-01', to: '31/10/2026' }, ['filters.to']],
    ['an unknown filter', { from: '2026-10-01', to: '2026-10-31', userIds: [1] }, ['filters.userIds']],
  ])('when the filters have %s, then 400 names %s', async (_what, filters, paths) => {
    expect(await new ReportsApi(stack, sp.token).refusedPaths('login_logout', filters)).toEqual(paths);
  });
});
