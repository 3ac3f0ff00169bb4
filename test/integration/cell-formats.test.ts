// Every cell rule of reports.md, as PostgreSQL applies it during COPY.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../src/db/connection';
import { createTestDatabase } from '../setup/services';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let sql: Sql;
beforeAll(async () => {
  db = await createTestDatabase();
  sql = db.sql;
});
afterAll(() => db?.drop());

const one = async (query: string, ...params: unknown[]) => (await sql.unsafe(query, params as never[]))[0].v as string | null;

describe('cell formats', () => {
  it.each([
    ['2026-10-01T03:00:00Z', 'America/Sao_Paulo', '01/10/2026 00:00:00'],
    ['2026-11-01T02:59:59Z', 'America/Sao_Paulo', '31/10/2026 23:59:59'],
    ['2026-11-01T02:59:59Z', 'America/Manaus', '31/10/2026 22:59:59'],
    ['2026-01-15T12:34:56.789Z', 'America/Noronha', '15/01/2026 10:34:56'],
    ['2026-06-30T23:00:00Z', 'UTC', '30/06/2026 23:00:00'],
  ])('timestamp %s in %s is %s', async (ts, tz, expected) => {
    expect(await one('select reports.fmt_ts($1::timestamptz, $2) as v', ts, tz)).toBe(expected);
  });

  it('dates are DD/MM/YYYY', async () => {
    expect(await one(`select reports.fmt_date('2026-02-03') as v`)).toBe('03/02/2026');
  });

  it.each([
    [0, '00:00:00'], [59.4, '00:00:59'], [59.5, '00:01:00'], [3661, '01:01:01'], [177005, '49:10:05'], [360000, '100:00:00'],
  ])('duration %s s is %s (rounded, hours not wrapped)', async (s, expected) => {
    expect(await one('select reports.fmt_duration($1::numeric) as v', s)).toBe(expected);
  });

  it.each([
    ['0.0625', '0,0625'], ['0', '0,0000'], ['12.5', '12,5000'], ['1234567.1234', '1234567,1234'],
  ])('money %s is %s', async (v, expected) => {
    expect(await one('select reports.fmt_money($1::numeric) as v', v)).toBe(expected);
  });

  it.each([
    ['87.5', '87,50'], ['100', '100,00'], ['0', '0,00'], ['33.333333', '33,33'], ['66.666666', '66,67'],
  ])('percent %s is %s', async (v, expected) => {
    expect(await one('select reports.fmt_percent($1::numeric) as v', v)).toBe(expected);
  });

  it('booleans are Sim / Não, null stays empty', async () => {
    expect(await one('select reports.fmt_bool(true) as v')).toBe('Sim');
    expect(await one('select reports.fmt_bool(false) as v')).toBe('Não');
    expect(await one('select reports.fmt_bool(null) as v')).toBeNull();
  });

  it.each([
    ['=SUM(A1)', "'=SUM(A1)"], ['+5511', "'+5511"], ['-3', "'-3"], ['@admin', "'@admin"],
    ['\tTab', "'\tTab"], ['\rCR', "'\rCR"], ['Olá = mundo', 'Olá = mundo'], ['', null], [' =x', ' =x'],
  ])('people text %j is written %j', async (v, expected) => {
    expect(await one('select reports.fmt_text($1) as v', v)).toBe(expected);
  });

  it('people text: fmt_text gives what its first definition (002) gave, whatever the first character', async () => {
    // 002's definition, kept here as the oracle.
    const oracle = `case when v = '' then null when left(v, 1) in ('=', '+', '-', '@', E'\\t', E'\\r') then '''' || v else v end`;
    const rows = await sql<{ v: string | null; got: string | null; want: string | null }[]>`
      select v, reports.fmt_text(v) as got, ${sql.unsafe(oracle)} as want
      from (select chr(g) || x as v from generate_series(1, 2047) g, unnest(array['', 'x', '=1']) x
            union all select unnest(array['', null, 'ção', '😀=', E'\\t', '=']::text[])) s`;
    expect(rows.length).toBeGreaterThan(6000);
    const differ = rows.filter((r) => r.got !== r.want);
    expect(differ).toEqual([]);
    expect(rows.filter((r) => r.got?.startsWith("'")).length).toBeGreaterThanOrEqual(6 * 3);
  });

  it('machine identifiers: fmt_ident gives what its first definition (012) gave, on plain ids and on hostile text', async () => {
    // 012's definition, kept here as the oracle: a plain identifier as it is, anything else as people's text.
    const oracle = `case when v ~ '^[A-Za-z0-9][A-Za-z0-9._:-]*$' then v else reports.fmt_text(v) end`;
    const values = [
      'wamid.HBgLNTUxMTk4NzY1NDMyMRUCABIYFjNFQjA', '5511912345678', '+5511912345678', '=cmd|/c calc', '-1', '@x', '\tx', '\rx',
      '', ' lead', 'a b', 'ticket.created', 'ção', '0', null,
    ];
    const rows = await sql<{ v: string | null; got: string | null; want: string | null }[]>`
      select v, reports.fmt_ident(v) as got, ${sql.unsafe(oracle)} as want from unnest(${values}::text[]) as v`;
    expect(rows).toHaveLength(values.length);
    for (const row of rows) expect(row.got, JSON.stringify(row.v)).toBe(row.want);
    expect(rows.find((r) => r.v === '+5511912345678')?.got).toBe("'+5511912345678");
    expect(rows.find((r) => r.v === '5511912345678')?.got).toBe('5511912345678');
  });

  it('ticket statuses read in Portuguese', async () => {
    const rows = await sql<{ v: string }[]>`
      select reports.fmt_ticket_status(s) as v from unnest(array['open','pending','paused','closed']) s`;
    expect(rows.map((r) => r.v)).toEqual(['Aberto', 'Pendente', 'Pausado', 'Fechado']);
  });
});
