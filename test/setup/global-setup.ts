// Starts the real services once per `vitest run`: PostgreSQL, the Temporal dev server and fake-gcs-server.
// Test files run in forked processes, so they learn the addresses through `provide`/`inject`, not process.env.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { connect } from '../../src/db/connection';
import { migrate } from '../../src/db/migrate';
import { startFakeGcs } from '../../dev/fake-gcs';
import { startLocalPostgres } from '../../dev/local-postgres';
import { startTemporalDevServer } from '../../dev/temporal-dev-server';
import { findTool } from '../../dev/tools';

export type TestServices = {
  /** Superuser URL of the test cluster's `postgres` database; create test databases through it. */
  postgresAdminUrl: string;
  /** Migrated once here; each test database is a copy (`create database … template …`). */
  templateDatabase: 'reports_template';
  temporalAddress: string;
  temporalNamespace: string;
  fakeGcsUrl: string;
};

declare module 'vitest' {
  export interface ProvidedContext {
    services: TestServices;
  }
}

const TEMPLATE = 'reports_template';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (m: string) => console.log(`[test services] ${m}`);
  const [temporalBinary, fakeGcsBinary] = [await findTool('temporal', log), await findTool('fake-gcs-server', log)];
  // Its own temp dir: a fresh mkdtemp dir is empty, so it is initialised and handed to the postgres user as is.
  const pgDir = mkdtempSync(path.join(os.tmpdir(), 'reports-test-pg-'));

  const results = await Promise.allSettled([
    startLocalPostgres({ dataDir: pgDir, fast: true, log }),
    startTemporalDevServer({ binary: temporalBinary, log }),
    startFakeGcs({ binary: fakeGcsBinary }),
  ] as const);
  const running = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const teardown = async () => {
    await Promise.allSettled(running.map((s) => s.stop()));
    rmSync(pgDir, { recursive: true, force: true });
  };
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await teardown();
    throw failed.reason;
  }
  const [pg, temporal, gcs] = results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
    Awaited<ReturnType<typeof startLocalPostgres>>,
    Awaited<ReturnType<typeof startTemporalDevServer>>,
    Awaited<ReturnType<typeof startFakeGcs>>,
  ];

  try {
    const templateUrl = await pg.createDatabase(TEMPLATE);
    const sql = connect(templateUrl, { max: 1 });
    try {
      await migrate(sql);
    } finally {
      // A template with open connections cannot be copied.
      await sql.end({ timeout: 5 });
    }
  } catch (err) {
    await teardown();
    throw err;
  }

  project.provide('services', {
    postgresAdminUrl: pg.url,
    templateDatabase: TEMPLATE,
    temporalAddress: temporal.address,
    temporalNamespace: temporal.namespace,
    fakeGcsUrl: gcs.url,
  });
  return teardown;
}
