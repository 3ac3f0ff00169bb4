// The benchmark's own services: a PostgreSQL cluster, a Temporal dev server, the worker and the API as
// separate processes, files on local disk. Nothing here touches the test services or `.data/`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { connect, type Sql } from '../src/db/connection';
import { migrate } from '../src/db/migrate';
import { seed, type SeedSummary } from '../dev/seed/seed';
import { freePort, stopWithParent } from '../dev/ports';

export const ROOT = path.resolve(__dirname, '..');

/** The seeded month: one company (São Paulo), 2026-01-01 00:00 to 2026-02-01 00:00 local time. */
export const MONTH = { from: '2026-01-01', to: '2026-01-31', now: new Date('2026-02-01T03:00:00Z'), days: 31 } as const;

export type SeededDatabase = { url: string; sql: Sql; companyId: number; adminUserId: number; reused: boolean };

/**
 * A database holding `messages` messages of one company within MONTH; seeded once per data dir and
 * size (so `--data-dir` can keep it between runs).
 */
export async function seededDatabase(
  adminUrl: string, messages: number, log: (m: string) => void, companies = 1,
): Promise<SeededDatabase> {
  const name = companies === 1 ? `bench_${messages}` : `bench_${companies}x_${messages}`;
  const { url, sql } = await benchDatabase(adminUrl, name);
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from public.companies`;
  let reused = n > 0;
  if (!reused) {
    const started = Date.now();
    log(`seeding ${messages.toLocaleString('en')} messages into ${name}`);
    const summary: SeedSummary = await seed(sql, { companies, messages, seed: 7, days: MONTH.days, now: MONTH.now });
    log(`seeded ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s (${summary.counts.messages} messages)`);
    await sql`vacuum analyze`;
    reused = false;
  }
  // Reports of an earlier run (kept with --data-dir) would count against the company's processing limit.
  await sql`delete from reports.reports`;
  const [admin1] = await sql<{ id: number; companyId: number }[]>`
    select id, company_id as "companyId" from public.users
    where profile = 'admin' and deleted_at is null order by id limit 1`;
  return { url: url.toString(), sql, companyId: admin1.companyId, adminUserId: admin1.id, reused };
}

/** A database of the benchmark's cluster, made (and migrated) when missing: kept with --data-dir. */
export async function benchDatabase(adminUrl: string, name: string): Promise<{ url: URL; sql: Sql }> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const exists = (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
    if (!exists) await admin`create database ${admin(name)}`;
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const sql = connect(url.toString(), { max: 4 });
  await migrate(sql);
  return { url, sql };
}

export type ChildService = {
  process: ChildProcess;
  pid: number;
  /** Output kept to explain a failure. */
  output(): string;
  stop(): Promise<void>;
};

/**
 * Runs a TypeScript entry point (src/worker.ts, src/server.ts) in its own Node process, as its npm script
 * does: through tsx's CommonJS hook (`node --require tsx/cjs`, see package.json).
 */
export function startTsProcess(entry: string, env: Record<string, string>, nodeArgs: string[] = []): ChildService {
  const child = spawn(process.execPath, [...nodeArgs, '--require', 'tsx/cjs', path.join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      recent.push(line);
      if (recent.length > 60) recent.shift();
    }
  };
  child.stdout!.on('data', remember);
  child.stderr!.on('data', remember);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  stopWithParent(child, 'SIGTERM');
  return {
    process: child,
    pid: child.pid!,
    output: () => recent.join('\n'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Waits until `line` appears in the process's output (e.g. the worker's "worker polling"). */
export async function waitForOutput(service: ChildService, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(service.output())) {
    if (service.process.exitCode !== null) throw new Error(`process exited early:\n${service.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${service.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type Env = {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  filesDir: string;
  jwtSecret: string;
  port: number;
};

export function serviceEnv(e: Env): Record<string, string> {
  mkdirSync(e.filesDir, { recursive: true });
  return {
    DATABASE_URL: e.databaseUrl,
    TEMPORAL_ADDRESS: e.temporalAddress,
    TEMPORAL_TASK_QUEUE: e.taskQueue,
    STORAGE: 'local',
    LOCAL_STORAGE_DIR: e.filesDir,
    JWT_SECRET: e.jwtSecret,
    PORT: String(e.port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${e.port}`,
    MIGRATE: 'false',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
}

export { freePort };
