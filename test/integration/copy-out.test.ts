import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOut } from '../../src/db/copy-out';
import { createTestDatabase } from '../setup/services';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

/** Runs `fn`, then checks that nothing it started ended in an uncaught exception (which ends a worker). */
async function expectNoUncaught(fn: () => Promise<void>): Promise<void> {
  const uncaught: unknown[] = [];
  const note = (err: unknown) => uncaught.push(err);
  process.on('uncaughtException', note);
  try {
    await fn();
    await sleep(50);
  } finally {
    process.off('uncaughtException', note);
  }
  expect(uncaught).toEqual([]);
}

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

  // The server sends the COPY's start, its first row and its error in one packet: postgres.js has destroyed
  // the stream with the error before the caller holds it. Unheard, that 'error' event ended the process.
  it('when the COPY fails right after it starts, then the caller reads the error and the process goes on', async () => {
    await expectNoUncaught(async () => {
      const failing = db.sql.begin(async (tx) => {
        const stream = await copyOut(tx, `copy (select 1 / (2 - g) from generate_series(1, 3) g) to stdout with (format csv)`);
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk);
        return chunks;
      });
      await expect(failing).rejects.toMatchObject({ code: '22012' }); // division by zero
    });
    const [{ one }] = await db.sql`select 1 as one`;
    expect(one).toBe(1);
  });

  it('when the COPY is cancelled as soon as it is sent, then its error is the caller\'s to read, never an uncaught one', async () => {
    await expectNoUncaught(async () => {
      for (let i = 0; i < 20; i++) {
        const cancelled = db.sql.begin(async (tx) => {
          const stream = await copyOut(tx, `copy (select g from generate_series(1, 200000) g) to stdout with (format csv)`, (cancel) => cancel());
          let bytes = 0;
          for await (const chunk of stream) bytes += chunk.length;
          return bytes;
        });
        // Cancelled before its first row or during its rows, or (a cancel can arrive late) not at all.
        await cancelled.catch((err: { code?: string }) => expect(err.code).toBe('57014'));
      }
    });
  });
});
