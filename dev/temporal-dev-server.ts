// The Temporal CLI dev server as a child process: the embedded default's workflow engine, and the tests'.
//
// We manage the process ourselves rather than through TestWorkflowEnvironment.createLocal(): the embedded
// default needs a SQLite file and the Web UI, which the test environment does not offer, and one code path
// for `npm start` and the tests means the tests exercise what developers run.
import { spawn } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { freePort, stopWithParent } from './ports';

/** Registered at start so report runs can be filtered in the Web UI (see DESIGN.md). */
export const REPORT_SEARCH_ATTRIBUTES = { ReportType: 'Keyword', CompanyId: 'Int', ReportStatus: 'Keyword' } as const;

export type TemporalDevServer = {
  /** host:port of the frontend gRPC service, e.g. 127.0.0.1:7233 */
  address: string;
  uiUrl?: string;
  namespace: string;
  stop(): Promise<void>;
};

export async function startTemporalDevServer(opts: {
  binary: string;
  /** SQLite file for persistent state; omitted = in memory, lost on stop. */
  dbFile?: string;
  port?: number;
  /** Web UI port; omitted = no UI (--headless). */
  uiPort?: number;
  namespace?: string;
  log?: (m: string) => void;
}): Promise<TemporalDevServer> {
  const namespace = opts.namespace ?? 'default';
  // A port found free can be taken before the server binds it; then try another (unless one was asked for).
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    try {
      return await launch({ ...opts, namespace, port, log: opts.log ?? (() => {}) });
    } catch (err) {
      if (opts.port !== undefined || attempt >= 3 || !/address already in use/i.test(String(err))) throw err;
    }
  }
}

async function launch(opts: {
  binary: string;
  dbFile?: string;
  port: number;
  uiPort?: number;
  namespace: string;
  log: (m: string) => void;
}): Promise<TemporalDevServer> {
  const { namespace, port } = opts;
  const address = `127.0.0.1:${port}`;
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1', // the UI, HTTP API and metrics ports follow --ip
    '--port', String(port),
    ...(opts.uiPort === undefined ? ['--headless'] : ['--ui-port', String(opts.uiPort)]),
    ...(opts.dbFile ? ['--db-filename', opts.dbFile] : []),
    // "default" always exists; naming it again is harmless but noisy.
    ...(namespace === 'default' ? [] : ['--namespace', namespace]),
    ...Object.entries(REPORT_SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
    '--log-level', 'warn',
  ];
  const started = Date.now();
  const child = spawn(opts.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Keep the server's recent output to explain a failed start.
  const recent: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      recent.push(line);
      if (recent.length > 40) recent.shift();
    }
  };
  child.stdout!.on('data', remember);
  child.stderr!.on('data', remember);
  let gone = false;
  // 'error' (could not spawn) may come without 'exit'.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => ((gone = true), resolve()));
    child.once('error', (err) => (recent.push(String(err)), (gone = true), resolve()));
  });
  stopWithParent(child, 'SIGTERM');

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  };

  try {
    await waitUntilReady(address, namespace, () => gone, () => recent.join('\n'));
  } catch (err) {
    await stop();
    throw err;
  }
  const uiUrl = opts.uiPort === undefined ? undefined : `http://127.0.0.1:${opts.uiPort}`;
  opts.log(`Temporal dev server on ${address}${uiUrl ? `, Web UI ${uiUrl}` : ''} (started in ${Date.now() - started} ms)`);
  return { address, uiUrl, namespace, stop };
}

/** Ready = the namespace answers and our search attributes are registered (the CLI adds them after start). */
async function waitUntilReady(address: string, namespace: string, gone: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (gone()) throw new Error(`Temporal dev server exited during start-up:\n${output()}`);
    // lazy(): a connection that fails to connect can still be closed, so no channel is left behind.
    const connection = Connection.lazy({ address, connectTimeout: 1000 });
    try {
      await connection.ensureConnected();
      await connection.workflowService.describeNamespace({ namespace });
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      const missing = Object.keys(REPORT_SEARCH_ATTRIBUTES).filter((k) => !customAttributes?.[k]);
      if (missing.length === 0) return;
      lastError = new Error(`search attributes not registered yet: ${missing.join(', ')}`);
    } catch (err) {
      lastError = err;
    } finally {
      await connection.close().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Temporal dev server not ready on ${address} within 120 s: ${String(lastError)}\n${output()}`);
}
