// `npm start` as a new user runs it against their own database: from a fresh copy of the repository, with
// no .data and no .tools folder, DATABASE_URL and JWT_SECRET given. It must create every folder it writes,
// complete the README's walk-through, and offer no demo login (the secret is the platform's).
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/api/auth';
import { freePort } from '../../dev/ports';
import { parseReportCsv } from '../setup/csv';
import { createCompany, createContact, createTicket } from '../setup/rows';
import { createTestDatabase } from '../setup/services';

const ROOT = path.resolve(__dirname, '../..');

/** The repository's files as a clone has them (tracked and new, not ignored), and node_modules as `npm ci` left it. */
function freshCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reports-fresh-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0').filter((f) => f && existsSync(path.join(ROOT, f)));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

describe('npm start from a fresh copy, against a given database and secret', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('when started, then it creates its folders, completes the README walk-through and has no demo login', async () => {
    const copy = freshCopy();
    cleanups.push(() => rmSync(copy, { recursive: true, force: true }));
    expect(existsSync(path.join(copy, '.data'))).toBe(false);
    expect(existsSync(path.join(copy, '.tools'))).toBe(false);

    const db = await createTestDatabase({ migrated: false });
    cleanups.push(() => db.drop());
    const secret = 'segredo-de-teste-da-plataforma-com-32-bytes-ou-mais';
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env, DATABASE_URL: db.url, JWT_SECRET: secret, NODE_ENV: 'development',
      PORT: String(port), TEMPORAL_DEV_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()),
      HOST: '127.0.0.1', LOG_LEVEL: 'warn',
    };
    // Found in the per-user cache and linked into the copy's own .tools, as on a new clone.
    delete env.TEMPORAL_CLI_PATH;
    delete env.FAKE_GCS_SERVER_PATH;
    delete env.DATA_DIR;
    delete env.LOCAL_STORAGE_DIR;
    // Its own process group, so that Ctrl-C reaches npm and everything under it, as in a terminal.
    const child = spawn('npm', ['start'], { cwd: copy, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
    cleanups.push(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    const deadline = Date.now() + 150_000;
    while (!/Reports module running/.test(out)) {
      if (child.exitCode !== null) throw new Error(`npm start exited early:\n${out}`);
      if (Date.now() > deadline) throw new Error(`npm start did not get ready:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(out).not.toContain('export TOKEN=');
    expect(out).toMatch(/Demo login \(\/dev\): +off/);
    expect(lstatSync(path.join(copy, '.tools/bin/temporal')).isSymbolicLink()).toBe(true);
    expect(existsSync(path.join(copy, '.data/temporal.sqlite'))).toBe(true);
    const base = `http://127.0.0.1:${port}`;

    // The demo login does not exist, whatever NODE_ENV says.
    expect((await fetch(`${base}/dev/demo-users`)).status).toBe(404);
    const minted = await fetch(`${base}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"userId":1}' });
    expect(minted.status).toBe(404);

    // The platform's data, and a token the platform would have signed.
    const company = await createCompany(db.sql, 'Plataforma');
    const contact = await createContact(db.sql, company.id, 'Maria', '5511988887777');
    for (const day of ['01', '02']) await createTicket(db.sql, company.id, { contactId: contact, whatsappId: company.whatsapp, createdAt: `2026-10-${day}T12:00:00Z` });
    const auth = { authorization: `Bearer ${signToken(secret, { id: company.admin, companyId: company.id })}` };

    const types = await fetch(`${base}/api/report-types`, { headers: auth });
    expect(types.status).toBe(200);
    const created = await fetch(`${base}/api/reports`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'ticket_summary', filters: { from: '2026-10-01', to: '2026-10-31' } }),
    });
    expect(created.status, await created.clone().text()).toBe(202);
    const { id } = (await created.json()) as { id: string };
    let report = { status: 'PROCESSING', rowCount: 0 };
    while (report.status === 'PROCESSING') {
      await new Promise((r) => setTimeout(r, 250));
      report = (await (await fetch(`${base}/api/reports/${id}`, { headers: auth })).json()) as typeof report;
    }
    expect(report).toMatchObject({ status: 'READY', rowCount: 2 });
    const file = await fetch(`${base}/api/reports/${id}/download`, { headers: auth });
    expect(file.status).toBe(200);
    const rows = parseReportCsv(Buffer.from(await file.arrayBuffer()));
    expect(rows.map((r) => r[0])).toEqual(['ID do ticket', expect.stringMatching(/^\d+$/), expect.stringMatching(/^\d+$/)]);
    expect(existsSync(path.join(copy, '.data/files'))).toBe(true);

    // Ctrl-C: npm itself dies of the signal (as in a terminal); what it started stops and frees its ports.
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited, out).toMatch(/^(exit 0|SIGINT)$/);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    expect(out).not.toMatch(/Error|exited during start-up/);
  }, 240_000);
});
