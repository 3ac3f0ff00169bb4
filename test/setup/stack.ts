// The module on real services for one test file: a fresh database, a worker on its own task queue, the API on a free port.
import { deriveLinkSigningKey } from '../../src/config';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildApp, keepIdleConnections } from '../../src/api/app';
import { demoLoginRoutes } from '../../dev/demo-login-routes';
import { signToken } from '../../src/api/auth';
import { ReportEventHub, type ReportEventHubOptions } from '../../src/api/report-events';
import { freePort } from '../../dev/ports';
import { connect, type Sql } from '../../src/db/connection';
import { GcsStorage, LocalStorage, ensureBucket } from '../../src/storage';
import type { ReportStorage } from '../../src/storage/storage';
import { ReportWorkflows } from '../../src/temporal/client';
import { ensureRetentionSchedule } from '../../src/temporal/schedules';
import { bundleWorkflows, createReportWorker } from '../../src/temporal/worker';
import { createTestDatabase, testServices } from './services';
import { until } from './until';
import type { AddressRules } from '../../src/delivery/address-rules';
import type { MailSettings } from '../../src/delivery/mail-sender';

export interface StackOptions {
  storage?: 'local' | 'gcs';
  /** The worker's Chromium (default: CHROMIUM_PATH, else `chromium` on PATH); a missing one makes PDFs fail. */
  chromiumPath?: string;
  partBytes?: number;
  /** The most rows in one range of a split export (small, to see many ranges). */
  rangeRows?: number;
  /** Bytes a range read ahead may hold (tiny, to see ranges given up and read again in their turn). */
  aheadBytes?: number;
  /** Data rows per workbook sheet (small, to see continuation sheets). */
  workbookRowsPerSheet?: number;
  /** Create the retention Schedule on this stack's task queue, running this often (deleted at stop). */
  retention?: { intervalMs: number };
  /** How long finished reports' links and files live (24 h by default). */
  linkLifetimeSeconds?: number;
  maxProcessingPerCompany?: number;
  /** What the worker writes through (e.g. a slowed or gated storage); the API keeps the plain one. */
  wrapWorkerStorage?: (storage: ReportStorage) => ReportStorage;
  events?: ReportEventHubOptions;
  /** Mount the dev-only demo login routes (the reports page's "Entrar como"). */
  demoLogin?: boolean;
  /** Webhook address rules of the API (at registration) and of the worker (at every send), and the waits between attempts. */
  /** EXPORT_MAX_ATTEMPTS of the worker (10 by default). */
  maxAttempts?: number;
  /** Where the worker sends schedules' mails (a Mailpit or smtp-server started by the test). */
  mail?: MailSettings;
  /** Seconds a scheduled run waits at the company's processing limit before asking again (30 by default). */
  scheduleLimitWaitSeconds?: number;
  delivery?: { apiRules?: AddressRules; workerRules?: AddressRules; retryDelaysSeconds?: number[] };
  /** The worker's activity slots on the task queue and on its heavy queue (WORKER_ACTIVITY_SLOTS, WORKER_HEAVY_SLOTS). */
  activitySlots?: number;
  heavySlots?: number;
  /** HEAVY_REPORT_DAYS of the API (7 by default). */
  heavyReportDays?: number;
}

/** Another API process (`src/server.ts`, a real OS process) on the stack's database, Temporal and storage. */
export interface ApiProcess {
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

export interface Stack {
  baseUrl: string;
  taskQueue: string;
  /** The retention Schedule's id when `retention` was asked for. */
  retentionScheduleId?: string;
  sql: Sql;
  storage: ReportStorage;
  workflows: ReportWorkflows;
  jwtSecret: string;
  /** The in-process API's event hub (its open streams, for tests of the event stream). */
  events: ReportEventHub;
  tokenFor(user: { id: number; companyId: number }, ttlSeconds?: number): string;
  api(pathname: string, init?: RequestInit & { token?: string }): Promise<Response>;
  waitForReport(id: string, token: string, timeoutMs?: number): Promise<Record<string, any>>;
  startApiProcess(): Promise<ApiProcess>;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '..', '..');
const TSX_LOADER = ['--require', require.resolve('tsx/preflight'), '--import', pathToFileURL(require.resolve('tsx')).href];

let bundle: Promise<{ code: string }> | undefined;

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const services = testServices();
  const db = await createTestDatabase();
  const jwtSecret = randomUUID();
  const taskQueue = `reports-test-${randomUUID()}`;
  const filesDir = mkdtempSync(path.join(os.tmpdir(), 'reports-files-'));

  // Listen first: local download links need the server's URL.
  const server = createServer();
  keepIdleConnections(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  let storage: ReportStorage;
  const bucket = `reports-${randomUUID()}`;
  if (options.storage === 'gcs') {
    const gcs = new GcsStorage({ bucket, emulatorHost: services.fakeGcsUrl });
    await ensureBucket(gcs);
    storage = gcs;
  } else {
    storage = new LocalStorage({ dir: filesDir, publicUrl: baseUrl, secret: deriveLinkSigningKey(jwtSecret) });
  }

  bundle ??= bundleWorkflows();
  // The worker has a pool of its own, as in production (its own process): exports that wait on PostgreSQL
  // cannot starve the API's connections.
  const workerSql = connect(db.url);
  const { worker, connection } = await createReportWorker({
    sql: workerSql, storage: options.wrapWorkerStorage?.(storage) ?? storage, address: services.temporalAddress,
    namespace: services.temporalNamespace, taskQueue, workflowBundle: await bundle, partBytes: options.partBytes,
    chromiumPath: options.chromiumPath ?? process.env.CHROMIUM_PATH ?? 'chromium', linkLifetimeSeconds: options.linkLifetimeSeconds,
    workbookRowsPerSheet: options.workbookRowsPerSheet,
    webhookRules: options.delivery?.workerRules, retryDelaysSeconds: options.delivery?.retryDelaysSeconds,
    maxProcessingPerCompany: options.maxProcessingPerCompany, scheduleLimitWaitSeconds: options.scheduleLimitWaitSeconds, mail: options.mail,
    maxAttempts: options.maxAttempts, heavyReportDays: options.heavyReportDays, rangeRows: options.rangeRows, aheadBytes: options.aheadBytes,
    maxConcurrentActivityTaskExecutions: options.activitySlots, heavy: { maxConcurrentActivityTaskExecutions: options.heavySlots },
  });
  const workerDone = worker.run();
  const workflows = await ReportWorkflows.connect({ address: services.temporalAddress, namespace: services.temporalNamespace, taskQueue });
  const events = new ReportEventHub(db.sql, options.events);
  server.on('request', buildApp({
    sql: db.sql, storage, workflows, jwtSecret, events, maxProcessingPerCompany: options.maxProcessingPerCompany,
    heavyReportDays: options.heavyReportDays,
    demoLogin: options.demoLogin ? demoLoginRoutes({ sql: db.sql, jwtSecret }) : undefined,
    delivery: options.delivery && {
      rules: options.delivery.apiRules ?? { allowPrivate: true, httpsOnly: false },
      retryDelaysSeconds: options.delivery.retryDelaysSeconds ?? [1, 1],
    },
  }));
  const retentionScheduleId = options.retention
    ? (await ensureRetentionSchedule(workflows.client, { taskQueue, intervalMs: options.retention.intervalMs })).scheduleId
    : undefined;
  const apiProcesses = new Set<ApiProcess>();

  const startApiProcess = async (): Promise<ApiProcess> => {
    const port = await freePort();
    const env: Record<string, string> = {
      DATABASE_URL: db.url, TEMPORAL_ADDRESS: services.temporalAddress, TEMPORAL_NAMESPACE: services.temporalNamespace,
      TEMPORAL_TASK_QUEUE: taskQueue, JWT_SECRET: jwtSecret, HOST: '127.0.0.1', PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'warn',
      MAX_PROCESSING_PER_COMPANY: String(options.maxProcessingPerCompany ?? 5),
      ...(options.storage === 'gcs'
        ? { STORAGE: 'gcs', GCS_BUCKET: bucket, STORAGE_EMULATOR_HOST: services.fakeGcsUrl }
        : { STORAGE: 'local', LOCAL_STORAGE_DIR: filesDir }),
    };
    const child = spawn(process.execPath, [...TSX_LOADER, path.join(ROOT, 'src', 'server.ts')], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...env }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const baseUrl = `http://127.0.0.1:${port}`;
    for (const deadline = Date.now() + 60_000; ; ) {
      if (child.exitCode !== null) throw new Error(`API process exited (${child.exitCode}): ${stderr}`);
      const up = await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false);
      if (up) break;
      if (Date.now() > deadline) throw new Error(`API process did not answer on ${baseUrl}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const api: ApiProcess = {
      baseUrl, pid: child.pid!,
      async stop() {
        apiProcesses.delete(api);
        if (child.exitCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
    apiProcesses.add(api);
    return api;
  };

  const api: Stack['api'] = (pathname, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return fetch(`${baseUrl}${pathname}`, { ...init, headers, redirect: 'manual' });
  };

  return {
    baseUrl, taskQueue, retentionScheduleId, sql: db.sql, storage, workflows, jwtSecret, api, startApiProcess,
    events,
    tokenFor: (user, ttlSeconds) => signToken(jwtSecret, user, ttlSeconds),
    waitForReport(id, token, timeoutMs = 60_000) {
      return until(`report ${id} to leave PROCESSING`, async () => {
        const body = (await (await api(`/api/reports/${id}`, { token })).json()) as Record<string, any>;
        return body.status !== 'PROCESSING' && body;
      }, timeoutMs, 100);
    },
    async stop() {
      await Promise.all([...apiProcesses].map((p) => p.stop()));
      await events.stop();
      const closed = new Promise((r) => server.close(r));
      server.closeAllConnections();
      await closed;
      if (retentionScheduleId) await workflows.client.schedule.getHandle(retentionScheduleId).delete().catch(() => {});
      await workflows.close();
      worker.shutdown();
      await workerDone;
      await connection.close();
      await workerSql.end({ timeout: 5 });
      await db.drop();
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
}
