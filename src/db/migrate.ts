import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Sql } from './connection';

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');
/** The platform's own tables: created only where they do not exist yet (dev, tests, embedded default). */
const PLATFORM_MIGRATION = '001_platform_schema.sql';

export function migrationFiles(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
}

/**
 * Applies pending migrations in order, each in its own transaction, under an advisory lock so that
 * several processes starting together do not race. Returns the names applied.
 */
export async function migrate(sql: Sql, log: (msg: string) => void = () => {}): Promise<string[]> {
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('reports-module-migrations'))`;
    await tx`create schema if not exists reports`;
    await tx`create table if not exists reports.schema_migrations (
      name text primary key, applied_at timestamptz not null default now())`;
    const done = new Set((await tx<{ name: string }[]>`select name from reports.schema_migrations`).map((r) => r.name));
    for (const file of migrationFiles()) {
      if (done.has(file)) continue;
      if (file === PLATFORM_MIGRATION && (await platformTablesExist(tx as unknown as Sql))) {
        log(`migration ${file}: platform tables already exist, left as they are`);
      } else {
        log(`migration ${file}: applying`);
        await tx.unsafe(readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8'));
      }
      await tx`insert into reports.schema_migrations (name) values (${file})`;
      applied.push(file);
    }
  });
  return applied;
}

/** With MIGRATE=false: refuse to run against a schema that is behind the code. */
export async function pendingMigrations(sql: Sql): Promise<string[]> {
  const [{ exists }] = await sql<{ exists: boolean }[]>`
    select to_regclass('reports.schema_migrations') is not null as exists`;
  if (!exists) return migrationFiles();
  const done = new Set((await sql<{ name: string }[]>`select name from reports.schema_migrations`).map((r) => r.name));
  return migrationFiles().filter((f) => !done.has(f));
}

async function platformTablesExist(sql: Sql): Promise<boolean> {
  const [{ exists }] = await sql<{ exists: boolean }[]>`select to_regclass('public.companies') is not null as exists`;
  return exists;
}
