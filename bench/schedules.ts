/**
 * `npm run bench:schedules [-- --schedules 1000 --companies 200 --jitter 30 --limit 2]`: "Monday 08:00 at
 * scale". Creates the schedules through the API, all due at the same minute, on its own PostgreSQL, Temporal
 * dev server, worker and API (this process), every company with a webhook endpoint, and measures: every run
 * happens once (no schedule without its report, none with two), the per-company processing limit holds, the
 * spread of run starts (the Schedules' jitter), and the time from the due minute to the last delivery.
 * It reports; it never fails on a figure.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/api/app';
import { signToken } from '../src/api/auth';
import { connect } from '../src/db/connection';
import { migrate } from '../src/db/migrate';
import { startLocalPostgres } from '../dev/local-postgres';
import { startTemporalDevServer } from '../dev/temporal-dev-server';
import { findTool } from '../dev/tools';
import { LocalStorage } from '../src/storage/local';
import { ReportWorkflows } from '../src/temporal/client';
import { createReportWorker } from '../src/temporal/worker';
import { percentile } from './measure';

const log = (m: string) => console.error(`[bench:schedules ${new Date().toISOString().slice(11, 19)}] ${m}`);

function options() {
  const { values } = parseArgs({ options: { schedules: { type: 'string' }, companies: { type: 'string' }, jitter: { type: 'string' }, limit: { type: 'string' } } });
  const int = (raw: string | undefined, fallback: number) => (raw === undefined ? fallback : Math.max(0, Math.floor(Number(raw))));
  return { schedules: int(values.schedules, 1000), companies: int(values.companies, 200), jitter: int(values.jitter, 30), limit: int(values.limit, 2) };
}

async function main(): Promise<void> {
  const opts = options();
  const stops: (() => Promise<unknown>)[] = [];
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'reports-bench-sched-'));
  chmodSync(scratch, 0o755);
  try {
    const pg = await startLocalPostgres({ dataDir: path.join(scratch, 'pg'), fast: true, log });
    stops.push(() => pg.stop());
    const sql = connect(await pg.createDatabase('bench'));
    stops.push(() => sql.end());
    await migrate(sql);
    const temporal = await startTemporalDevServer({ binary: await findTool('temporal', log), log });
    stops.push(() => temporal.stop());

    // Receiver of every company's webhooks: when each report was announced.
    const announced = new Map<string, number>();
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const id = (JSON.parse(body) as { data: { id: string } }).data.id;
        if (!announced.has(id)) announced.set(id, Date.now());
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise((resolve) => receiver.close(resolve)));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const secret = 'bench-secret';
    const storage = new LocalStorage({ dir: path.join(scratch, 'files'), publicUrl: baseUrl, secret });
    const taskQueue = 'reports';
    const { worker, connection } = await createReportWorker({
      sql, storage, address: temporal.address, namespace: 'default', taskQueue, maxProcessingPerCompany: opts.limit,
      retryDelaysSeconds: [5, 30], scheduleLimitWaitSeconds: 5,
    });
    const workerDone = worker.run();
    stops.push(async () => { worker.shutdown(); await workerDone; await connection.close(); });
    const workflows = await ReportWorkflows.connect({ address: temporal.address, namespace: 'default', taskQueue });
    stops.push(() => workflows.close());
    server.on('request', buildApp({
      sql, storage, workflows, jwtSecret: secret, maxProcessingPerCompany: opts.limit, scheduleJitterSeconds: opts.jitter,
      delivery: { rules: { allowPrivate: true, httpsOnly: false }, retryDelaysSeconds: [5, 30] },
    }));
    stops.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));

    // Companies (UTC, so "the same minute" is one instant for all), an admin each, an endpoint each.
    const admins: { id: number; companyId: number; token: string }[] = [];
    for (let c = 0; c < opts.companies; c++) {
      const [{ id: companyId }] = await sql<{ id: number }[]>`insert into public.companies (name, timezone) values (${`Empresa ${c}`}, 'UTC') returning id`;
      const [{ id }] = await sql<{ id: number }[]>`
        insert into public.users (company_id, name, email, profile, created_at) values (${companyId}, ${`Admin ${c}`}, ${`admin${c}@bench.test`}, 'admin', now()) returning id`;
      admins.push({ id, companyId, token: signToken(secret, { id, companyId }) });
    }
    const call = (token: string, p: string, body: unknown) =>
      fetch(`${baseUrl}${p}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (const a of admins) {
      const res = await call(a.token, '/api/webhook-endpoints', { url: hookUrl, events: ['report.ready', 'report.failed'] });
      if (res.status !== 201) throw new Error(`endpoint: ${res.status} ${await res.text()}`);
    }
    // Due at the first whole minute at least 60 s after the last schedule is created (creation takes a while).
    const creationEstimateMs = opts.schedules * 60;
    const due = new Date(Math.ceil((Date.now() + creationEstimateMs + 60_000) / 60_000) * 60_000);
    const at = `${String(due.getUTCHours()).padStart(2, '0')}:${String(due.getUTCMinutes()).padStart(2, '0')}`;
    log(`${opts.schedules} schedules across ${opts.companies} companies, all due at ${due.toISOString()} (jitter ${opts.jitter} s, limit ${opts.limit} per company)`);
    const scheduleIds: string[] = [];
    const createdAt = Date.now();
    for (let i = 0; i < opts.schedules; i++) {
      const a = admins[i % admins.length];
      const res = await call(a.token, '/api/report-schedules', {
        name: `S${i}`, type: 'login_logout', filters: { period: 'yesterday' }, cadence: { every: 'day', at },
      });
      if (res.status !== 201) throw new Error(`schedule ${i}: ${res.status} ${await res.text()}`);
      scheduleIds.push(((await res.json()) as { id: string }).id);
    }
    log(`created in ${((Date.now() - createdAt) / 1000).toFixed(1)} s; waiting for ${due.toISOString()}`);
    if (Date.now() > due.getTime()) throw new Error('creating the schedules took past the due minute: raise creationEstimateMs');

    // Sample the per-company PROCESSING count while the runs go.
    let maxProcessing = 0;
    const sampler = setInterval(() => {
      void sql<{ n: number }[]>`select coalesce(max(n), 0)::int as n from (select count(*) as n from reports.reports where status = 'PROCESSING' group by company_id) x`
        .then(([r]) => { maxProcessing = Math.max(maxProcessing, r.n); }, () => {});
    }, 250);
    const deadline = due.getTime() + opts.jitter * 1000 + 30 * 60_000;
    for (;;) {
      const [{ ready, total }] = await sql<{ ready: number; total: number }[]>`
        select count(*) filter (where status <> 'PROCESSING')::int as ready, count(*)::int as total from reports.reports where schedule_id is not null`;
      if (ready >= opts.schedules && announced.size >= opts.schedules) break;
      if (Date.now() > deadline) { log(`gave up: ${ready}/${total} reports finished, ${announced.size} announced`); break; }
      await new Promise((r) => setTimeout(r, 1000));
    }
    clearInterval(sampler);

    const perSchedule = await sql<{ scheduleId: string; reports: number; first: Date; status: string }[]>`
      select s.id as "scheduleId", count(r.id)::int as reports, min(r.created_at) as first, min(r.status) as status
      from reports.report_schedules s left join reports.reports r on r.schedule_id = s.id group by s.id`;
    const missing = perSchedule.filter((s) => s.reports === 0).length;
    const doubled = perSchedule.filter((s) => s.reports > 1).length;
    const failed = perSchedule.filter((s) => s.status === 'ERROR').length;
    const starts = perSchedule.filter((s) => s.first).map((s) => s.first.getTime() - due.getTime()).sort((x, y) => x - y);
    const [{ runs }] = await sql<{ runs: number }[]>`select count(*)::int as runs from reports.reports where schedule_id is not null`;
    const lastAnnounced = Math.max(...announced.values());
    const rows: [string, string][] = [
      ['schedules / companies', `${opts.schedules} / ${opts.companies}`],
      ['runs that made a report (exactly one per schedule)', `${runs - doubled} of ${opts.schedules}; missing ${missing}, doubled ${doubled}, ERROR ${failed}`],
      [`most reports PROCESSING at once in one company (limit ${opts.limit})`, String(maxProcessing)],
      ['report created after the due minute: first / p50 / p95 / last', [starts[0], percentile(starts, 50), percentile(starts, 95), starts.at(-1)].map((ms) => `${((ms ?? 0) / 1000).toFixed(1)} s`).join(' / ')],
      ['last webhook delivered after the due minute', `${((lastAnnounced - due.getTime()) / 1000).toFixed(1)} s (${announced.size} reports announced)`],
    ];
    console.log(`\n| Monday 08:00 at scale | |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`);
  } finally {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => log(`stop: ${String(err)}`));
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
