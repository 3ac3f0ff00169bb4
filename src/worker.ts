// The worker process: `npm run start:worker` in production. Any number may run, on any machines.
import { loadConfigOrExit } from './config';
import { connect } from './db/connection';
import { createLogger } from './log';
import { serveMetrics } from './metrics';
import { createStorage } from './storage';
import { ensureRetentionScheduleAt } from './temporal/schedules';
import { installTemporalRuntime } from './temporal/runtime';
import { createReportWorker } from './temporal/worker';
import { heavyTaskQueue } from '../workflows/definitions';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel, { service: 'reports-worker' });
  if (!config.databaseUrl || !config.temporal.address) {
    log.error('start:worker needs DATABASE_URL and TEMPORAL_ADDRESS; `npm start` runs everything embedded');
    process.exit(1);
  }
  installTemporalRuntime(log, { level: config.logLevel, metricsAddress: config.workerMetricsAddress });
  // Two pools: heavy exports query through their own, so they cannot take every connection (docs/operations.md).
  const sql = connect(config.databaseUrl, { max: config.worker.dbPool });
  const heavySql = connect(config.databaseUrl, { max: config.worker.heavyDbPool });
  const storage = createStorage(config.storage, { publicUrl: config.publicUrl, secret: config.linkSigningKey });
  const { worker, connection } = await createReportWorker({
    sql, storage, address: config.temporal.address, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue,
    chromiumPath: config.chromiumPath, partBytes: config.export.partBytes, maxAttempts: config.export.maxAttempts,
    parallelRanges: config.export.parallelRanges, rangeRows: config.export.rangeRows,
    webhookRules: config.delivery, retryDelaysSeconds: config.delivery.retryDelaysSeconds,
    maxProcessingPerCompany: config.maxProcessingPerCompany, heavyReportDays: config.heavyReportDays, mail: config.mail,
    maxConcurrentActivityTaskExecutions: config.worker.slots,
    heavy: { maxConcurrentActivityTaskExecutions: config.worker.heavySlots, sql: heavySql }, queues: config.worker.queues,
    log,
  });
  const schedule = await ensureRetentionScheduleAt(
    { address: config.temporal.address, namespace: config.temporal.namespace },
    { taskQueue: config.temporal.taskQueue, intervalMs: config.retentionIntervalMs },
  );
  log.info('retention schedule ready', { ...schedule });
  // The module's own report metrics (finished, duration, rows) are counted here, in the worker.
  const metrics = config.metricsAddress ? await serveMetrics(config.metricsAddress) : undefined;
  if (metrics) log.info('metrics served', { url: metrics.url });
  log.info('worker polling', {
    taskQueue: config.temporal.taskQueue, heavyTaskQueue: heavyTaskQueue(config.temporal.taskQueue), namespace: config.temporal.namespace,
    queues: config.worker.queues, slots: config.worker.slots, heavySlots: config.worker.heavySlots, dbPool: config.worker.dbPool, heavyDbPool: config.worker.heavyDbPool,
  });
  // Worker.run() installs its own SIGINT/SIGTERM handling: it stops polling and lets activities finish or heartbeat out.
  await worker.run();
  await metrics?.close();
  await connection.close();
  await Promise.all([sql.end(), heavySql.end()]);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
