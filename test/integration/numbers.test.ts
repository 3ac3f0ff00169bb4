import { beforeAll, describe, expect, it } from 'vitest';
import { createCompany, createWhatsapp } from '../setup/rows';
import { csvFile, ReportsApi, useCompany, useStack } from '../setup/reports-api';
import { MANAUS, SP, formatZoned, plusSeconds, zonedMonthLabel, zonedMonthStart } from '../setup/zones';

const HEADER = 'Número de telefone;WABA;Data de ativação;Status atual';

describe('numbers through the HTTP API', () => {
  const stack = useStack();
  const sp = useCompany(stack, 'Loja São Paulo');
  const manaus = useCompany(stack, 'Loja Manaus', MANAUS);
  /** createCompany's own number, activated 2026-01-01T00:00:00Z and never deactivated. */
  const principal = (tz: string) => `5511900000000;waba-1;${formatZoned(new Date('2026-01-01T00:00:00Z'), tz)};CONNECTED`;

  beforeAll(async () => {
    const { sql } = stack;
    const other = await createCompany(sql, 'OUTRA-EMPRESA');

    const start = zonedMonthStart(SP, 0);
    const next = zonedMonthStart(SP, -1);
    // Inserted in this order, so ids follow it: the file is sorted by id.
    await createWhatsapp(sql, sp.id, { number: '5511911110001', wabaId: '1029384756', status: 'DISCONNECTED', activatedAt: start });
    await createWhatsapp(sql, sp.id, { number: '5511911110002', activatedAt: zonedMonthStart(SP, 2), deactivatedAt: start, status: 'BANNED' });
    await createWhatsapp(sql, sp.id, { number: '5511911110003', activatedAt: zonedMonthStart(SP, 1), deactivatedAt: plusSeconds(start, -1), status: 'TIMEOUT' });
    await createWhatsapp(sql, sp.id, { number: '5511911110004', wabaId: 'waba-2', status: 'QRCODE', activatedAt: plusSeconds(next, -1) });
    await createWhatsapp(sql, sp.id, { number: '5511911110005', status: 'OPENING', activatedAt: next });
    await createWhatsapp(sql, manaus.id, { number: '5592911110001', activatedAt: zonedMonthStart(MANAUS, 0) });
    await createWhatsapp(sql, manaus.id, { number: '5592911110002', activatedAt: '2026-01-01T00:00:00Z', deactivatedAt: zonedMonthStart(SP, 0) });
    await createWhatsapp(sql, manaus.id, { number: '5592911110003', activatedAt: '2026-01-01T00:00:00Z', deactivatedAt: zonedMonthStart(MANAUS, 0) });
    await createWhatsapp(sql, other.id, { number: '5599900000000', wabaId: 'OUTRA-EMPRESA-waba', activatedAt: start });
  }, 120_000);

  it('when the current month is asked, then the file holds exactly the numbers active in it, cell by cell', async () => {
    const { report, bytes } = await new ReportsApi(stack, sp.token).run('numbers', { month: 'current' });
    const start = zonedMonthStart(SP, 0);
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, [
      principal(SP),
      // Activated at 00:00:00 on the 1st: in.
      `5511911110001;1029384756;${formatZoned(start, SP)};DISCONNECTED`,
      // Deactivated at 00:00:00 on the 1st: still active at that instant, in.
      `5511911110002;;${formatZoned(zonedMonthStart(SP, 2), SP)};BANNED`,
      // Activated at 23:59:59 on the last day: in. (…0003 left before the month; …0005 came at its end.)
      `5511911110004;waba-2;${formatZoned(plusSeconds(zonedMonthStart(SP, -1), -1), SP)};QRCODE`,
    ]));
    expect(formatZoned(plusSeconds(zonedMonthStart(SP, -1), -1), SP)).toMatch(/ 23:59:59$/);
    expect(report).toMatchObject({ rowCount: 4, fileName: `numeros_${zonedMonthLabel(SP, 0)}.csv` });
    expect(bytes.toString('utf8')).not.toContain('OUTRA-EMPRESA');
  });

  it('when the previous month is asked, then a number activated at its end is out and one deactivated in it is in', async () => {
    const { report, bytes } = await new ReportsApi(stack, sp.token).run('numbers', { month: 'previous' });
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, [
      principal(SP),
      `5511911110002;;${formatZoned(zonedMonthStart(SP, 2), SP)};BANNED`,
      `5511911110003;;${formatZoned(zonedMonthStart(SP, 1), SP)};TIMEOUT`,
    ]));
    expect(report.fileName).toBe(`numeros_${zonedMonthLabel(SP, 1)}.csv`);
  });

  it('when two months ago is asked, then only what was active then remains', async () => {
    const { bytes } = await new ReportsApi(stack, sp.token).run('numbers', { month: 'two_months_ago' });
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, [principal(SP), `5511911110002;;${formatZoned(zonedMonthStart(SP, 2), SP)};BANNED`]));
  });

  it('when the company is in Manaus, then the month starts at midnight in Manaus', async () => {
    const { bytes } = await new ReportsApi(stack, manaus.token).run('numbers', { month: 'current' });
    expect(bytes.toString('utf8')).toBe(csvFile(HEADER, [
      principal(MANAUS),
      `5592911110001;;${formatZoned(zonedMonthStart(MANAUS, 0), MANAUS)};CONNECTED`,
      // …0002 was deactivated at São Paulo's midnight: 23:00 of the previous month in Manaus, so out.
      `5592911110003;;${formatZoned(new Date('2026-01-01T00:00:00Z'), MANAUS)};CONNECTED`,
    ]));
  });

  it.each([
    ['no month', {}, 'filters.month'],
    ['an unknown month', { month: 'last' }, 'filters.month'],
    ['an unknown filter', { month: 'current', whatsappIds: [1] }, 'filters.whatsappIds'],
  ])('when the filters have %s, then 400 names %s', async (_what, filters, path) => {
    expect(await new ReportsApi(stack, sp.token).refusedPaths('numbers', filters)).toEqual([path]);
  });
});
