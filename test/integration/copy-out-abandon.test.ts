// A COPY whose reader stops early (a cancelled export) and aborts it leaves its connection usable: the
// statement is cancelled on the server, the transaction rolls back, and the pool's only connection serves the
// next query. DELETE of a processing report depends on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Sql } from '../../src/db/connection';
import { copyOut } from '../../src/db/copy-out';
import { createTestDatabase } from '../setup/services';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let oneConnection: Sql;
beforeAll(async () => {
  db = await createTestDatabase();
  oneConnection = connect(db.url, { max: 1 });
});
afterAll(async () => {
  await oneConnection?.end();
  await db?.drop();
});

describe('copyOut stopped early', () => {
  it('when the reader stops after the first chunk of a large COPY and aborts it, then its error surfaces and the connection is reused', async () => {
    const stop = new Error('the export was cancelled');
    let chunks = 0;
    const run = oneConnection.begin(async (tx) => {
      const stream = await copyOut(tx, `copy (select g, repeat('x', 2000) from generate_series(1, 200000) g) to stdout with (format csv)`);
      try {
        for await (const chunk of stream) {
          chunks += chunk.length > 0 ? 1 : 0;
          throw stop;
        }
      } catch (err) {
        await stream.abort();
        throw err;
      }
    });
    await expect(run).rejects.toBe(stop);
    expect(chunks).toBe(1);
    const [{ one }] = await oneConnection<{ one: number }[]>`select 1 as one`;
    expect(one).toBe(1);
    const [{ open }] = await oneConnection<{ open: number }[]>`
      select count(*)::int as open from pg_stat_activity where datname = current_database() and query ilike 'copy (select g%' and state = 'active'`;
    expect(open).toBe(0);
  });
});
