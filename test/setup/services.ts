// What a test file needs from the services started in global-setup.ts.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { connect, type Sql } from '../../src/db/connection';
import type { TestServices } from './global-setup';

export type { TestServices };

export function testServices(): TestServices {
  return inject('services');
}

export type TestDatabase = { url: string; sql: Sql; drop(): Promise<void> };

/** A fresh database of its own (migrated unless asked otherwise), so tests never see each other's rows. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const services = testServices();
  const name = `test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(services.postgresAdminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`create database ${admin(name)} template ${admin(options.migrated === false ? 'template0' : services.templateDatabase)}`;
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(services.postgresAdminUrl);
  url.pathname = `/${name}`;
  const sql = connect(url.toString());
  return {
    url: url.toString(),
    sql,
    async drop() {
      await sql.end({ timeout: 5 });
      const dropper = postgres(services.postgresAdminUrl, { max: 1, onnotice: () => {} });
      try {
        // `with (force)`: a worker or listener the test forgot to close must not keep the database alive.
        await dropper`drop database if exists ${dropper(name)} with (force)`;
      } finally {
        await dropper.end({ timeout: 5 });
      }
    },
  };
}
