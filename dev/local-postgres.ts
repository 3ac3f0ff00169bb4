// A real PostgreSQL cluster run as a child process: the embedded default's database, and the tests' database.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort, stopWithParent } from './ports';

const run = promisify(execFile);

export type LocalPostgres = {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** Creates a database (optionally as a copy of `template`) and returns its URL. */
  createDatabase(name: string, template?: string): Promise<string>;
  stop(): Promise<void>;
};

export async function startLocalPostgres(opts: {
  dataDir: string;
  port?: number;
  /** fsync=off, synchronous_commit=off, full_page_writes=off: for throwaway test clusters only. */
  fast?: boolean;
  log?: (m: string) => void;
}): Promise<LocalPostgres> {
  const log = opts.log ?? (() => {});
  const bin = findPgBin();
  const dataDir = path.resolve(opts.dataDir);
  // initdb and postgres refuse to run as root, so as root we run them as the `postgres` user.
  const user = process.getuid?.() === 0 ? postgresUser() : undefined;
  const spawnAs = user ? { uid: user.uid, gid: user.gid } : {};

  mkdirSync(dataDir, { recursive: true });
  if (user) chownSync(dataDir, user.uid, user.gid);
  chmodSync(dataDir, 0o700);
  if (readdirSync(dataDir).length === 0) {
    log(`initialising a PostgreSQL cluster in ${dataDir}`);
    const locale = (await run('locale', ['-a']).catch(() => ({ stdout: '' }))).stdout.match(/^C\.utf-?8$/im)?.[0] ?? 'C';
    await run(path.join(bin, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', `--locale=${locale}`, '--no-instructions'], {
      ...spawnAs,
      cwd: dataDir, // initdb must be able to read its working directory after dropping privileges
    }).catch((err: Error & { stderr?: string }) => {
      throw new Error(`initdb failed in ${dataDir}: ${err.stderr || err.message}`);
    });
  }
  removeStalePidFile(dataDir, log);

  const settings = [
    'listen_addresses=127.0.0.1',
    // TCP only: no socket directory to create, own or keep under the 107-byte path limit.
    'unix_socket_directories=',
    'max_connections=200',
    ...(opts.fast ? ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] : []),
  ];
  // A port found free can be taken before postgres binds it; then try another (unless one was asked for).
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    try {
      return await launch({ bin, dataDir, port, settings, spawnAs, log });
    } catch (err) {
      if (opts.port !== undefined || attempt >= 3 || !/address already in use/i.test(String(err))) throw err;
    }
  }
}

async function launch(o: {
  bin: string;
  dataDir: string;
  port: number;
  settings: string[];
  spawnAs: { uid?: number; gid?: number };
  log: (m: string) => void;
}): Promise<LocalPostgres> {
  const { port, log } = o;
  const started = Date.now();
  const child = spawn(path.join(o.bin, 'postgres'), ['-D', o.dataDir, '-p', String(port), ...o.settings.flatMap((s) => ['-c', s])], {
    ...o.spawnAs,
    cwd: o.dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep the server's recent output to explain a failed start; it is noise otherwise.
  const recent: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      recent.push(line);
      if (recent.length > 40) recent.shift();
      if (/\b(FATAL|PANIC):/.test(line) && !/database ".*" does not exist|the database system is (starting up|shutting down)/.test(line)) log(`postgres: ${line}`);
    }
  };
  child.stdout!.on('data', remember);
  child.stderr!.on('data', remember);
  // 'error' (could not spawn) may come without 'exit'.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => (recent.push(String(err)), resolve()));
  });
  stopWithParent(child, 'SIGINT'); // SIGINT = fast shutdown

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stopServer = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(killer);
  };

  try {
    await waitUntilAccepting(url, exited, () => recent.join('\n'));
  } catch (err) {
    await stopServer();
    throw err;
  }
  log(`PostgreSQL listening on 127.0.0.1:${port} (started in ${Date.now() - started} ms)`);
  const admin = postgres(url, { max: 1, onnotice: () => {} });

  return {
    url,
    port,
    async createDatabase(name, template) {
      if (template) await admin`create database ${admin(name)} template ${admin(template)}`;
      else await admin`create database ${admin(name)}`;
      return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
    },
    async stop() {
      await admin.end({ timeout: 1 }).catch(() => {});
      await stopServer();
    },
  };
}

/** PG_BIN, else the newest /usr/lib/postgresql/<version>/bin (Debian/Ubuntu), else whatever is on PATH. */
function findPgBin(): string {
  const fromEnv = process.env.PG_BIN?.trim();
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length > 0) return path.join(root, versions[0], 'bin');
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'postgres')) && existsSync(path.join(dir, 'initdb'))) return dir;
  }
  throw new Error('PostgreSQL server binaries not found: install PostgreSQL (e.g. apt-get install postgresql) or set PG_BIN');
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as (useradd --system postgres)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** A crashed earlier run leaves postmaster.pid behind; postgres would refuse to start if that pid got reused. */
function removeStalePidFile(dataDir: string, log: (m: string) => void): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (isPostgres(pid)) throw new Error(`PostgreSQL (pid ${pid}) is already running on ${dataDir}; stop it first`);
  log(`removing stale ${pidFile} (pid ${pid} is not running)`);
  rmSync(pidFile, { force: true });
}

function isPostgres(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true; // no /proc (macOS): a live pid is assumed to be the postmaster
  }
}

async function waitUntilAccepting(url: string, exited: Promise<void>, output: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (gone) throw new Error(`PostgreSQL exited during start-up:\n${output()}`);
    const probe = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await probe`select 1`;
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within 60 s: ${(err as Error).message}\n${output()}`);
    } finally {
      await probe.end({ timeout: 1 }).catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
