// The API process: `npm run start:api` in production (DATABASE_URL and TEMPORAL_ADDRESS set).
import type { Server } from 'node:http';
import type { RequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import { buildApp } from './api/app';
import { reconcileSchedules } from './schedules/store';
import { ReportEventHub } from './api/report-events';
import { loadConfigOrExit, type Config } from './config';
import { connect, type Sql } from './db/connection';
import { createLogger, type Logger } from './log';
import { serveMetrics } from './metrics';
import { createStorage } from './storage';
import type { ReportStorage } from './storage/storage';
import { ReportWorkflows } from './temporal/client';

export async function runApi(
  config: Config,
  deps: { sql: Sql; storage: ReportStorage; temporalAddress: string; log: Logger; defaultHost: string; demoLogin?: RequestHandler },
): Promise<{ server: Server; metricsUrl: string | undefined; close(): Promise<void> }> {
  const workflows = await ReportWorkflows.connect({ ...config.temporal, address: deps.temporalAddress });
  const events = new ReportEventHub(deps.sql, {
    log: deps.log.info, maxStreamsPerUser: config.eventStreams.perUser, maxStreamsPerCompany: config.eventStreams.perCompany,
  });
  const app = buildApp({
    sql: deps.sql, storage: deps.storage, workflows, jwtSecret: config.jwtSecret, log: deps.log.info, events,
    maxProcessingPerCompany: config.maxProcessingPerCompany, heavyReportDays: config.heavyReportDays,
    publicMetrics: !config.metricsAddress,
    delivery: { rules: config.delivery, retryDelaysSeconds: config.delivery.retryDelaysSeconds },
    scheduleJitterSeconds: config.scheduleJitterSeconds,
    demoLogin: config.production ? undefined : deps.demoLogin,
  });
  // Schedule changes that a stopped process left half-way are finished (each request also does it for its company).
  reconcileSchedules(deps.sql, { client: workflows.client, temporal: { taskQueue: config.temporal.taskQueue, jitterSeconds: config.scheduleJitterSeconds } })
    .catch((err: unknown) => deps.log.warn('could not reconcile report schedules at start', { err: String(err) }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.port, config.host ?? deps.defaultHost, () => resolve(s));
  });
  const metrics = config.metricsAddress ? await serveMetrics(config.metricsAddress) : undefined;
  if (metrics) deps.log.info('metrics served apart from the API', { url: metrics.url });
  return {
    server,
    metricsUrl: metrics?.url,
    async close() {
      await metrics?.close();
      // Event streams never end by themselves: end them, or close() would wait for them forever.
      await events.stop();
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
      await workflows.close();
    },
  };
}

if (require.main === module) {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel, { service: 'reports-api' });
  if (!config.databaseUrl || !config.temporal.address) {
    log.error('start:api needs DATABASE_URL and TEMPORAL_ADDRESS; `npm start` runs everything embedded');
    process.exit(1);
  }
  const sql = connect(config.databaseUrl, { max: config.apiDbPool });
  const storage = createStorage(config.storage, { publicUrl: config.publicUrl, secret: config.linkSigningKey });
  runApi(config, { sql, storage, temporalAddress: config.temporal.address, log, defaultHost: '0.0.0.0' }).then(
    (api) => {
      log.info('api listening', { port: (api.server.address() as AddressInfo).port });
      const stop = () => void api.close().then(() => sql.end()).then(() => process.exit(0));
      process.once('SIGINT', stop).once('SIGTERM', stop);
    },
    (err) => {
      log.error('api failed to start', { err: String(err) });
      process.exit(1);
    },
  );
}
