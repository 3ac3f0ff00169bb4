// How a split keyset query is cut into ranges (buildRangePlanSql), run in PostgreSQL on counts made up
// for the purpose: the bounds are keys in key order (numbers, not text), a key's rows are never cut, and the
// range size follows the total within its limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReport, type CsvReport } from '../../src/reports';
import { QueryParams, buildCountSql, buildRangeCopySql, buildRangePlanSql, scopeTransaction, type KeysetQuery } from '../../src/reports/query';
import { createTestDatabase } from '../setup/services';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const newParams = () => new QueryParams({ companyId: 1, timezone: 'UTC', requestedAt: new Date() });

/** The plan of a query whose split is `counts` (key → rows), with ranges of total / spread rows in [min, max]. */
async function plan(counts: [number, number][], size: { minRows: number; maxRows: number; spread: number }) {
  const q = newParams();
  const query: KeysetQuery = {
    kind: 'keyset', select: ['1'], from: 'companies', where: [], key: [{ expr: 'id', type: 'bigint' }],
    split: `select k, n from unnest(${q.value(counts.map(([k]) => k), 'bigint[]')}, ${q.value(counts.map(([, n]) => n), 'bigint[]')}) as s(k, n)`,
  };
  return db.sql.begin(async (tx) => {
    await scopeTransaction(tx, q);
    const [row] = await tx.unsafe<{ total: string; bounds: string[] }[]>(buildRangePlanSql(query, q, size));
    return { total: Number(row.total), bounds: row.bounds };
  });
}

describe('the ranges of a split export', () => {
  it('when keys cross a power of ten, then the bounds come in numeric order', async () => {
    const counts = Array.from({ length: 25 }, (_, i): [number, number] => [i + 1, 1]);
    expect(await plan(counts, { minRows: 1, maxRows: 100, spread: 5 })).toEqual({ total: 25, bounds: ['5', '10', '15', '20'] });
  });

  it('when one key holds more rows than a range, then it is one range of its own, never cut', async () => {
    const counts: [number, number][] = [[7, 2], [90, 12], [100, 1], [1000, 3], [20000, 2]];
    // 20 rows, ranges of 4: ends after 90 (14 rows reached), after 1000 (18 ≥ 16); 20000 is the last range.
    expect(await plan(counts, { minRows: 1, maxRows: 4, spread: 2 })).toEqual({ total: 20, bounds: ['90', '1000'] });
  });

  it('when the total is small, then the minimum range size makes it one range; with nothing, no bound', async () => {
    expect(await plan([[3, 10], [4, 10], [5, 10]], { minRows: 1000, maxRows: 50_000, spread: 8 })).toEqual({ total: 30, bounds: [] });
    expect(await plan([], { minRows: 1, maxRows: 10, spread: 8 })).toEqual({ total: 0, bounds: [] });
  });
});

describe('planned settings (migration 017)', () => {
  /** The planner's row estimate for `g <= <read of reports.x = 10>` over a table of 1..1000. */
  async function estimate(read: string): Promise<number> {
    return db.sql.begin(async (tx) => {
      await tx`create temporary table numbers on commit drop as select g from generate_series(1, 1000) g`;
      await tx`analyze numbers`;
      await tx`select set_config('reports.x', '10', true)`;
      const [row] = await tx.unsafe<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }[]>(
        `explain (format json) select g from numbers where g <= ${read}::int`,
      );
      return row['QUERY PLAN'][0].Plan['Plan Rows'];
    });
  }

  it('when a statement reads a planned setting, then the planner estimates with its value; a bound read it cannot see', async () => {
    expect(await estimate(`reports.planned_setting('reports.x')`)).toBeLessThan(20);
    expect(await estimate(`(select current_setting('reports.x'))`)).toBeGreaterThan(300); // the default third
  });

  it('when a statement that may be prepared would read a planned setting, then building it fails', () => {
    const q = newParams();
    const report = findReport('service_history') as CsvReport;
    const query = report.query(report.filters.parse({ from: '2026-10-01', to: '2026-10-31' }), q) as KeysetQuery;
    expect(buildRangeCopySql(query, q)).toContain('reports.planned_setting(');
    expect(() => buildCountSql(query, q)).toThrow(/only as a COPY/);
    const planned = { ...query, split: `select ticket_id as k, 1 as n from messages where created_at >= ${q.dayStart('2026-10-01', 'planned')}` };
    expect(() => buildRangePlanSql(planned, q, { minRows: 1, maxRows: 10, spread: 1 })).toThrow(/only as a COPY/);
    // The export's own range plan reads bound values: it is a prepared statement.
    expect(() => buildRangePlanSql(query, q, { minRows: 1, maxRows: 10, spread: 1 })).not.toThrow();
  });

  it('when a range is exported, then its COPY gets no parallel workers of its own', () => {
    const q = newParams();
    const ranged = q.forRange('10', '20').forRange('20', '30');
    expect(ranged.settings.filter(([name]) => name === 'max_parallel_workers_per_gather')).toEqual([['max_parallel_workers_per_gather', '0']]);
    expect(ranged.settings.filter(([name]) => name.startsWith('reports.range_'))).toEqual([['reports.range_lo', '20'], ['reports.range_hi', '30']]);
  });
});

