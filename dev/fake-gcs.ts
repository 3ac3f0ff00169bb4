/**
 * Starts the real `fake-gcs-server` emulator (a Go binary built by the project's setup) for dev runs
 * and tests. It listens on 127.0.0.1 only, on a free port, and is killed when the process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export type FakeGcs = { url: string; port: number; stop(): Promise<void> };

export type FakeGcsOptions = {
  /** Path to the `fake-gcs-server` executable. */
  binary: string;
  /** Keep objects on disk here (filesystem backend); without it objects live in memory. */
  dataDir?: string;
  /** A fixed port; by default a free one is picked. */
  port?: number;
  /** How long to wait for the emulator to answer HTTP. */
  startTimeoutMs?: number;
};

const STOP_GRACE_MS = 5_000;

export async function startFakeGcs(opts: FakeGcsOptions): Promise<FakeGcs> {
  // A picked port can be taken by someone else before the emulator binds it; try a few.
  const attempts = opts.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await startOnce(opts, opts.port ?? (await findFreePort()));
    } catch (err) {
      lastError = err;
      if (!(err instanceof EmulatorExitedError)) throw err;
    }
  }
  throw lastError;
}

class EmulatorExitedError extends Error {}

async function startOnce(opts: FakeGcsOptions, port: number): Promise<FakeGcs> {
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  const args = [
    '-scheme', 'http',
    '-host', '127.0.0.1',
    '-port', String(port),
    // Signed URLs are path-style on the emulator host; the emulator only serves
    // `/<bucket>/<object>` downloads when the request's Host equals -public-host.
    '-public-host', host,
    // Returned in the Location header of resumable uploads.
    '-external-url', url,
    '-log-level', 'warn',
    ...(opts.dataDir ? ['-backend', 'filesystem', '-filesystem-root', opts.dataDir] : ['-backend', 'memory']),
  ];
  const child = spawn(opts.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = tailBuffer(child);

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', reject));
  // Without this, a test run that crashes or forgets stop() would leave the emulator behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };

  try {
    await Promise.race([
      waitUntilAnswering(url, opts.startTimeoutMs ?? 15_000),
      spawnFailed,
      exited.then(() => {
        throw new EmulatorExitedError(`fake-gcs-server exited during start (code ${child.exitCode}):\n${output()}`);
      }),
    ]);
  } catch (err) {
    await stop();
    if (err instanceof EmulatorExitedError) throw err;
    throw new Error(`fake-gcs-server at ${url} did not start: ${(err as Error).message}\n${output()}`);
  }
  return { url, port, stop };
}

/** The OS hands out a free port for port 0; we release it and give it to the emulator. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/storage/v1/b`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms (${lastError})`);
}

/** Keeps the last few KB of the emulator's output for error messages; reading also keeps pipes from filling. */
function tailBuffer(child: ChildProcess, max = 8_192): () => string {
  let text = '';
  const append = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-max);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => text.trim();
}
