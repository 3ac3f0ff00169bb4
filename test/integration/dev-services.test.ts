// The test harness itself: if these fail, every other integration test's failure means nothing.
import { Connection } from '@temporalio/client';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationFiles } from '../../src/db/migrate';
import { REPORT_SEARCH_ATTRIBUTES } from '../../dev/temporal-dev-server';
import { createTestDatabase, testServices, type TestDatabase } from '../setup/services';

const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
});

async function newDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  databases.push(db);
  return db;
}

describe('test services', () => {
  it('when a test database is created, then it has the platform tables and every migration recorded', async () => {
    const { sql } = await newDatabase();
    const tables = await sql<{ name: string }[]>`
      select table_schema || '.' || table_name as name from information_schema.tables
      where table_schema in ('public', 'reports')`;
    const names = tables.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['public.companies', 'public.tickets', 'public.messages', 'reports.schema_migrations']));
    const applied = await sql<{ name: string }[]>`select name from reports.schema_migrations order by name`;
    expect(applied.map((r) => r.name)).toEqual(migrationFiles());
  });

  it('when two test databases are created, then rows written in one do not appear in the other', async () => {
    const [a, b] = await Promise.all([newDatabase(), newDatabase()]);
    expect(a.url).not.toEqual(b.url);
    await a.sql`create table harness_probe (id int)`;
    await a.sql`insert into harness_probe values (1)`;
    const [{ exists }] = await b.sql<{ exists: boolean }[]>`select to_regclass('harness_probe') is not null as exists`;
    expect(exists).toBe(false);
  });

  it('when a test database is dropped, then it is gone from the cluster', async () => {
    const db = await createTestDatabase();
    const name = new URL(db.url).pathname.slice(1);
    await db.drop();
    const admin = postgres(testServices().postgresAdminUrl, { max: 1 });
    try {
      const rows = await admin`select 1 from pg_database where datname = ${name}`;
      expect(rows).toHaveLength(0);
    } finally {
      await admin.end();
    }
  });

  it('when asked, then the Temporal dev server has the report search attributes registered', async () => {
    const { temporalAddress, temporalNamespace } = testServices();
    expect(temporalAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    const connection = await Connection.connect({ address: temporalAddress });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: temporalNamespace });
      expect(customAttributes).toMatchObject({
        // Enum values of temporal.api.enums.v1.IndexedValueType.
        ReportType: 2, // KEYWORD
        CompanyId: 3, // INT
        ReportStatus: 2, // KEYWORD
      });
      expect(Object.keys(REPORT_SEARCH_ATTRIBUTES).sort()).toEqual(['CompanyId', 'ReportStatus', 'ReportType']);
    } finally {
      await connection.close();
    }
  });

  it('when asked for buckets, then fake-gcs-server answers on loopback', async () => {
    const { fakeGcsUrl } = testServices();
    expect(fakeGcsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${fakeGcsUrl}/storage/v1/b`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: 'storage#buckets' });
  });
});
