// `npm start` as a user runs it: a real process that starts PostgreSQL, Temporal, the worker and the API.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connection';
import { freePort } from '../../dev/ports';
import { parseReportCsv } from '../setup/csv';
import { createTestDatabase } from '../setup/services';

const ROOT = path.resolve(__dirname, '../..');

interface Started {
  child: ChildProcess;
  output: () => string;
  baseUrl: string;
  exited: Promise<number | null>;
}

async function startModule(env: Record<string, string>, readyText: RegExp): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'dev/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env, PORT: String(port), TEMPORAL_DEV_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()),
      MAILPIT_UI_PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 150_000;
  while (!readyText.test(out)) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`npm start did not get ready:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => out, baseUrl: `http://127.0.0.1:${port}`, exited };
}

describe('npm start', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  let embeddedDataDir: string | undefined;
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('when nothing is configured, then it runs everything embedded and the README walk-through gives a correct CSV', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reports-embedded-'));
    chmodSync(dataDir, 0o755); // PostgreSQL runs as its own user and must reach its folder inside
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    embeddedDataDir = dataDir;
    const m = await startModule({ DATA_DIR: dataDir }, /export TOKEN=\S+/);
    cleanups.push(() => void m.child.kill('SIGKILL'));
    const token = /export TOKEN=(\S+)/.exec(m.output())![1];
    expect(m.output()).toMatch(/Temporal UI: +http:\/\/127\.0\.0\.1:\d+/);

    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(`${m.baseUrl}/healthz`)).status).toBe(200);
    // The demo: embedded database and a generated secret, so the page's "Entrar como" works.
    expect(m.output()).toMatch(/Demo login \(\/dev\): +on/);
    expect((await fetch(`${m.baseUrl}/dev/demo-users`)).status).toBe(200);
    const created = await fetch(`${m.baseUrl}/api/reports`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'ticket_summary', filters: { from: '2000-01-01', to: '2100-12-31' } }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    let report: { status: string; rowCount: number } = { status: 'PROCESSING', rowCount: 0 };
    while (report.status === 'PROCESSING') {
      await new Promise((r) => setTimeout(r, 250));
      report = (await (await fetch(`${m.baseUrl}/api/reports/${id}`, { headers: auth })).json()) as typeof report;
    }
    expect(report.status).toBe('READY');
    const file = await fetch(`${m.baseUrl}/api/reports/${id}/download`, { headers: auth }); // follows the 302
    const rows = parseReportCsv(Buffer.from(await file.arrayBuffer()));
    expect(rows[0][0]).toBe('ID do ticket');
    expect(rows.length - 1).toBe(report.rowCount);
    expect(report.rowCount).toBeGreaterThan(0); // the demo data was seeded

    // A schedule's mail lands in the embedded Mailpit, whose UI address is printed with the others.
    const mailUi = /E-mail: +Mailpit, every mail sent is at (http:\/\/127\.0\.0\.1:\d+)/.exec(m.output())?.[1];
    expect(mailUi, m.output()).toBeDefined();
    const db = connect(/embedded PostgreSQL \((\S+)\)/.exec(m.output())![1]);
    const [{ email }] = await db<{ email: string }[]>`select email from users where id = ${Number(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub)}`;
    await db.end();
    const scheduled = await fetch(`${m.baseUrl}/api/report-schedules`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Acessos', type: 'login_logout', filters: { period: 'last_7_days' }, cadence: { every: 'day', at: '07:00' }, recipients: { emails: [email] } }),
    });
    expect(scheduled.status).toBe(201);
    const { id: scheduleId } = (await scheduled.json()) as { id: string };
    expect((await fetch(`${m.baseUrl}/api/report-schedules/${scheduleId}/run`, { method: 'POST', headers: auth })).status).toBe(202);
    for (const deadline = Date.now() + 60_000; ;) {
      const { messages } = (await (await fetch(`${mailUi}/api/v1/messages`)).json()) as { messages: { Subject: string; To: { Address: string }[] }[] };
      if (messages.some((x) => x.To[0]?.Address === email && x.Subject.startsWith('Relatório Login/Logout pronto'))) break;
      if (Date.now() > deadline) throw new Error(`no mail in Mailpit: ${JSON.stringify(messages)}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    m.child.kill('SIGINT');
    expect(await m.exited, m.output()).toBe(0);
    // Ctrl-C stopped what it started: the API no longer answers.
    await expect(fetch(`${m.baseUrl}/healthz`)).rejects.toThrow();
  }, 240_000);

  it('when DATABASE_URL names a platform database, then it migrates it and never seeds it', async () => {
    const db = await createTestDatabase({ migrated: false });
    cleanups.push(() => db.drop());
    // No JWT_SECRET: one is generated, but the database is not the demo one, so no demo login either.
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reports-ext-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const m = await startModule({ DATABASE_URL: db.url, DATA_DIR: dataDir, NODE_ENV: 'development' }, /Reports module running/);
    cleanups.push(() => void m.child.kill('SIGKILL'));
    expect(m.output()).not.toContain('export TOKEN=');
    expect((await fetch(`${m.baseUrl}/dev/demo-users`)).status).toBe(404);
    expect((await fetch(`${m.baseUrl}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"userId":1}' })).status).toBe(404);
    const [{ companies }] = await db.sql<{ companies: number }[]>`select count(*)::int as companies from public.companies`;
    expect(companies).toBe(0);
    const migrations = await db.sql<{ name: string }[]>`select name from reports.schema_migrations order by name`;
    expect(migrations.map((r) => r.name)).toContain('002_reports_schema.sql');
    m.child.kill('SIGINT');
    expect(await m.exited, m.output()).toBe(0);
  }, 240_000);

  it('when the embedded database runs under a given JWT_SECRET, then no demo login and no demo token; METRICS_ADDRESS moves /metrics', async () => {
    expect(embeddedDataDir, 'runs after the embedded walk-through, on its seeded folder').toBeDefined();
    const metricsPort = await freePort();
    const m = await startModule(
      { DATA_DIR: embeddedDataDir!, JWT_SECRET: 'um-segredo-dado-pelo-operador', NODE_ENV: 'development', METRICS_ADDRESS: `127.0.0.1:${metricsPort}` },
      /Reports module running/,
    );
    cleanups.push(() => void m.child.kill('SIGKILL'));
    expect(m.output()).not.toContain('export TOKEN=');
    expect(m.output()).toMatch(/Demo login \(\/dev\): +off/);
    expect((await fetch(`${m.baseUrl}/dev/demo-users`)).status).toBe(404);
    expect((await fetch(`${m.baseUrl}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"userId":1}' })).status).toBe(404);
    // The public port no longer serves the metrics; their own address does.
    expect((await fetch(`${m.baseUrl}/metrics`)).status).toBe(404);
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('reports_started_total');
    m.child.kill('SIGINT');
    expect(await m.exited, m.output()).toBe(0);
  }, 240_000);

  it('when NODE_ENV=production and JWT_SECRET is short, then each entry point refuses to start with the reason', async () => {
    for (const entry of ['dev/main.ts', 'src/server.ts', 'src/worker.ts']) {
      const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), entry], {
        cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', JWT_SECRET: 'curto', DATABASE_URL: 'postgres://127.0.0.1:1/x', TEMPORAL_ADDRESS: '127.0.0.1:1' },
      });
      let err = '';
      child.stderr!.on('data', (d) => (err += d));
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      expect(code, `${entry}: ${err}`).toBe(1);
      expect(err, entry).toMatch(/refusing to start: JWT_SECRET is 5 bytes long; NODE_ENV=production needs at least 32/);
      expect(err, entry).not.toMatch(/\n\s+at /); // a message, not a stack trace
    }
  }, 60_000);
});
