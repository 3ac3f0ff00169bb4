/**
 * `npm start`: the whole module on one machine. Each part the environment does not name is started here:
 * no DATABASE_URL → a local PostgreSQL cluster under .data/ (migrated, and filled with demo data once);
 * no TEMPORAL_ADDRESS → the Temporal CLI dev server (SQLite under .data/, Web UI on :8233);
 * no STORAGE → files on local disk. Then one worker and the API run in this process. Ctrl-C stops it all.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { signToken } from '../src/api/auth';
import { loadConfigOrExit } from '../src/config';
import { connect } from '../src/db/connection';
import { migrate, pendingMigrations } from '../src/db/migrate';
import { seed } from './seed/seed';
import { startLocalPostgres } from './local-postgres';
import { startTemporalDevServer } from './temporal-dev-server';
import { findTool } from './tools';
import { createLogger } from '../src/log';
import { runApi } from '../src/server';
import { createStorage, ensureBucket, GcsStorage } from '../src/storage';
import { ensureRetentionScheduleAt } from '../src/temporal/schedules';
import { installTemporalRuntime } from '../src/temporal/runtime';
import { createReportWorker } from '../src/temporal/worker';
import { demoLoginRoutes } from './demo-login-routes';
import { startMailpit } from './mailpit';

const DEMO_SEED = { companies: 3, messages: 20_000, seed: 42 };

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel, { service: 'reports' });
  installTemporalRuntime(log, { level: config.logLevel, metricsAddress: config.workerMetricsAddress });
  const say = (m: string) => log.info(m);
  const stops: (() => Promise<unknown>)[] = [];
  // Whatever is given and whatever is embedded, every folder written below starts here.
  mkdirSync(config.dataDir, { recursive: true });

  let databaseUrl = config.databaseUrl;
  let embeddedDatabase = false;
  if (!databaseUrl) {
    const pg = await startLocalPostgres({ dataDir: path.join(config.dataDir, 'postgres'), log: say });
    stops.push(() => pg.stop());
    databaseUrl = await pg.createDatabase('reports').catch(() => pg.url.replace(/\/postgres$/, '/reports'));
    embeddedDatabase = true;
  }
  const sql = connect(databaseUrl, { max: config.apiDbPool });
  stops.push(() => sql.end());
  // The worker's pools, as `npm run start:worker` has them (the API keeps the first).
  const workerSql = connect(databaseUrl, { max: config.worker.dbPool });
  const heavySql = connect(databaseUrl, { max: config.worker.heavyDbPool });
  stops.push(() => Promise.all([workerSql.end(), heavySql.end()]));

  if (config.migrate) {
    const applied = await migrate(sql, say);
    if (applied.length) say(`applied migrations: ${applied.join(', ')}`);
  } else {
    const pending = await pendingMigrations(sql);
    if (pending.length) throw new Error(`MIGRATE=false and the database lacks migrations: ${pending.join(', ')}`);
  }

  let demoAdmin: { id: number; companyId: number } | undefined;
  if (embeddedDatabase) demoAdmin = await ensureDemoData(sql, say);

  let temporalAddress = config.temporal.address;
  let uiUrl: string | undefined;
  if (!temporalAddress) {
    const binary = await findTool('temporal', say);
    const server = await startTemporalDevServer({
      binary, dbFile: path.join(config.dataDir, 'temporal.sqlite'), port: config.temporalDev.port, uiPort: config.temporalDev.uiPort,
      namespace: config.temporal.namespace, log: say,
    });
    stops.push(() => server.stop());
    temporalAddress = server.address;
    uiUrl = server.uiUrl;
  }

  // Without SMTP_URL, mails go to an embedded Mailpit whose web UI shows them.
  let smtpUrl = config.mail.smtpUrl;
  let mailUiUrl: string | undefined;
  if (!smtpUrl) {
    const mailpit = await startMailpit({ binary: await findTool('mailpit', say), uiPort: config.mailpitUiPort, databaseFile: path.join(config.dataDir, 'mailpit.db') });
    stops.push(() => mailpit.stop());
    smtpUrl = mailpit.smtpUrl;
    mailUiUrl = mailpit.uiUrl;
  }

  const storage = createStorage(config.storage, { publicUrl: config.publicUrl, secret: config.linkSigningKey });
  if (storage instanceof GcsStorage && config.storage.kind === 'gcs' && config.storage.emulatorHost) await ensureBucket(storage);

  const { worker, connection } = await createReportWorker({
    sql: workerSql, storage, address: temporalAddress, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue,
    chromiumPath: config.chromiumPath, partBytes: config.export.partBytes, maxAttempts: config.export.maxAttempts,
    parallelRanges: config.export.parallelRanges, rangeRows: config.export.rangeRows,
    webhookRules: config.delivery, retryDelaysSeconds: config.delivery.retryDelaysSeconds,
    maxProcessingPerCompany: config.maxProcessingPerCompany, heavyReportDays: config.heavyReportDays, mail: { ...config.mail, smtpUrl }, log,
    maxConcurrentActivityTaskExecutions: config.worker.slots,
    heavy: { maxConcurrentActivityTaskExecutions: config.worker.heavySlots, sql: heavySql },
  });
  const workerDone = worker.run();
  const schedule = await ensureRetentionScheduleAt(
    { address: temporalAddress, namespace: config.temporal.namespace },
    { taskQueue: config.temporal.taskQueue, intervalMs: config.retentionIntervalMs },
  );
  log.info('retention schedule ready', { ...schedule });
  // A development stack stays on this machine unless HOST says otherwise.
  const demoLogin = demoLoginAllowed({ embeddedDatabase, jwtSecretGenerated: config.jwtSecretGenerated });
  const api = await runApi(config, {
    sql, storage, temporalAddress, log, defaultHost: '127.0.0.1',
    demoLogin: demoLogin ? demoLoginRoutes({ sql, jwtSecret: config.jwtSecret }) : undefined,
  });

  console.log(`\nReports module running.
  API and reports page:  ${config.publicUrl}
  Temporal UI:           ${uiUrl ?? '(your Temporal cluster\'s UI)'}
  Temporal address:      ${temporalAddress} (namespace ${config.temporal.namespace})
  Database:              ${embeddedDatabase ? `embedded PostgreSQL (${databaseUrl})` : 'DATABASE_URL'}
  E-mail:                ${mailUiUrl ? `Mailpit, every mail sent is at ${mailUiUrl}` : 'SMTP_URL'}
  Storage:               ${config.storage.kind === 'local' ? `local disk (${config.storage.dir})` : `gcs bucket ${config.storage.bucket}`}
  Metrics:               ${api.metricsUrl ?? `${config.publicUrl}/metrics`}
  Demo login (/dev):     ${demoLogin ? 'on (embedded demo database, generated secret)' : 'off'}`);
  if (config.jwtSecretGenerated) console.log('  JWT secret:            generated for this run (set JWT_SECRET to keep tokens valid across restarts)');
  // A token printed under a given secret could be valid on the platform itself (ids overlap): demo only.
  if (demoAdmin && demoLogin) {
    console.log(`\nDemo admin token (company ${demoAdmin.companyId}, valid 12 h):\n  export TOKEN=${signToken(config.jwtSecret, demoAdmin)}\n`);
  }

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping');
    await api.close();
    // The SDK also reacts to SIGINT/SIGTERM and may already be shutting the worker down.
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerDone.catch(() => {});
    await connection.close();
    for (const stop of stops.reverse()) await stop().catch(() => {});
    process.exit(0);
  };
  const onSignal = () => void shutdown();
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
}

/** Demo data goes only into the embedded database, and only once. */
async function ensureDemoData(sql: ReturnType<typeof connect>, say: (m: string) => void) {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from public.companies`;
  if (n === 0) {
    say(`filling the embedded database with demo data (${DEMO_SEED.companies} companies, ${DEMO_SEED.messages} messages)`);
    await seed(sql, { ...DEMO_SEED, now: new Date(), log: say });
  }
  const [admin] = await sql<{ id: number; companyId: number }[]>`
    select id, company_id as "companyId" from public.users
    where profile = 'admin' and deleted_at is null order by company_id, id limit 1`;
  return admin;
}

/**
 * The demo login signs a token for any user it is asked for: only on the module's own demo data, and only
 * under a secret nobody else knows. A given database or secret may be the platform's: then it does not exist.
 */
export function demoLoginAllowed(parts: { embeddedDatabase: boolean; jwtSecretGenerated: boolean }): boolean {
  return parts.embeddedDatabase && parts.jwtSecretGenerated;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
