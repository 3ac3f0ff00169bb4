// transaction(): sql.begin() that survives its connection dying (postgres.js 3.4.9 would crash the process).
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Sql } from '../../src/db/connection';
import { copyOut } from '../../src/db/copy-out';
import { transaction } from '../../src/db/transaction';
import { createTestDatabase, type TestDatabase } from '../setup/services';

describe('transaction() when the connection dies', () => {
  let db: TestDatabase;
  let sql: Sql;
  let killer: postgres.Sql;

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    sql = connect(db.url, { max: 3 });
    killer = postgres(db.url, { max: 1, onnotice: () => {} });
  });

  afterAll(async () => {
    await sql?.end({ timeout: 5 });
    await killer?.end({ timeout: 5 });
    await db?.drop();
  });

  const pidOf = async (tx: postgres.TransactionSql<Record<string, never>>) =>
    (await tx<{ pid: number }[]>`select pg_backend_pid() as pid`)[0].pid;
  const terminate = (pid: number) => killer`select pg_terminate_backend(${pid})`;
  /** The process survived if, a moment later, the pool still answers (a crash would end this test file). */
  const poolStillAnswers = async () => {
    await new Promise((r) => setTimeout(r, 300));
    expect(await sql`select 1 as ok`).toEqual([{ ok: 1 }]);
  };

  it('when the backend is terminated during a query of the transaction, then it rejects with CONNECTION_CLOSED and the process lives on', async () => {
    const running = transaction(sql, 'read only', async (tx) => {
      const pid = await pidOf(tx);
      setTimeout(() => void terminate(pid).then(() => {}), 200);
      await tx`select pg_sleep(5)`;
    });
    await expect(running).rejects.toMatchObject({ code: expect.stringMatching(/^(CONNECTION_CLOSED|57P01)$/) });
    await poolStillAnswers();
  });

  it('when the connection died while idle and the callback then fails for another reason, then no ROLLBACK is sent and the process lives on', async () => {
    const running = transaction(sql, 'read only', async (tx) => {
      await terminate(await pidOf(tx));
      await new Promise((r) => setTimeout(r, 200)); // the close is processed meanwhile
      throw new Error('a part could not be stored');
    });
    await expect(running).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    await poolStillAnswers();
  });

  it('when the callback fails on a live connection, then its error comes through and the transaction is rolled back', async () => {
    await sql`create table if not exists tx_probe (n int)`;
    const running = transaction(sql, '', async (tx) => {
      await tx`insert into tx_probe values (1)`;
      throw new Error('changed my mind');
    });
    await expect(running).rejects.toThrow('changed my mind');
    expect(await sql`select count(*)::int as n from tx_probe`).toEqual([{ n: 0 }]);
  });

  it('when a COPY is aborted half-way, then the transaction rolls back and the connection serves the next statement', async () => {
    // A pool of its own: postgres.js hands a killed backend's last error to the next query of that connection.
    const pool = connect(db.url, { max: 3 });
    let received = 0;
    const running = transaction(pool, 'read only', async (tx) => {
      const stream = await copyOut(tx, 'copy (select g, repeat(\'x\', 200) from generate_series(1, 2000000) g) to stdout');
      try {
        for await (const chunk of stream) {
          received += chunk.length;
          if (received > 1_000_000) throw new Error('stop here');
        }
      } catch (err) {
        await stream.abort();
        throw err;
      }
    });
    await expect(running).rejects.toThrow('stop here');
    expect(received).toBeLessThan(100_000_000);
    // Every pooled connection is usable: none was left in copy mode.
    expect(await Promise.all([1, 2, 3].map(() => pool`select 1 as ok`))).toEqual([[{ ok: 1 }], [{ ok: 1 }], [{ ok: 1 }]]);
    await pool.end({ timeout: 5 });
  });
});
