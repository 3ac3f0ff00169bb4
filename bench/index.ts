/**
 * `npm run bench [-- --messages 200000]`: how fast the module moves a month of messages, measured on its
 * own services (a PostgreSQL cluster in a temporary directory, a Temporal dev server, the worker and the
 * API as separate processes, files on local disk). Prints a table and writes it to docs/performance.md.
 * It reports; it never fails on a figure (only on a broken set-up).
 *
 * Options:
 *   --messages N      messages of the exported month (default 1,000,000)
 *   --rss-messages N  rows of the export during which the worker's RSS is sampled (default 5,000,000; 0 skips)
 *   --reps N          repetitions of each throughput measurement (default 5)
 *   --official-rows N official messages of the month for the `official` section (default 3,000,000)
 *   --only LIST       a subset of: export,activity,latency,load,pdf,statistics,xlsx,rss,official,neighbour (default all)
 *   --neighbour-messages N  messages of each of the 4 exporting companies in the `neighbour` section (default 1,000,000)
 *   --data-dir DIR    keep the PostgreSQL cluster (and its seeded databases) there between runs
 *   --out FILE        where to write the results (default docs/performance.md; "-" writes nothing)
 *   --profile DIR     run the worker and the API with `node --cpu-prof` and write their profiles to DIR/worker, DIR/api
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { signToken } from '../src/api/auth';
import { connect } from '../src/db/connection';
import { startLocalPostgres } from '../dev/local-postgres';
import { startTemporalDevServer } from '../dev/temporal-dev-server';
import { findTool } from '../dev/tools';
import { findReport, type CsvReport } from '../src/reports';
import { saveBusinessHours } from '../src/reports/business-hours';
import { buildRangePlanSql, QueryParams, scopeTransaction, type KeysetQuery } from '../src/reports/query';
import { LocalStorage } from '../src/storage/local';
import { ApiClient } from './api-client';
import { workbookBench } from './xlsx';
import { OFFICIAL_TYPE, officialDatabase, officialPlan, officialRuns } from './official';
import { HISTORY_TYPE, baselineCopySql, rawCopySql, removeAllReportFiles, runActivityAlone, runBaselineCopy, type Run } from './export';
import { MB, cpuBusy, cpuSecondsOf, fmt, loadNow, median, percentile, sampleRss } from './measure';
import {
  MONTH, ROOT, freePort, seededDatabase, serviceEnv, startTsProcess, waitForOutput, type ChildService, type SeededDatabase,
} from './services';

const SECTIONS = ['export', 'activity', 'latency', 'load', 'pdf', 'statistics', 'xlsx', 'rss', 'official', 'neighbour'] as const;
type Section = (typeof SECTIONS)[number];

const log = (m: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);

function options() {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string' }, 'rss-messages': { type: 'string' }, reps: { type: 'string' },
      only: { type: 'string' }, 'official-rows': { type: 'string' }, 'data-dir': { type: 'string' }, out: { type: 'string' }, profile: { type: 'string' },
      'neighbour-messages': { type: 'string' },
    },
  });
  const int = (name: string, raw: string | undefined, fallback: number, min: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${raw}"`);
    return n;
  };
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...SECTIONS];
  for (const s of only) if (!SECTIONS.includes(s as Section)) throw new Error(`--only: unknown section "${s}" (${SECTIONS.join(', ')})`);
  return {
    messages: int('messages', values.messages, 1_000_000, 1000),
    rssMessages: int('rss-messages', values['rss-messages'], 5_000_000, 0),
    officialRows: int('official-rows', values['official-rows'], 3_000_000, 1),
    neighbourMessages: int('neighbour-messages', values['neighbour-messages'], 1_000_000, 1000),
    reps: int('reps', values.reps, 5, 1),
    only: new Set(only as Section[]),
    dataDir: values['data-dir'] ? path.resolve(values['data-dir']) : undefined,
    profile: values.profile ? path.resolve(values.profile) : undefined,
    out: values.out === '-' ? undefined : path.resolve(values.out ?? path.join(ROOT, 'docs', 'performance.md')),
  };
}

type Opts = ReturnType<typeof options>;

/** One running module (worker + API processes) on one seeded database. */
type Module = { db: SeededDatabase; worker: ChildService; api: ChildService; client: ApiClient; filesDir: string; stop(): Promise<void> };

async function main(): Promise<void> {
  const opts = options();
  const started = Date.now();
  const results: Results = { opts, lines: [], notes: [], load: [] };
  const stops: (() => Promise<unknown>)[] = [];
  // How busy the machine is before the benchmark adds anything (others' tests, builds).
  const othersBusy = await cpuBusy(2000);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'reports-bench-'));
  stops.push(async () => rmSync(scratch, { recursive: true, force: true }));
  try {
    // Its own temporary directory, not one inside `scratch`: as root, PostgreSQL runs as the `postgres`
    // user, who can enter a fresh mkdtemp directory once it is handed over, but not one below root's.
    let pgDir = opts.dataDir;
    if (!pgDir) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'reports-bench-pg-'));
      stops.push(async () => rmSync(dir, { recursive: true, force: true }));
      pgDir = dir;
    }
    log(`PostgreSQL in ${pgDir}`);
    const pg = await startLocalPostgres({ dataDir: pgDir, log });
    stops.push(() => pg.stop());
    const temporal = await startTemporalDevServer({ binary: await findTool('temporal', log), log });
    stops.push(() => temporal.stop());
    results.machine = await machineInfo(pg.url);
    results.machine['CPU busy before the benchmark started (others)'] = `${fmt(othersBusy * 100)} % of 2 cores over 2 s, 1-min load average ${loadNow().toFixed(2)}`;

    const jwtSecret = randomUUID();
    const startModule = async (
      db: SeededDatabase, name: string, extraEnv: Record<string, string> = {}, secondWorkerEnv?: Record<string, string>,
    ): Promise<Module> => {
      const filesDir = path.join(scratch, `files-${name}`);
      const env = {
        ...serviceEnv({
          databaseUrl: db.url, temporalAddress: temporal.address, taskQueue: `bench-${name}-${randomUUID()}`, filesDir, jwtSecret,
          port: await freePort(),
        }),
        ...extraEnv,
      };
      const profile = (who: string) => (opts.profile ? ['--cpu-prof', '--cpu-prof-dir', path.join(opts.profile, who)] : []);
      const worker = startTsProcess('src/worker.ts', { ...env, LOG_LEVEL: 'info' }, [...workerNodeArgs(), ...profile('worker')]);
      const api = startTsProcess('src/server.ts', { ...env, LOG_LEVEL: 'info' }, profile('api'));
      // A second worker process on the same queues (e.g. WORKER_TASK_QUEUES=heavy beside a `main` one).
      const second = secondWorkerEnv && startTsProcess('src/worker.ts', { ...env, LOG_LEVEL: 'info', ...secondWorkerEnv }, workerNodeArgs());
      await Promise.all([
        waitForOutput(worker, /worker polling/, 180_000), waitForOutput(api, /api listening/, 60_000),
        second && waitForOutput(second, /worker polling/, 180_000),
      ]);
      const client = new ApiClient(env.PUBLIC_URL, signToken(jwtSecret, { id: db.adminUserId, companyId: db.companyId }));
      return {
        db, worker, api, client, filesDir,
        async stop() {
          await Promise.all([api.stop(), worker.stop(), second?.stop()]);
          rmSync(filesDir, { recursive: true, force: true });
        },
      };
    };

    const needsMain = [...opts.only].some((s) => s !== 'rss' && s !== 'official' && s !== 'neighbour');
    if (needsMain) {
      const db = await seededDatabase(pg.url, opts.messages, log);
      stops.push(() => db.sql.end());
      log('starting the worker and the API');
      const mod = await startModule(db, 'main');
      stops.push(() => mod.stop());
      if (opts.only.has('export') || opts.only.has('activity')) await exportThroughput(opts, mod, results);
      if (opts.only.has('latency')) await smallReportLatency(mod, results);
      if (opts.only.has('pdf')) await pdfRender(mod, results);
      if (opts.only.has('statistics')) await serviceStatisticsTimes(opts, mod, results);
      if (opts.only.has('load')) await apiUnderLoad(mod, results);
      if (opts.only.has('xlsx')) {
        const loadBefore = loadNow();
        const workbook = await workbookBench(mod, opts.reps, scratch, log);
        results.lines.push(...workbook.lines);
        results.notes.push(...workbook.notes);
        results.load.push(['workbooks', Math.max(loadBefore, loadNow())]);
      }
      await mod.stop();
      stops.pop();
    }
    if (opts.only.has('rss') && opts.rssMessages > 0) {
      const db = await seededDatabase(pg.url, opts.rssMessages, log);
      stops.push(() => db.sql.end());
      const mod = await startModule(db, 'rss');
      stops.push(() => mod.stop());
      await workerMemory(mod, results);
      await mod.stop();
      stops.pop();
    }
    if (opts.only.has('neighbour')) {
      // Five companies: the four biggest export their month, the smallest asks for ~100-row summaries.
      const db = await seededDatabase(pg.url, opts.neighbourMessages * 5, log, 5);
      stops.push(() => db.sql.end());
      await noisyNeighbour(db, (name, env, second) => startModule(db, name, env, second), jwtSecret, temporal.address, results);
    }
    if (opts.only.has('official')) {
      const db = await officialDatabase(pg.url, opts.officialRows, log);
      stops.push(() => db.sql.end());
      const mod = await startModule(db, 'official');
      stops.push(() => mod.stop());
      await officialFirstByte(opts, mod, results);
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch((err) => log(`stop: ${String(err)}`));
  }
  results.totalSeconds = (Date.now() - started) / 1000;
  const text = render(results);
  console.log(text);
  if (opts.out) {
    writeResults(opts.out, text);
    log(`written to ${path.relative(process.cwd(), opts.out)}`);
  }
}

type Line = { section: string; what: string; value: string; target?: string; met?: boolean };
type Results = {
  opts: Opts;
  machine?: Record<string, string>;
  lines: Line[];
  notes: string[];
  /** [what, 1-minute load average while it ran]. */
  load: [string, number][];
  totalSeconds?: number;
};

// ---------------------------------------------------------------------------------------------------------
// 1. Export throughput: end to end and the activity alone, each against COPY to a file, alternating.

async function exportThroughput(opts: Opts, mod: Module, results: Results): Promise<void> {
  const { db } = mod;
  const filters = { from: MONTH.from, to: MONTH.to };
  const [{ timezone }] = await db.sql<{ timezone: string }[]>`select timezone from public.companies where id = ${db.companyId}`;
  const rows = await countRows(db, timezone, filters);
  const copy = baselineCopySql(db.companyId, timezone, filters);
  const psql = psqlBinary();
  const copyFile = path.join(mod.filesDir, 'baseline.csv');
  const storage = new LocalStorage({ dir: mod.filesDir, publicUrl: 'http://127.0.0.1', secret: 'bench' });
  const user = { id: db.adminUserId, companyId: db.companyId };
  const sql = connect(db.url, { max: 4 });

  log(`export: ${fmt(rows)} rows; warming up with one COPY and a one-day export each way`);
  await runBaselineCopy(psql, db.url, copy, copyFile, rows);
  // Workers live long: measure them warm (JIT-compiled), as they are after their first report.
  const oneDay = { from: MONTH.from, to: MONTH.from };
  if (opts.only.has('export')) await mod.client.createAndWait('/api/reports', { type: HISTORY_TYPE, filters: oneDay }, 50);
  if (opts.only.has('activity')) await runActivityAlone(sql, storage, mod.filesDir, user, oneDay);
  removeAllReportFiles(mod.filesDir);
  // Each measurement is paired with a COPY run right before or after it (the order alternates), and the
  // ratio is taken within the pair: the machine is shared, and its load drifts between pairs.
  const pairs: Record<'e2e' | 'activity', [copy: Run, run: Run][]> = { e2e: [], activity: [] };
  const loadBefore = loadNow();
  const workerCpu: number[] = [];
  const firstBytes: number[] = [];
  let workerPeak = 0;
  const runExport = async (): Promise<Run> => {
    const cpu = cpuSecondsOf(mod.worker.pid);
    const sampler = sampleRss(mod.worker.pid, 50);
    const { seconds, report, firstByteSeconds } = await mod.client.createAndWait('/api/reports', { type: HISTORY_TYPE, filters }, 50, { filesDir: mod.filesDir });
    if (firstByteSeconds !== null) firstBytes.push(firstByteSeconds);
    workerPeak = Math.max(workerPeak, sampler.stop().peak);
    workerCpu.push(cpuSecondsOf(mod.worker.pid) - cpu);
    removeAllReportFiles(mod.filesDir);
    return { seconds, rows: report.rowCount!, bytes: report.sizeBytes! };
  };
  const runActivity = () => runActivityAlone(sql, storage, mod.filesDir, user, filters);
  const runCopy = () => runBaselineCopy(psql, db.url, copy, copyFile, rows);
  const raw = rawCopySql(db.companyId, timezone, MONTH.from, MONTH.to);
  const runRaw = () => runBaselineCopy(psql, db.url, raw, copyFile, rows);
  await runRaw();
  const rawPairs: [raw: Run, run: Run][] = [];
  for (let rep = 1; rep <= opts.reps; rep++) {
    for (const [kind, run] of [['e2e', runExport], ['activity', runActivity]] as const) {
      if (!opts.only.has(kind === 'e2e' ? 'export' : 'activity')) continue;
      const copyFirst = rep % 2 === 1;
      // End to end runs beside both baselines, the raw COPY first or last in turn.
      const rawBefore = kind === 'e2e' && copyFirst ? await runRaw() : undefined;
      const a = await (copyFirst ? runCopy() : run());
      const b = await (copyFirst ? run() : runCopy());
      const rawAfter = kind === 'e2e' && !copyFirst ? await runRaw() : undefined;
      const pair: [Run, Run] = copyFirst ? [a, b] : [b, a];
      pairs[kind].push(pair);
      const rawRun = rawBefore ?? rawAfter;
      if (rawRun) rawPairs.push([rawRun, pair[1]]);
      log(`${kind} rep ${rep}: ${rawRun ? `raw COPY ${rawRun.seconds.toFixed(2)} s, ` : ''}COPY ${pair[0].seconds.toFixed(2)} s, ${kind} ${pair[1].seconds.toFixed(2)} s, ratio ${(pair[0].seconds / pair[1].seconds).toFixed(2)}`);
    }
  }
  await sql.end();
  results.load.push(['export throughput', Math.max(loadBefore, loadNow())]);

  const rate = (runs: Run[]) => {
    const s = median(runs.map((r) => r.seconds));
    return `${fmt(runs[0].rows / s)} rows/s, ${fmt(runs[0].bytes / MB / s, 1)} MB/s (median ${s.toFixed(2)} s; runs ${runs.map((x) => x.seconds.toFixed(2)).join(', ')})`;
  };
  const ratios = (kind: 'e2e' | 'activity') => {
    const r = pairs[kind].map(([c, x]) => c.seconds / x.seconds);
    return { median: median(r), text: `${median(r).toFixed(2)}× (median of ${r.length} pairs: ${r.map((x) => x.toFixed(2)).join(', ')})` };
  };
  const section = `Export (${fmt(rows)} rows of service_history, one month of one company)`;
  const copyRuns = [...pairs.e2e, ...pairs.activity].map(([c]) => c);
  if (rawPairs.length) {
    results.lines.push({ section, what: 'raw COPY: plain join of the raw columns, same rows and order, → file by psql (the baseline, 1.00)', value: rate(rawPairs.map(([x]) => x)) });
  }
  results.lines.push({ section, what: "formatted COPY: the module's own statement (same cells) → file by psql", value: rate(copyRuns) });
  if (pairs.e2e.length) {
    const r = ratios('e2e');
    const vsRaw = rawPairs.map(([c, x]) => c.seconds / x.seconds);
    results.lines.push({ section, what: 'API → workflow → activity → local storage (POST → READY)', value: rate(pairs.e2e.map(([, x]) => x)) });
    results.lines.push({
      section, what: 'ratio raw COPY time / end-to-end time', target: '≥ 0.8× (moonshot ≥ 1.0×)', met: median(vsRaw) >= 0.8,
      value: `${median(vsRaw).toFixed(2)}× (median of ${vsRaw.length} pairs: ${vsRaw.map((x) => x.toFixed(2)).join(', ')})`,
    });
    results.lines.push({ section, what: 'ratio formatted COPY time / end-to-end time (the costs of the statement stay visible)', value: r.text });
    if (firstBytes.length) results.lines.push({ section, what: 'first byte (POST → first rows on disk)', value: `${median(firstBytes).toFixed(2)} s (median of ${firstBytes.length})` });
    results.lines.push({ section, what: 'worker process CPU per export (user + system)', value: `${median(workerCpu).toFixed(2)} s (median)` });
    results.lines.push({ section, what: 'worker peak RSS during these exports', value: `${fmt(workerPeak / MB)} MB` });
  }
  if (pairs.activity.length) {
    const r = ratios('activity');
    results.lines.push({ section, what: 'the export activity alone (no API, no Temporal)', value: rate(pairs.activity.map(([, x]) => x)) });
    results.lines.push({ section, what: 'ratio COPY time / activity time', value: r.text });
  }
  const exported = [...pairs.e2e, ...pairs.activity].map(([, x]) => x);
  if (exported.length) {
    results.notes.push(`The export file of ${fmt(rows)} rows is ${fmt(exported[0].bytes / MB, 1)} MB (BOM, header, CRLF); COPY's output ${fmt(copyRuns[0].bytes / MB, 1)} MB.`);
  }
}

async function countRows(db: SeededDatabase, timezone: string, filters: Record<string, unknown>): Promise<number> {
  const report = findReport(HISTORY_TYPE) as CsvReport;
  const q = new QueryParams({ companyId: db.companyId, timezone, requestedAt: new Date() });
  const query = report.query(report.filters.parse(filters), q) as KeysetQuery;
  // The total of the export's own range plan (its statement reads planned values: a COPY's only).
  const planSql = buildRangePlanSql(query, q, { minRows: 1, maxRows: Number.MAX_SAFE_INTEGER, spread: 1 });
  return db.sql.begin(async (tx) => {
    await scopeTransaction(tx, q);
    const [{ total }] = await tx.unsafe<{ total: string }[]>(planSql);
    return Number(total);
  });
}

function psqlBinary(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(path.join(root, v, 'bin', 'psql'))) return path.join(root, v, 'bin', 'psql');
  return 'psql';
}

// ---------------------------------------------------------------------------------------------------------
// 2. Memory: the worker's peak RSS while it exports the big month.

async function workerMemory(mod: Module, results: Results): Promise<void> {
  const { db } = mod;
  const filters = { from: MONTH.from, to: MONTH.to };
  const [{ timezone }] = await db.sql<{ timezone: string }[]>`select timezone from public.companies where id = ${db.companyId}`;
  const rows = await countRows(db, timezone, filters);
  log(`rss: warming the worker up with a one-day export, then one COPY of the ${fmt(rows)} rows for comparison`);
  await mod.client.createAndWait('/api/reports', { type: HISTORY_TYPE, filters: { from: MONTH.from, to: MONTH.from } }, 50);
  removeAllReportFiles(mod.filesDir);
  const copy = await runBaselineCopy(psqlBinary(), db.url, baselineCopySql(db.companyId, timezone, filters), path.join(mod.filesDir, 'baseline.csv'), rows);
  const raw = await runBaselineCopy(psqlBinary(), db.url, rawCopySql(db.companyId, timezone, MONTH.from, MONTH.to), path.join(mod.filesDir, 'baseline.csv'), rows);
  log(`rss: exporting ${fmt(rows)} rows, sampling the worker (pid ${mod.worker.pid}) every 50 ms`);
  const cpu = cpuSecondsOf(mod.worker.pid);
  const sampler = sampleRss(mod.worker.pid, 50);
  const loadBefore = loadNow();
  const { seconds, report, firstByteSeconds } = await mod.client.createAndWait('/api/reports', { type: HISTORY_TYPE, filters }, 200, { filesDir: mod.filesDir });
  const { peak, first, samples } = sampler.stop();
  const workerCpu = cpuSecondsOf(mod.worker.pid) - cpu;
  results.load.push(['worker memory', Math.max(loadBefore, loadNow())]);
  removeAllReportFiles(mod.filesDir);
  const section = `Worker memory (${fmt(report.rowCount!)}-row export, worker in its own process)`;
  results.lines.push({ section, what: 'worker RSS before the export (warm, idle)', value: `${fmt(first / MB)} MB` });
  results.lines.push({ section, what: 'worker peak RSS during the export', value: `${fmt(peak / MB)} MB (${samples} samples)`, target: '< 300 MB', met: peak < 300 * MB });
  results.lines.push({
    section, what: 'that export end to end',
    value: `${seconds.toFixed(1)} s, ${fmt(report.rowCount! / seconds)} rows/s, ${fmt(report.sizeBytes! / MB / seconds, 1)} MB/s; worker CPU ${workerCpu.toFixed(1)} s`,
  });
  results.lines.push({ section, what: 'first byte (POST → first rows on disk)', value: firstByteSeconds === null ? 'not seen' : `${firstByteSeconds.toFixed(2)} s`, target: '< 5 s', met: firstByteSeconds !== null && firstByteSeconds < 5 });
  results.lines.push({
    section, what: 'raw COPY (the baseline 1.00) of the same rows to a file, run just before',
    value: `${raw.seconds.toFixed(1)} s, ${fmt(rows / raw.seconds)} rows/s (ratio raw COPY / end to end ${(raw.seconds / seconds).toFixed(2)}×, one pair)`,
  });
  results.lines.push({
    section, what: "formatted COPY (the module's own statement) of the same rows, run just before",
    value: `${copy.seconds.toFixed(1)} s, ${fmt(rows / copy.seconds)} rows/s (ratio ${(copy.seconds / seconds).toFixed(2)}×, one pair)`,
  });
}

// ---------------------------------------------------------------------------------------------------------
// 2b. Mensagens Oficial over a large month: how soon its first rows are on disk.

async function officialFirstByte(opts: Opts, mod: Module, results: Results): Promise<void> {
  const plan = await officialPlan(mod.db);
  log(`official: plan ${plan}; warming up with a one-day export`);
  await mod.client.createAndWait('/api/reports', { type: OFFICIAL_TYPE, filters: { from: MONTH.from, to: MONTH.from } }, 50);
  removeAllReportFiles(mod.filesDir);
  const loadBefore = loadNow();
  const runs = await officialRuns(mod.client, mod.filesDir, Math.min(opts.reps, 3));
  results.load.push(['official messages', Math.max(loadBefore, loadNow())]);
  removeAllReportFiles(mod.filesDir);
  const firstBytes = runs.map((r) => r.firstByte ?? Infinity);
  const section = `Mensagens Oficial (${fmt(runs[0].rows)} official messages in one month, POST → READY)`;
  results.lines.push({ section, what: 'plan of its statement', value: plan });
  results.lines.push({
    section, what: 'first byte (POST → first rows on disk)', target: '< 5 s', met: median(firstBytes) < 5,
    value: `${median(firstBytes).toFixed(2)} s (median; runs ${firstBytes.map((x) => x.toFixed(2)).join(', ')})`,
  });
  results.lines.push({ section, what: 'POST → READY', value: `${median(runs.map((r) => r.seconds)).toFixed(2)} s (median of ${runs.length})` });
}

// ---------------------------------------------------------------------------------------------------------
// 3. Small-report latency: POST → READY of a ~100-row ticket_summary, 20 times.

/** ticket_summary filters of one day, one queue and one status of `companyId`: the combination closest to 100 rows. */
async function smallSummaryFilters(db: SeededDatabase, companyId: number) {
  const [pick] = await db.sql<{ day: string; queueId: number; status: string; n: number }[]>`
    select to_char(t.created_at at time zone c.timezone, 'YYYY-MM-DD') as day, t.queue_id as "queueId", t.status, count(*)::int as n
    from public.tickets t join public.companies c on c.id = t.company_id
    where t.company_id = ${companyId} and t.queue_id is not null
      and t.created_at >= ${new Date(MONTH.now.getTime() - MONTH.days * 86_400_000)}
    group by 1, 2, 3 order by abs(count(*) - 100), 1, 2, 3 limit 1`;
  return { filters: { from: pick.day, to: pick.day, queueIds: [pick.queueId], statuses: [pick.status] }, rows: pick.n };
}

async function smallReportLatency(mod: Module, results: Results): Promise<void> {
  const { db } = mod;
  const { filters, rows } = await smallSummaryFilters(db, db.companyId);
  log(`latency: ticket_summary ${JSON.stringify(filters)} (${rows} rows), 20 runs after 2 warm-ups`);
  for (let i = 0; i < 2; i++) await mod.client.createAndWait('/api/reports', { type: 'ticket_summary', filters }, 5);
  const times: number[] = [];
  const loadBefore = loadNow();
  for (let i = 0; i < 20; i++) {
    const { seconds } = await mod.client.createAndWait('/api/reports', { type: 'ticket_summary', filters }, 5);
    times.push(seconds * 1000);
  }
  results.load.push(['small-report latency', Math.max(loadBefore, loadNow())]);
  removeAllReportFiles(mod.filesDir);
  const section = `Small report (ticket_summary, ${rows} rows; POST → READY polled every 5 ms)`;
  const p50 = percentile(times, 50);
  results.lines.push({ section, what: 'p50', value: `${fmt(p50)} ms`, target: '< 1 s (moonshot 300 ms)', met: p50 < 1000 });
  results.lines.push({ section, what: 'p95', value: `${fmt(percentile(times, 95))} ms` });
  results.lines.push({ section, what: 'min / max', value: `${fmt(Math.min(...times))} / ${fmt(Math.max(...times))} ms` });
}

// ---------------------------------------------------------------------------------------------------------
// 4. API under load: GET /api/reports at 200 requests/s for 10 s, from autocannon in its own process.

/** Reports the list holds at least (the full run leaves 16: 7 exports, 7 small reports, 2 PDFs), so `--only load` lists as many. */
const LISTED_REPORTS = 16;

async function apiUnderLoad(mod: Module, results: Results): Promise<void> {
  const count = async () =>
    (await mod.db.sql<{ n: number }[]>`select count(*)::int as n from reports.reports where company_id = ${mod.db.companyId}`)[0].n;
  // Made up with one-day reports of three types (retention keeps the newest 7 of each type).
  const oneDay = { from: MONTH.from, to: MONTH.from };
  for (const type of ['ticket_summary', 'service_summary', 'service_history']) {
    for (let i = 0; i < 7 && (await count()) < LISTED_REPORTS; i++) await mod.client.createAndWait('/api/reports', { type, filters: oneDay }, 20);
  }
  const n = await count();
  log(`load: GET /api/reports (${n} reports listed) at 200 req/s for 10 s`);
  const cli = require.resolve('autocannon/autocannon.js');
  const args = [cli, '--json', '-c', '10', '-R', '200', '-d', '10', '-H', `authorization=Bearer ${mod.client.token}`, `${mod.client.baseUrl}/api/reports`];
  const loadBefore = loadNow();
  const apiCpu = cpuSecondsOf(mod.api.pid);
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`autocannon exited with ${code}`))));
  });
  const apiCpuSeconds = cpuSecondsOf(mod.api.pid) - apiCpu;
  results.load.push(['API under load', Math.max(loadBefore, loadNow())]);
  const r = JSON.parse(out) as {
    latency: { p50: number; p99: number; max: number }; requests: { total: number; average: number };
    errors: number; timeouts: number; non2xx: number;
  };
  const section = `API under load (GET /api/reports listing ${n} reports, 200 req/s for 10 s, autocannon, 10 connections)`;
  const errors = r.errors + r.timeouts + r.non2xx;
  results.lines.push({ section, what: 'requests', value: `${fmt(r.requests.total)} (${fmt(r.requests.average)}/s)` });
  results.lines.push({ section, what: 'p50 latency', value: `${fmt(r.latency.p50)} ms` });
  results.lines.push({ section, what: 'p99 latency', value: `${fmt(r.latency.p99)} ms (max ${fmt(r.latency.max)} ms)`, target: '< 50 ms', met: r.latency.p99 < 50 });
  results.lines.push({ section, what: 'errors (errors + timeouts + non-2xx)', value: String(errors), target: '0', met: errors === 0 });
  // Less sensitive to the shared machine's load than the latencies: what one request costs the API process.
  results.lines.push({ section, what: 'API process CPU per request (user + system)', value: `${(apiCpuSeconds * 1000 / r.requests.total).toFixed(2)} ms` });
}

// ---------------------------------------------------------------------------------------------------------
// 5. PDF: a ticket of 1,000 and one of 10,000 messages, POST → READY.

async function pdfRender(mod: Module, results: Results): Promise<void> {
  const { db } = mod;
  const [longest] = await db.sql<{ ticketId: number; n: number }[]>`
    select ticket_id as "ticketId", count(*)::int as n from public.messages where company_id = ${db.companyId}
    group by ticket_id order by count(*) desc, ticket_id limit 1`;
  const thousand = await ticketWithMessages(db, longest.ticketId, 1000);
  const small = await ticketWithMessages(db, longest.ticketId, 10);
  log('pdf: warming Chromium up with a 10-message ticket');
  await mod.client.createAndWait(`/api/tickets/${small}/export`, undefined, 20);
  const section = 'PDF (ticket_detail, POST → READY, Chromium already running)';
  const loadBefore = loadNow();
  for (const [ticketId, n] of [[thousand, 1000], [longest.ticketId, longest.n]] as const) {
    const { seconds } = await mod.client.createAndWait(`/api/tickets/${ticketId}/export`, undefined, 20);
    log(`pdf: ${fmt(n)} messages in ${seconds.toFixed(1)} s`);
    results.lines.push({
      section, what: `${fmt(n)} messages`, value: `${seconds.toFixed(1)} s`,
      ...(n >= 10_000 ? { target: '< 30 s (10,000 messages)', met: seconds < 30 } : {}),
    });
  }
  results.load.push(['PDF', Math.max(loadBefore, loadNow())]);
  removeAllReportFiles(mod.filesDir);
  // The copies would otherwise add their messages to the month exported by the next run (--data-dir).
  await db.sql.begin(async (tx) => {
    const ids = [thousand, small];
    await tx`delete from public.messages where ticket_id = any(${ids}::bigint[])`;
    await tx`delete from public.ticket_trackings where ticket_id = any(${ids}::bigint[])`;
    await tx`delete from public.tickets where id = any(${ids}::bigint[])`;
  });
}

/**
 * A ticket holding the first `n` messages of `sourceTicket` (made once per database): the seed has one
 * 10,000-message ticket in a big tenant and no ticket of exactly 1,000.
 */
async function ticketWithMessages(db: SeededDatabase, sourceTicket: number, n: number): Promise<number> {
  const contract = `bench-${n}-messages`;
  const [existing] = await db.sql<{ id: number }[]>`select id from public.tickets where contract = ${contract}`;
  if (existing) return existing.id;
  return db.sql.begin(async (tx) => {
    const [ticket] = await tx<{ id: number }[]>`
      insert into public.tickets (company_id, contact_id, whatsapp_id, user_id, queue_id, status, direction, contract, last_message, created_at, updated_at, closed_at)
      select company_id, contact_id, whatsapp_id, user_id, queue_id, status, direction, ${contract}, last_message, created_at, updated_at, closed_at
      from public.tickets where id = ${sourceTicket} returning id`;
    const [tracking] = await tx<{ id: number }[]>`
      insert into public.ticket_trackings (company_id, ticket_id, user_id, queue_id, whatsapp_id, created_at, queued_at, started_at, finished_at)
      select company_id, ${ticket.id}, user_id, queue_id, whatsapp_id, created_at, queued_at, started_at, finished_at
      from public.ticket_trackings where ticket_id = ${sourceTicket} order by created_at, id limit 1 returning id`;
    await tx`
      insert into public.messages (company_id, ticket_id, tracking_id, contact_id, user_id, from_me, media_type, body, created_at)
      select company_id, ${ticket.id}, ${tracking.id}, contact_id, user_id, from_me, media_type, body, created_at
      from public.messages where ticket_id = ${sourceTicket} order by created_at, id limit ${n}`;
    return ticket.id;
  });
}

// ---------------------------------------------------------------------------------------------------------
// 6. Estatísticas de Atendimento over the month, in calendar and in business time, POST → READY.

async function serviceStatisticsTimes(opts: Opts, mod: Module, results: Results): Promise<void> {
  const { db } = mod;
  // Two intervals a weekday, Saturday morning, a holiday in the month and a target: what a company would set.
  const weekday: [string, string][] = [['08:00', '12:00'], ['13:00', '18:00']];
  await saveBusinessHours(db.sql, db.companyId, db.adminUserId, {
    week: { 1: weekday, 2: weekday, 3: weekday, 4: weekday, 5: weekday, 6: [['08:00', '12:00']] },
    holidays: ['2026-01-01'], firstResponseTargetSeconds: 900,
  });
  const [{ trackings }] = await db.sql<{ trackings: number }[]>`
    select count(*)::int as trackings from public.ticket_trackings tr join public.companies c on c.id = tr.company_id
    where tr.company_id = ${db.companyId}
      and tr.created_at >= (${MONTH.from}::date)::timestamp at time zone c.timezone
      and tr.created_at < (${MONTH.to}::date + 1)::timestamp at time zone c.timezone`;
  const filters = (timeBasis: 'calendar' | 'business') => ({ from: MONTH.from, to: MONTH.to, timeBasis });
  log(`statistics: service_statistics over ${fmt(trackings)} trackings, calendar and business, ${opts.reps} runs each after a warm-up`);
  for (const basis of ['calendar', 'business'] as const) await mod.client.createAndWait('/api/reports', { type: 'service_statistics', filters: filters(basis) }, 20);
  const times = { calendar: [] as number[], business: [] as number[] };
  const loadBefore = loadNow();
  for (let rep = 1; rep <= opts.reps; rep++) {
    // Alternating, so a drift in the shared machine's load falls on both.
    for (const basis of rep % 2 ? (['calendar', 'business'] as const) : (['business', 'calendar'] as const)) {
      const { seconds } = await mod.client.createAndWait('/api/reports', { type: 'service_statistics', filters: filters(basis) }, 20);
      times[basis].push(seconds);
    }
    log(`statistics rep ${rep}: calendar ${times.calendar.at(-1)!.toFixed(2)} s, business ${times.business.at(-1)!.toFixed(2)} s`);
  }
  results.load.push(['service_statistics', Math.max(loadBefore, loadNow())]);
  removeAllReportFiles(mod.filesDir);
  const section = `Estatísticas de Atendimento (service_statistics, ${fmt(trackings)} trackings of one month, POST → READY)`;
  const show = (runs: number[]) => `${median(runs).toFixed(2)} s (median; runs ${runs.map((x) => x.toFixed(2)).join(', ')})`;
  results.lines.push({ section, what: 'timeBasis calendar (means, medians, P90, target share)', value: show(times.calendar) });
  results.lines.push({ section, what: 'timeBasis business (3 reports.business_seconds_in calls per tracking)', value: show(times.business) });
  results.lines.push({ section, what: 'ratio business / calendar', value: `${(median(times.business) / median(times.calendar)).toFixed(2)}×` });
}

// ---------------------------------------------------------------------------------------------------------
// 7. No noisy neighbour: a fifth company's ~100-row ticket_summary while four others export their month.

async function noisyNeighbour(
  db: SeededDatabase, start: (name: string, env?: Record<string, string>, secondWorkerEnv?: Record<string, string>) => Promise<Module>, jwtSecret: string,
  temporalAddress: string, results: Results,
): Promise<void> {
  const temporalClient = new Client({ connection: await Connection.connect({ address: temporalAddress }) });
  const companies = await db.sql<{ id: number; admin: number; messages: number }[]>`
    select c.id, (select min(u.id) from public.users u where u.company_id = c.id and u.profile = 'admin' and u.deleted_at is null) as admin,
      (select count(*)::int from public.messages m where m.company_id = c.id
         and m.created_at >= (${MONTH.from}::date)::timestamp at time zone c.timezone
         and m.created_at < (${MONTH.to}::date + 1)::timestamp at time zone c.timezone) as messages
    from public.companies c order by messages desc, c.id`;
  const heavy = companies.slice(0, 4);
  const small = companies.at(-1)!;
  const { filters: smallFilters, rows: smallRows } = await smallSummaryFilters(db, small.id);
  const month = { type: HISTORY_TYPE, filters: { from: MONTH.from, to: MONTH.to } };
  const section = `No noisy neighbour (ticket_summary of ${smallRows} rows of a fifth company, POST → READY polled every 5 ms, ` +
    `while 4 companies export their month of service_history: ${heavy.map((c) => fmt(c.messages)).join(', ')} rows)`;
  log(`neighbour: small company ${small.id} ${JSON.stringify(smallFilters)} (${smallRows} rows); exporting companies ${heavy.map((c) => `${c.id} (${fmt(c.messages)} rows)`).join(', ')}`);

  // The module as configured (heavy queue, 2 heavy slots), then without a heavy queue (HEAVY_REPORT_DAYS
  // beyond any period: every export on the main queue), so the figure shows what the split buys.
  const variants: [label: string, env: Record<string, string>, secondWorker?: Record<string, string>][] = [
    ['heavy queue (defaults: WORKER_HEAVY_SLOTS 2, WORKER_HEAVY_DB_POOL 6)', {}],
    ['heavy queue, WORKER_HEAVY_SLOTS 1', { WORKER_HEAVY_SLOTS: '1' }],
    ['heavy queue in a worker process of its own (WORKER_TASK_QUEUES main + heavy)', { WORKER_TASK_QUEUES: 'main' }, { WORKER_TASK_QUEUES: 'heavy' }],
    ['no heavy queue (HEAVY_REPORT_DAYS=366: the exports share the main queue\'s 8 slots)', { HEAVY_REPORT_DAYS: '366' }],
  ];
  for (const [label, env, secondWorker] of variants) {
    const mod = await start(`neighbour-${variants.findIndex(([l]) => l === label)}`, env, secondWorker);
    try {
      const client = (c: { id: number; admin: number }) => new ApiClient(mod.client.baseUrl, signToken(jwtSecret, { id: c.admin, companyId: c.id }));
      const smallClient = client(small);
      const smallRuns: { ms: number; id: string }[] = [];
      const runSmall = async () => {
        const { seconds, report } = await smallClient.createAndWait('/api/reports', { type: 'ticket_summary', filters: smallFilters }, 5);
        smallRuns.push({ ms: seconds * 1000, id: report.id });
        return seconds * 1000;
      };
      log(`neighbour [${label}]: warming up`);
      for (let i = 0; i < 2; i++) await runSmall();
      await client(heavy[0]).createAndWait('/api/reports', { type: HISTORY_TYPE, filters: { from: MONTH.from, to: MONTH.from } }, 50);
      const quiet: number[] = [];
      for (let i = 0; i < 10; i++) quiet.push(await runSmall());
      removeAllReportFiles(mod.filesDir);

      // Each exporting company asks for its month again as soon as the last one is READY, until the small
      // reports are done: four months are always being exported (or waiting for a heavy slot).
      let done = false;
      const exports: number[] = [];
      const loops = heavy.map(async (c) => {
        const api = client(c);
        while (!done) {
          const { seconds } = await api.createAndWait('/api/reports', month, 100);
          exports.push(seconds);
          rmSync(path.join(mod.filesDir, 'reports', String(c.id)), { recursive: true, force: true });
        }
      });
      const loadBefore = loadNow();
      // Let all four start (and the first ones reach their COPY) before measuring.
      await new Promise((r) => setTimeout(r, 2000));
      const busy: number[] = [];
      for (let i = 0; i < 20; i++) {
        busy.push(await runSmall());
        await new Promise((r) => setTimeout(r, 250));
      }
      done = true;
      await Promise.all(loops);
      const load = Math.max(loadBefore, loadNow());
      results.load.push([`neighbour, ${label.split(' (')[0]}`, load]);
      removeAllReportFiles(mod.filesDir);
      const p95 = percentile(busy, 95);
      // Where the slowest of them spent its time, from its Temporal history.
      const slowest = smallRuns.slice(-busy.length).sort((a, b) => b.ms - a.ms)[0];
      const stages = await historyStages(temporalClient, `report-${slowest.id}`);
      results.notes.push(`${label}: the slowest small report while the exports ran (${fmt(slowest.ms)} ms POST → READY seen): ${stages}.`);
      log(`neighbour [${label}]: quiet p50 ${fmt(percentile(quiet, 50))} ms; busy p50 ${fmt(percentile(busy, 50))} ms p95 ${fmt(p95)} ms; ${exports.length} exports, median ${median(exports).toFixed(1)} s; load ${load.toFixed(2)}`);
      results.lines.push({ section, what: `${label}: alone, p50 / p95 (10 runs)`, value: `${fmt(percentile(quiet, 50))} / ${fmt(percentile(quiet, 95))} ms` });
      results.lines.push({ section, what: `${label}: while the 4 exports run, p50`, value: `${fmt(percentile(busy, 50))} ms (20 runs; max ${fmt(Math.max(...busy))} ms)` });
      results.lines.push({ section, what: `${label}: while the 4 exports run, p95`, value: `${fmt(p95)} ms`, target: '< 2 s', met: p95 < 2000 });
      results.lines.push({ section, what: `${label}: the month exports meanwhile (POST → READY, waiting for a slot included)`, value: `${exports.length} exports, median ${median(exports).toFixed(1)} s` });
    } finally {
      await mod.stop();
    }
  }
  await temporalClient.connection.close();
}

/** A report run's stages from its history: time waiting for a worker to take each task, and time in it. */
async function historyStages(client: Client, workflowId: string): Promise<string> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const ms = (e: (typeof events)[number]) => Number(e.eventTime!.seconds) * 1000 + Math.round((e.eventTime!.nanos ?? 0) / 1e6);
  const start = ms(events[0]);
  const scheduled = new Map<number, { at: number; name: string }>();
  const parts: string[] = [];
  for (const e of events) {
    const id = Number(e.eventId);
    if (e.workflowTaskScheduledEventAttributes) scheduled.set(id, { at: ms(e), name: 'workflow task' });
    if (e.activityTaskScheduledEventAttributes) scheduled.set(id, { at: ms(e), name: e.activityTaskScheduledEventAttributes.activityType!.name! });
    const started = e.workflowTaskStartedEventAttributes ?? e.activityTaskStartedEventAttributes;
    if (started) {
      const s = scheduled.get(Number(started.scheduledEventId));
      if (s) parts.push(`${s.name} waited ${ms(e) - s.at} ms`);
    }
    const done = e.workflowTaskCompletedEventAttributes ?? e.activityTaskCompletedEventAttributes;
    if (done) {
      const s = scheduled.get(Number(done.scheduledEventId));
      const startedAt = events.find((x) => Number(x.eventId) === Number(done.startedEventId));
      if (s && startedAt) parts.push(`ran ${ms(e) - ms(startedAt)} ms`);
    }
  }
  return `${parts.join(', ')}; started → closed ${ms(events.at(-1)!) - start} ms`;
}

// ---------------------------------------------------------------------------------------------------------
// The report.

async function machineInfo(adminUrl: string): Promise<Record<string, string>> {
  const sql = connect(adminUrl, { max: 1 });
  try {
    const [{ version }] = await sql<{ version: string }[]>`select version()`;
    const cpu = os.cpus()[0]?.model ?? 'unknown';
    return {
      CPU: `${os.cpus().length} cores (${cpu.trim()})`,
      Memory: `${fmt(os.totalmem() / 1024 ** 3, 1)} GiB`,
      Node: process.version,
      PostgreSQL: version.split(',')[0],
      OS: `${os.type()} ${os.release()}`,
      Disk: diskOf(os.tmpdir()),
    };
  } finally {
    await sql.end();
  }
}

function diskOf(dir: string): string {
  try {
    const out = execFileSync('df', ['-h', '--output=source,fstype', dir], { encoding: 'utf8' }).trim().split('\n')[1];
    return `${dir} on ${out.replace(/\s+/g, ' ')}`;
  } catch {
    return 'unknown';
  }
}

const START = '<!-- bench:start (written by npm run bench; edit outside these markers) -->';
const END = '<!-- bench:end -->';

function render(results: Results): string {
  const o = results.opts;
  const out: string[] = [];
  out.push(`Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench -- --messages ${o.messages} --rss-messages ${o.rssMessages} --reps ${o.reps}\`` +
    ` in ${fmt((results.totalSeconds ?? 0) / 60, 1)} min.`);
  out.push('');
  out.push('| machine | |');
  out.push('|---|---|');
  for (const [k, v] of Object.entries(results.machine ?? {})) out.push(`| ${k} | ${v} |`);
  out.push(`| load while measuring (1-min load average, max of before/after each part) | ${results.load.map(([w, l]) => `${w} ${l.toFixed(2)}`).join('; ')} |`);
  out.push('');
  let section = '';
  for (const line of results.lines) {
    if (line.section !== section) {
      section = line.section;
      out.push('', `**${section}**`, '', '| measurement | value | target | met |', '|---|---|---|---|');
    }
    const met = line.met === undefined ? '' : line.met ? 'yes' : '**no**';
    out.push(`| ${line.what} | ${line.value} | ${line.target ?? ''} | ${met} |`);
  }
  if (results.notes.length) out.push('', ...results.notes.map((n) => `- ${n}`));
  return out.join('\n');
}

/** Replaces the measured part of the file, keeping what people wrote around it. */
function writeResults(file: string, text: string): void {
  const block = `${START}\n${text}\n${END}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const a = current.indexOf(START);
  const b = current.indexOf(END);
  const next = a >= 0 && b > a
    ? current.slice(0, a) + block + current.slice(b + END.length)
    : `# Performance\n\n${block}\n${current ? `\n${current}` : ''}`;
  writeFileSync(file, next);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

/** The Node flags `npm run start:worker` gives production workers (package.json), so the bench measures the same. */
function workerNodeArgs(): string[] {
  const script = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start:worker'];
  return script.split(/\s+/).filter((a) => /^--max-semi-space-size=\d+$/.test(a));
}
