/**
 * A whole reports deployment of its own for fault tests: its own PostgreSQL cluster, Temporal dev server
 * (SQLite file) and, when asked, fake-gcs-server (filesystem backend) — each restartable on the same port
 * with its state kept — workers as separate processes that can be SIGKILLed or SIGTERMed, and the API in
 * this process. Nothing here touches the services that the other test files share.
 */
import { deriveLinkSigningKey } from '../../src/config';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildApp, keepIdleConnections } from '../../src/api/app';
import { signToken } from '../../src/api/auth';
import { connect, type Sql } from '../../src/db/connection';
import { migrate } from '../../src/db/migrate';
import { seed, type SeedSummary } from '../../dev/seed/seed';
import { startFakeGcs, type FakeGcs } from '../../dev/fake-gcs';
import { startLocalPostgres, type LocalPostgres } from '../../dev/local-postgres';
import { startTemporalDevServer, type TemporalDevServer } from '../../dev/temporal-dev-server';
import { findTool } from '../../dev/tools';
import { GcsStorage, LocalStorage, ensureBucket } from '../../src/storage';
import type { ReportStorage } from '../../src/storage/storage';
import { ReportWorkflows } from '../../src/temporal/client';

const ROOT = path.resolve(__dirname, '..', '..');
// tsx as a loader of this very process: the `tsx` command would run the worker in a child process, and a
// SIGKILL or SIGSTOP sent to the command would miss it.
const TSX_LOADER = ['--require', require.resolve('tsx/preflight'), '--import', pathToFileURL(require.resolve('tsx')).href];
const TASK_QUEUE = 'reports';

/** The fixed history every fault test exports: one company, ≥ 200,000 messages within one 31-day range. */
export const FAULT_DATA = { companies: 1, messages: 200_000, seed: 20261031, days: 28, now: new Date('2026-10-31T15:00:00Z') };
/** Histórico de Atendimento over the whole history above (31 days, the report's maximum). */
export const BIG_REPORT = { type: 'service_history', filters: { from: '2026-10-01', to: '2026-10-31' } } as const;

export interface LogLine {
  time: string;
  msg: string;
  level: string;
  [field: string]: unknown;
}

export interface WorkerProcess {
  name: string;
  pid: number;
  logs: LogLine[];
  /** stderr and non-JSON output, for failure messages. */
  output(): string;
  signal(signal: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
}

export interface FaultHarness {
  sql: Sql;
  storage: ReportStorage;
  storageKind: 'local' | 'gcs';
  filesDir: string;
  baseUrl: string;
  workflows: ReportWorkflows;
  data: SeedSummary;
  admin: { id: number; companyId: number };
  token: string;
  workers: WorkerProcess[];
  startWorker(name: string, env?: Record<string, string>): Promise<WorkerProcess>;
  api(pathname: string, init?: RequestInit & { token?: string }): Promise<Response>;
  requestReport(body?: { type: string; filters: Record<string, unknown>; format?: string }): Promise<string>;
  waitForReport(id: string, timeoutMs?: number): Promise<Record<string, any>>;
  download(id: string): Promise<Buffer>;
  record(id: string): Promise<{ status: string; progressRows: number; progressTotal: number | null; objectKey: string | null; errorMessage: string | null }>;
  /** Waits until the export of `id` has stored parts holding at least `rows` rows, and is not finished. */
  waitForProgress(id: string, rows: number, timeoutMs?: number): Promise<number>;
  /** The export's pending activity as Temporal sees it: attempt and the checkpoint of its last heartbeat. */
  pendingExport(id: string): Promise<{ attempt: number; heartbeat: { parts: number; rows: number } | null } | null>;
  /** Object keys in storage under `prefix` (the whole store by default). */
  listObjects(prefix?: string): Promise<string[]>;
  /** Local storage: every file under the files folder (temporaries included), as keys. */
  listObjectsSync(): string[];
  postgres: { url: string; stop(): Promise<void>; start(): Promise<void> };
  temporal: { address: string; stop(): Promise<void>; start(): Promise<void> };
  gcs?: { url: string; stop(): Promise<void>; start(): Promise<void> };
  /** Local storage only: writes to the files folder fail (EPERM) until `storageWritable()`. */
  storageUnwritable(): void;
  storageWritable(): void;
  stop(): Promise<void>;
}

export interface FaultHarnessOptions {
  storage: 'local' | 'gcs';
  /** Environment of every worker process (EXPORT_PART_BYTES, EXPORT_MAX_ATTEMPTS, LOG_LEVEL, ...). */
  workerEnv?: Record<string, string>;
  log?: (m: string) => void;
}

export async function startFaultHarness(options: FaultHarnessOptions): Promise<FaultHarness> {
  const log = options.log ?? ((m: string) => console.log(`[faults] ${m}`));
  const stops: (() => Promise<unknown>)[] = [];
  const root = mkdtempSync(path.join(os.tmpdir(), 'reports-faults-'));
  // Its own mkdtemp folder: local-postgres hands it to the postgres user, who cannot enter `root`.
  const pgDir = mkdtempSync(path.join(os.tmpdir(), 'reports-faults-pg-'));
  const filesDir = path.join(root, 'files');
  mkdirSync(filesDir);
  const cleanupDirs = () => {
    storageWritableNow(filesDir);
    rmSync(root, { recursive: true, force: true });
    rmSync(pgDir, { recursive: true, force: true });
  };

  try {
    const [temporalBinary, fakeGcsBinary] = [await findTool('temporal', log), await findTool('fake-gcs-server', log)];

    // PostgreSQL: the same data folder and port on every start.
    let pg: LocalPostgres = await startLocalPostgres({ dataDir: pgDir, fast: true, log });
    const pgPort = pg.port;
    stops.push(() => pg.stop());
    const databaseUrl = await pg.createDatabase('reports');
    const postgres = {
      url: databaseUrl,
      stop: () => pg.stop(),
      async start() {
        pg = await startLocalPostgres({ dataDir: pgDir, port: pgPort, fast: true, log });
      },
    };

    // Temporal: the same SQLite file and port on every start.
    const temporalDb = path.join(root, 'temporal.sqlite');
    let temporalServer: TemporalDevServer = await startTemporalDevServer({ binary: temporalBinary, dbFile: temporalDb, log });
    const temporalPort = Number(temporalServer.address.split(':').pop());
    stops.push(() => temporalServer.stop());
    const temporal = {
      address: temporalServer.address,
      stop: () => temporalServer.stop(),
      async start() {
        temporalServer = await startTemporalDevServer({ binary: temporalBinary, dbFile: temporalDb, port: temporalPort, log });
      },
    };

    let gcs: FaultHarness['gcs'];
    const bucket = `reports-faults-${randomUUID().slice(0, 8)}`;
    if (options.storage === 'gcs') {
      const gcsDir = path.join(root, 'gcs');
      mkdirSync(gcsDir);
      let emulator: FakeGcs = await startFakeGcs({ binary: fakeGcsBinary, dataDir: gcsDir });
      const gcsPort = emulator.port;
      stops.push(() => emulator.stop());
      gcs = {
        url: emulator.url,
        stop: () => emulator.stop(),
        async start() {
          emulator = await startFakeGcs({ binary: fakeGcsBinary, dataDir: gcsDir, port: gcsPort });
        },
      };
    }

    const sql = connect(databaseUrl, { max: 4 });
    stops.push(() => sql.end({ timeout: 5 }));
    await migrate(sql);
    const seeded = Date.now();
    const data = await seed(sql, FAULT_DATA);
    log(`seeded ${data.counts.messages} messages in ${Date.now() - seeded} ms`);
    const company = data.companies[0];
    const admin = { id: company.adminUserId, companyId: company.id };

    const jwtSecret = randomUUID();
    const server = createServer();
    keepIdleConnections(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    stops.push(async () => {
      await new Promise((r) => server.close(r));
      server.closeAllConnections();
    });

    let storage: ReportStorage;
    const storageEnv: Record<string, string> = {};
    if (gcs) {
      const client = new GcsStorage({ bucket, emulatorHost: gcs.url });
      await ensureBucket(client);
      storage = client;
      Object.assign(storageEnv, { STORAGE: 'gcs', GCS_BUCKET: bucket, STORAGE_EMULATOR_HOST: gcs.url });
    } else {
      storage = new LocalStorage({ dir: filesDir, publicUrl: baseUrl, secret: deriveLinkSigningKey(jwtSecret) });
      Object.assign(storageEnv, { STORAGE: 'local', LOCAL_STORAGE_DIR: filesDir });
    }

    const workflows = await ReportWorkflows.connect({ address: temporal.address, namespace: 'default', taskQueue: TASK_QUEUE });
    stops.push(() => workflows.close());
    server.on('request', buildApp({ sql, storage, workflows, jwtSecret }));
    const token = signToken(jwtSecret, admin);

    const workers: WorkerProcess[] = [];
    stops.push(async () => {
      for (const w of workers) if (w.running()) w.signal('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
    });

    const api: FaultHarness['api'] = (pathname, init = {}) => {
      const headers = new Headers(init.headers);
      if (init.token) headers.set('authorization', `Bearer ${init.token}`);
      if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return fetch(`${baseUrl}${pathname}`, { ...init, headers, redirect: 'manual' });
    };

    const record: FaultHarness['record'] = async (id) => {
      const [row] = await sql<Awaited<ReturnType<FaultHarness['record']>>[]>`
        select status, progress_rows as "progressRows", progress_total as "progressTotal", object_key as "objectKey",
               error_message as "errorMessage"
        from reports.reports where id = ${id}`;
      if (!row) throw new Error(`report ${id} has no record`);
      return row;
    };

    const harness: FaultHarness = {
      sql, storage, storageKind: options.storage, filesDir, baseUrl, workflows, data, admin, token, workers,
      postgres, temporal, gcs, api, record,

      async startWorker(name, env = {}) {
        const worker = spawnWorker(name, {
          DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: TASK_QUEUE,
          JWT_SECRET: jwtSecret, LOG_LEVEL: 'debug', MIGRATE: 'false', ...storageEnv, ...options.workerEnv, ...env,
        });
        workers.push(worker);
        await waitForLog(worker, (l) => l.msg === 'worker polling', 120_000);
        return worker;
      },

      async requestReport(body = BIG_REPORT) {
        const res = await api('/api/reports', { method: 'POST', token, body: JSON.stringify(body) });
        if (res.status !== 202) throw new Error(`POST /api/reports answered ${res.status}: ${await res.text()}`);
        return ((await res.json()) as { id: string }).id;
      },

      async waitForReport(id, timeoutMs = 300_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          // Straight from the record: the API may be unable to answer while PostgreSQL restarts.
          const row = await record(id).catch(() => null);
          if (row && row.status !== 'PROCESSING') {
            const res = await api(`/api/reports/${id}`, { token });
            return (await res.json()) as Record<string, any>;
          }
          if (Date.now() > deadline) throw new Error(`report ${id} still PROCESSING after ${timeoutMs} ms\n${workers.map(describeWorker).join('\n')}`);
          await sleep(200);
        }
      },

      async download(id) {
        const res = await api(`/api/reports/${id}/download`, { token });
        if (res.status !== 302) throw new Error(`download of ${id} answered ${res.status}: ${await res.text()}`);
        const file = await fetch(res.headers.get('location')!);
        if (file.status !== 200) throw new Error(`signed link answered ${file.status}`);
        return Buffer.from(await file.arrayBuffer());
      },

      async waitForProgress(id, rows, timeoutMs = 120_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const row = await record(id);
          if (row.objectKey !== null || row.status !== 'PROCESSING') {
            throw new Error(`report ${id} finished (${row.status}) before reaching ${rows} rows of progress`);
          }
          if (row.progressRows >= rows) return row.progressRows;
          if (Date.now() > deadline) throw new Error(`report ${id} did not reach ${rows} rows within ${timeoutMs} ms`);
          await sleep(10);
        }
      },

      async pendingExport(id) {
        const description = await workflows.client.workflow.getHandle(`report-${id}`).describe();
        const activity = description.raw.pendingActivities?.[0];
        if (!activity) return null;
        const payload = activity.heartbeatDetails?.payloads?.[0]?.data;
        const heartbeat = payload ? (JSON.parse(Buffer.from(payload).toString('utf8')) as { parts: number; rows: number }) : null;
        return { attempt: activity.attempt ?? 0, heartbeat };
      },

      async listObjects(prefix) {
        if (storage instanceof GcsStorage) {
          const [files] = await storage.bucket.getFiles(prefix ? { prefix } : {});
          return files.map((f) => f.name).sort();
        }
        return listFiles(filesDir).filter((k) => !prefix || k.startsWith(prefix));
      },

      listObjectsSync() {
        return listFiles(filesDir);
      },

      storageUnwritable() {
        storageUnwritableNow(filesDir);
      },
      storageWritable() {
        storageWritableNow(filesDir);
      },

      async stop() {
        for (const stop of stops.reverse()) await stop().catch((err) => log(`stop: ${String(err)}`));
        cleanupDirs();
      },
    };
    return harness;
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    cleanupDirs();
    throw err;
  }
}

function spawnWorker(name: string, env: Record<string, string>): WorkerProcess {
  const child: ChildProcess = spawn(process.execPath, [...TSX_LOADER, path.join(ROOT, 'src', 'worker.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let other = '';
  const lines = (onLine: (line: string) => void) => {
    let rest = '';
    return (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop()!;
      parts.forEach(onLine);
    };
  };
  const onLine = (line: string) => {
    if (line.startsWith('{')) {
      try {
        logs.push(JSON.parse(line) as LogLine);
        return;
      } catch {
        // not one of ours
      }
    }
    other = (other + line + '\n').slice(-16_384);
  };
  child.stdout!.on('data', lines(onLine));
  child.stderr!.on('data', lines(onLine));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  // A test process that dies must not leave its workers polling.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  return {
    name,
    pid: child.pid!,
    logs,
    output: () => other,
    signal: (signal) => void child.kill(signal),
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
  };
}

export async function waitForLog(worker: WorkerProcess, match: (l: LogLine) => boolean, timeoutMs = 60_000): Promise<LogLine> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = worker.logs.find(match);
    if (found) return found;
    if (!worker.running()) throw new Error(`worker ${worker.name} exited before the expected log line\n${describeWorker(worker)}`);
    if (Date.now() > deadline) throw new Error(`worker ${worker.name}: expected log line not seen in ${timeoutMs} ms\n${describeWorker(worker)}`);
    await sleep(50);
  }
}

export function describeWorker(w: WorkerProcess): string {
  return `--- worker ${w.name} (pid ${w.pid}) ---\n${w.logs.slice(-20).map((l) => JSON.stringify(l)).join('\n')}\n${w.output().slice(-4000)}`;
}

/** Log lines of one report's export, from every worker, in the order they were written. */
export function exportLog(workers: WorkerProcess[], reportId: string): (LogLine & { worker: string })[] {
  return workers
    .flatMap((w) => w.logs.filter((l) => l.reportId === reportId).map((l) => ({ ...l, worker: w.name })))
    .sort((a, b) => a.time.localeCompare(b.time));
}

/** The worker's exit, or an error showing its last output if it is still running after `timeoutMs`. */
export async function exitOf(worker: WorkerProcess, timeoutMs = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`worker ${worker.name} still running ${timeoutMs} ms later\n${describeWorker(worker)}`)), timeoutMs);
  });
  try {
    return await Promise.race([worker.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function listFiles(dir: string): string[] {
  const out = spawnSync('find', [dir, '-type', 'f', '-printf', '%P\\n'], { encoding: 'utf8' });
  return out.stdout.split('\n').filter(Boolean).sort();
}

/**
 * Root ignores permission bits, so as root the folder tree is made immutable (`chattr +i`: no file may
 * be created, renamed or removed in it, even by root); otherwise its permission bits are cleared.
 */
function storageUnwritableNow(dir: string): void {
  if (process.getuid?.() === 0) {
    const res = spawnSync('chattr', ['-R', '+i', dir], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`chattr +i ${dir} failed (needs ext4/xfs/btrfs and CAP_LINUX_IMMUTABLE): ${res.stderr}`);
  } else {
    spawnSync('chmod', ['-R', 'a-w', dir]);
  }
  // Prove it: a write that succeeds would make the test prove nothing.
  const probe = path.join(dir, `.probe-${randomUUID()}`);
  try {
    writeFileSync(probe, 'x');
  } catch {
    return;
  }
  rmSync(probe, { force: true });
  storageWritableNow(dir);
  throw new Error(`could not make ${dir} unwritable`);
}

function storageWritableNow(dir: string): void {
  if (process.getuid?.() === 0) spawnSync('chattr', ['-R', '-i', dir]);
  else {
    try {
      chmodSync(dir, 0o755);
      spawnSync('chmod', ['-R', 'u+w', dir]);
    } catch {
      // gone already
    }
  }
}
