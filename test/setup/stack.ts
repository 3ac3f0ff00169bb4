// The module on real services for one test file: a fresh database, a worker on its own task queue, the API on a free port.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../src/api/app';
import { signToken } from '../../src/api/auth';
import type { Sql } from '../../src/db/connection';
import { GcsStorage, LocalStorage, ensureBucket } from '../../src/storage';
import type { ReportStorage } from '../../src/storage/storage';
import { ReportWorkflows } from '../../src/temporal/client';
import { bundleWorkflows, createReportWorker } from '../../src/temporal/worker';
import { createTestDatabase, testServices } from './services';

export interface Stack {
  baseUrl: string;
  sql: Sql;
  storage: ReportStorage;
  workflows: ReportWorkflows;
  jwtSecret: string;
  tokenFor(user: { id: number; companyId: number }): string;
  api(pathname: string, init?: RequestInit & { token?: string }): Promise<Response>;
  waitForReport(id: string, token: string, timeoutMs?: number): Promise<Record<string, any>>;
  stop(): Promise<void>;
}

let bundle: Promise<{ code: string }> | undefined;

export async function startStack(options: { storage?: 'local' | 'gcs'; partBytes?: number } = {}): Promise<Stack> {
  const services = testServices();
  const db = await createTestDatabase();
  const jwtSecret = randomUUID();
  const taskQueue = `reports-test-${randomUUID()}`;
  const filesDir = mkdtempSync(path.join(os.tmpdir(), 'reports-files-'));

  // Listen first: local download links need the server's URL.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  let storage: ReportStorage;
  if (options.storage === 'gcs') {
    const gcs = new GcsStorage({ bucket: `reports-${randomUUID()}`, emulatorHost: services.fakeGcsUrl });
    await ensureBucket(gcs);
    storage = gcs;
  } else {
    storage = new LocalStorage({ dir: filesDir, publicUrl: baseUrl, secret: jwtSecret });
  }

  bundle ??= bundleWorkflows();
  const { worker, connection } = await createReportWorker({
    sql: db.sql, storage, address: services.temporalAddress, namespace: services.temporalNamespace, taskQueue,
    workflowBundle: await bundle, partBytes: options.partBytes, chromiumPath: process.env.CHROMIUM_PATH ?? 'chromium',
  });
  const workerDone = worker.run();
  const workflows = await ReportWorkflows.connect({ address: services.temporalAddress, namespace: services.temporalNamespace, taskQueue });
  server.on('request', buildApp({ sql: db.sql, storage, workflows, jwtSecret }));

  const api: Stack['api'] = (pathname, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return fetch(`${baseUrl}${pathname}`, { ...init, headers, redirect: 'manual' });
  };

  return {
    baseUrl, sql: db.sql, storage, workflows, jwtSecret, api,
    tokenFor: (user) => signToken(jwtSecret, user),
    async waitForReport(id, token, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await api(`/api/reports/${id}`, { token });
        const body = (await res.json()) as Record<string, any>;
        if (body.status !== 'PROCESSING') return body;
        if (Date.now() > deadline) throw new Error(`report ${id} still PROCESSING after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      await new Promise((r) => server.close(r));
      server.closeAllConnections();
      await workflows.close();
      worker.shutdown();
      await workerDone;
      await connection.close();
      await db.drop();
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
}
