/**
 * Starts Mailpit (a Go binary built by the project's setup) for the embedded default and tests: SMTP on a free
 * loopback port, its web UI and API on `uiPort`. Every mail the module sends lands there, readable in the UI.
 */
import { spawn } from 'node:child_process';
import { freePort, stopWithParent } from './ports';

export interface Mailpit {
  smtpUrl: string;
  uiUrl: string;
  stop(): Promise<void>;
}

export interface MailpitOptions {
  binary: string;
  /** The web UI and API port (8025 for `npm start`; 0 picks a free one). */
  uiPort?: number;
  /** Keep the mails in this SQLite file across restarts; in memory when absent. */
  databaseFile?: string;
  startTimeoutMs?: number;
  /** Mailpit's Chaos: tests make its SMTP refuse mail (`PUT /api/v1/chaos`). */
  chaos?: boolean;
}

export async function startMailpit(opts: MailpitOptions): Promise<Mailpit> {
  const smtpPort = await freePort();
  const uiPort = opts.uiPort || (await freePort());
  const args = [
    '--disable-version-check', '--smtp', `127.0.0.1:${smtpPort}`, '--listen', `127.0.0.1:${uiPort}`,
    '--smtp-auth-accept-any', '--smtp-auth-allow-insecure', '--max', '5000',
    ...(opts.databaseFile ? ['--database', opts.databaseFile] : []),
    ...(opts.chaos ? ['--enable-chaos'] : []),
  ];
  const child = spawn(opts.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  stopWithParent(child, 'SIGTERM');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mailpit exited during start (code ${child.exitCode}): ${output}`);
    const up = await fetch(`${uiUrl}/api/v1/info`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`mailpit did not answer on ${uiUrl}: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, uiUrl, stop };
}
