import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOut } from '../../src/db/copy-out';
import { createTestDatabase } from '../setup/services';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe('copyOut', () => {
  it('when a slow reader makes COPY pause the socket, then the statement and its transaction still finish', async () => {
    const committed = await db.sql.begin(async (tx) => {
      const stream = await copyOut(tx, `copy (select g, repeat('x', 2000) from generate_series(1, 5000) g) to stdout with (format csv)`);
      let bytes = 0;
      for await (const chunk of stream) {
        bytes += chunk.length;
        await sleep(1); // slower than the socket: the stream's buffer fills and postgres.js pauses
      }
      const [{ one }] = await tx`select 1 as one`;
      return { bytes, one };
    });
    expect(committed.one).toBe(1);
    expect(committed.bytes).toBeGreaterThan(5000 * 2000);
  });
});
