// Tenant isolation fails closed: every platform table is shadowed by the prelude, and a report query that
// names a table the prelude does not know gets an error — never another company's rows.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerReport } from '../../src/reports';
import { defineReport } from '../../src/reports/definition';
import { SCOPED_TABLES } from '../../src/reports/query';
import { ReportsApi, useCompany, useStack } from '../setup/reports-api';

const PLATFORM_MIGRATION = path.join(__dirname, '../../src/db/migrations/001_platform_schema.sql');

/** Report types that read what they should not: registered for this file only. */
function unscopedReport(type: string, sql: string) {
  return defineReport<Record<string, never>>({
    type, name: type, description: 'test', category: 'Gestão de Tickets', format: 'csv',
    filters: z.object({}).strict() as z.ZodType<Record<string, never>>,
    filterLabels: {}, valueLabels: {}, example: () => ({}),
    fileName: () => `${type}.csv`,
    columns: ['Nota'],
    columnKinds: { Nota: 'text' },
    query: () => ({ kind: 'whole', sql }),
  });
}

describe('the tenant prelude', () => {
  const stack = useStack();
  const a = useCompany(stack, 'Alfa');
  const b = useCompany(stack, 'Beta');

  beforeAll(async () => {
    // A platform table added after the prelude was written, holding both companies' rows.
    await stack.sql`create table public.unlisted_notes (company_id bigint not null, note text not null)`;
    await stack.sql`insert into public.unlisted_notes values (${a.id}, 'NOTA-DA-ALFA'), (${b.id}, 'NOTA-DA-BETA')`;
    registerReport(unscopedReport('reads_unlisted_table', 'select note from unlisted_notes order by note'));
    registerReport(unscopedReport('reads_qualified_table', 'select name from public.users order by name'));
    registerReport(unscopedReport('reads_scoped_table', 'select name from users order by name'));
  }, 120_000);

  it('when compared with the platform migration, then every platform table is in the prelude, and nothing else', () => {
    const tables = [...readFileSync(PLATFORM_MIGRATION, 'utf8').matchAll(/^\s*create table\s+(?:public\.)?(\w+)/gim)].map((m) => m[1]);
    expect(tables.length).toBeGreaterThanOrEqual(16);
    expect([...SCOPED_TABLES].sort()).toEqual([...tables].sort());
  });

  it('when a report query names a table missing from the prelude, then the report ends in ERROR and its file never exists', async () => {
    const token = stack.tokenFor({ id: b.admin, companyId: b.id });
    const id = await new ReportsApi(stack, token).request('reads_unlisted_table', {});
    const report = await stack.waitForReport(id, token);
    expect(report.status).toBe('ERROR');
    expect(report.error.message).not.toMatch(/NOTA/);
    expect((await stack.api(`/api/reports/${id}/download`, { token })).status).toBe(409);
    const [row] = await stack.sql<{ objectKey: string | null }[]>`select object_key as "objectKey" from reports.reports where id = ${id}`;
    expect(row.objectKey).toBeNull();
  });

  it('when a report query names a platform table with its schema, then it is refused too', async () => {
    const token = stack.tokenFor({ id: b.admin, companyId: b.id });
    const id = await new ReportsApi(stack, token).request('reads_qualified_table', {});
    expect((await stack.waitForReport(id, token)).status).toBe('ERROR');
  });

  it('when the same kind of query names a shadowed table, then it reads the caller\'s rows only (the control)', async () => {
    const token = stack.tokenFor({ id: b.admin, companyId: b.id });
    const id = await new ReportsApi(stack, token).request('reads_scoped_table', {});
    expect((await stack.waitForReport(id, token)).status).toBe('READY');
    const file = (await new ReportsApi(stack, token).download(id)).toString('utf8');
    expect(file).toContain('Admin Beta');
    expect(file).not.toContain('Alfa');
  });
});
