// Finds (or builds once, with `go install` at a pinned version) the Go programs the dev setup runs.
// Nothing is downloaded prebuilt: these machines may only reach package registries and the Go module proxy.
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type ToolName = 'temporal' | 'fake-gcs-server' | 'mailpit';

const TOOLS: Record<ToolName, { envVar: string; module: string; version: string }> = {
  // Later CLI versions carry a `replace` directive in go.mod and cannot be `go install`ed.
  temporal: { envVar: 'TEMPORAL_CLI_PATH', module: 'github.com/temporalio/cli/cmd/temporal', version: '1.5.1' },
  'fake-gcs-server': { envVar: 'FAKE_GCS_SERVER_PATH', module: 'github.com/fsouza/fake-gcs-server', version: '1.55.1' },
  // The embedded default's SMTP server: it keeps every mail the module sends and shows them in its web UI.
  mailpit: { envVar: 'MAILPIT_PATH', module: 'github.com/axllent/mailpit', version: '1.33.1' },
};

const PROJECT_ROOT = path.resolve(__dirname, '..');
const PROJECT_BIN = path.join(PROJECT_ROOT, '.tools', 'bin');

export async function findTool(
  name: ToolName,
  log: (m: string) => void = (m) => console.error(m),
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const tool = TOOLS[name];

  const fromEnv = env[tool.envVar]?.trim();
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${tool.envVar}=${fromEnv} is not an executable file`);
    return path.resolve(fromEnv);
  }

  const onPath = whichSync(name, env.PATH ?? '');
  if (onPath) {
    const mismatch = name === 'temporal' ? await temporalVersionMismatch(onPath, tool.version) : undefined;
    if (!mismatch) return onPath;
    log(`ignoring ${onPath}: ${mismatch}`);
  }

  const linked = path.join(PROJECT_BIN, name);
  if (isExecutable(linked)) return linked;

  const cacheDir = path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'reports-tools', `${name}-${tool.version}`);
  const cached = path.join(cacheDir, name);
  if (!isExecutable(cached)) await buildOnce(name, cacheDir, log, env);
  linkIntoProject(cached, linked);
  return linked;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK); // follows symlinks, so a dangling link counts as missing
    return true;
  } catch {
    return false;
  }
}

function whichSync(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** Returns why the binary is unsuitable, or undefined when it is a 1.5.x CLI. */
async function temporalVersionMismatch(binary: string, wanted: string): Promise<string | undefined> {
  const series = wanted.split('.').slice(0, 2).join('.');
  const { stdout } = await run(binary, ['--version'], { timeout: 10_000 }).catch(() => ({ stdout: '' }));
  const version = /temporal version (\S+)/.exec(stdout)?.[1];
  if (version?.startsWith(`${series}.`)) return undefined;
  // `go install` builds report 0.0.0-DEV; their embedded module version tells the truth.
  if (version === '0.0.0-DEV') {
    const info = await run('go', ['version', '-m', binary], { timeout: 10_000 }).catch(() => ({ stdout: '' }));
    if (new RegExp(`\\bmod\\s+github\\.com/temporalio/cli\\s+v${series.replace('.', '\\.')}\\.`).test(info.stdout)) return undefined;
  }
  return `version ${version ?? 'unknown'}, this project needs ${series}.x`;
}

function linkIntoProject(target: string, link: string): void {
  mkdirSync(path.dirname(link), { recursive: true });
  // Replace atomically: a concurrent setup never sees the link missing.
  const tmp = `${link}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, link);
}

/** Builds into the per-user cache under a lock file, so concurrent setups build once and share the result. */
async function buildOnce(name: ToolName, cacheDir: string, log: (m: string) => void, env: NodeJS.ProcessEnv): Promise<void> {
  const tool = TOOLS[name];
  const binary = path.join(cacheDir, name);
  mkdirSync(path.dirname(cacheDir), { recursive: true });
  const lock = `${cacheDir}.lock`;
  await acquireLock(lock, log);
  try {
    if (isExecutable(binary)) return; // someone else built it while we waited
    await run('go', ['version'], { env }).catch((err: NodeJS.ErrnoException) => {
      throw new Error(
        err.code === 'ENOENT'
          ? `${name} was not found (${tool.envVar}, PATH, .tools/bin, ${binary}) and Go is not installed to build it. ` +
              `Install Go >= 1.25 (https://go.dev/dl/), or set ${tool.envVar} to an existing binary.`
          : `\`go version\` failed: ${err.message}`,
      );
    });
    // Build into a scratch GOBIN and rename, so a half-written binary is never mistaken for a finished one.
    const scratch = `${cacheDir}.build-${process.pid}`;
    rmSync(scratch, { recursive: true, force: true });
    const target = `${tool.module}@v${tool.version}`;
    log(`building ${name}: GOBIN=${scratch} go install ${target} (first time only; takes a few minutes)`);
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const go = spawn('go', ['install', target], { env: { ...env, GOBIN: scratch }, stdio: ['ignore', 'inherit', 'inherit'] });
      go.on('error', reject);
      go.on('exit', (code, signal) =>
        code === 0 ? resolve() : reject(new Error(`go install ${target} failed (${signal ?? `exit code ${code}`})`)),
      );
    });
    mkdirSync(cacheDir, { recursive: true });
    renameSync(path.join(scratch, name), binary);
    rmSync(scratch, { recursive: true, force: true });
    log(`built ${binary} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    rmSync(lock, { force: true });
  }
}

async function acquireLock(lock: string, log: (m: string) => void): Promise<void> {
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const content = readLock(lock);
    if (content === undefined) continue; // released meanwhile
    const holder = Number(content);
    // An empty file is a holder that has not written its pid yet: wait for it rather than steal the lock.
    const stale = content === '' ? Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 10_000 : !pidAlive(holder);
    if (stale) {
      rmSync(lock, { force: true }); // left behind by a build that was killed
      continue;
    }
    if (!announced) log(`waiting for another setup (pid ${holder}) that is building into the same cache…`);
    announced = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function readLock(lock: string): string | undefined {
  try {
    return readFileSync(lock, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
