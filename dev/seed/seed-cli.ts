// npm run seed -- --companies 5 --messages 100000 --seed 42 [--days 60]
// Migrates, then fills the (empty) database at DATABASE_URL with deterministic demo data.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config';
import { connect } from '../../src/db/connection';
import { migrate } from '../../src/db/migrate';
import { seed } from './seed';

const USAGE = 'usage: npm run seed -- --companies 5 --messages 100000 --seed 42 [--days 60] [--now 2025-01-31T12:00:00Z]';

function integerOption(values: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer, got "${raw}"\n${USAGE}`);
  return value;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      companies: { type: 'string' }, messages: { type: 'string' }, seed: { type: 'string' },
      days: { type: 'string' }, now: { type: 'string' }, help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig();
  if (!config.databaseUrl) {
    console.error('DATABASE_URL is not set. Set it to the PostgreSQL database to seed, or run `npm start`, which seeds its embedded database.');
    return 1;
  }
  const options = values as Record<string, string | undefined>;
  const now = values.now ? new Date(values.now) : undefined;
  if (now && Number.isNaN(now.getTime())) throw new Error(`--now must be an ISO date-time, got "${values.now}"`);

  const sql = connect(config.databaseUrl, { max: 2 });
  try {
    await migrate(sql, (m) => console.log(m));
    const started = Date.now();
    const summary = await seed(sql, {
      companies: integerOption(options, 'companies', 5),
      messages: integerOption(options, 'messages', 100_000),
      seed: integerOption(options, 'seed', 42),
      days: integerOption(options, 'days', 60),
      now,
      log: (m) => console.log(m),
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.table(summary.counts);
    console.table(summary.companies);
    console.log(`seeded ${summary.from.toISOString()} .. ${summary.to.toISOString()} in ${seconds} s`);
    return 0;
  } finally {
    await sql.end();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
