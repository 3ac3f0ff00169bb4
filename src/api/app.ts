// The Express façade. buildApp() takes its dependencies, so tests run it on any port against real services.
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import type { Sql } from '../db/connection';
import { metricsHandler } from '../metrics';
import type { ReportStorage } from '../storage/storage';
import { LocalStorage, localFilesRouter } from '../storage/local';
import type { ReportWorkflows } from '../temporal/client';
import { authenticate } from './auth';
import { businessHoursRoutes } from './business-hours-routes';
import { catalogueRoutes } from './catalogue-routes';
import { eventRoutes } from './events-routes';
import { optionRoutes } from './options-routes';
import { permissionRoutes } from './permissions-routes';
import { errorHandler, notFoundHandler } from './problems';
import { ReportEventHub } from './report-events';
import { reportRoutes } from './reports-routes';
import { reportScheduleRoutes } from './report-schedules-routes';
import { ticketRoutes } from './tickets-routes';
import { webhookEndpointRoutes, type DeliveryOptions } from './webhook-endpoints-routes';

export interface AppDeps {
  sql: Sql;
  storage: ReportStorage;
  workflows: ReportWorkflows;
  jwtSecret: string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** MAX_PROCESSING_PER_COMPANY (default 5). */
  maxProcessingPerCompany?: number;
  /** The process's SSE hub; its owner stops it (ending the streams) before closing the server. */
  events?: ReportEventHub;
  /**
   * The demo login's routes (`/dev/demo-users`, `/dev/token`, dev/demo-login-routes.ts), built by `npm start`
   * only on the embedded demo database with a generated secret. Production code never builds them: without
   * them /dev/* is a 404.
   */
  demoLogin?: RequestHandler;
  /** Serve /metrics here (default). False when METRICS_ADDRESS gives it an address of its own. */
  publicMetrics?: boolean;
  /** Webhook rules and retry waits (WEBHOOK_ALLOW_PRIVATE, DELIVERY_RETRY_DELAYS); permissive dev defaults when absent. */
  delivery?: DeliveryOptions;
  /** SCHEDULE_JITTER_SECONDS: how far runs due at the same minute are spread. */
  scheduleJitterSeconds?: number;
}

export function buildApp(deps: AppDeps): express.Express {
  const log = deps.log ?? (() => {});
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: '64kb', strict: true }));

  app.get('/healthz', async (_req, res) => {
    const [database, temporal] = await Promise.all([
      deps.sql`select 1`.then(() => true, () => false),
      deps.workflows.healthy(),
    ]);
    res.status(database && temporal ? 200 : 503).json({ status: database && temporal ? 'ok' : 'unavailable', database, temporal });
  });

  // Prometheus scrape endpoint, unauthenticated like /healthz: counts only, no tenant data beyond report types.
  if (deps.publicMetrics ?? true) app.get('/metrics', metricsHandler);

  if (deps.storage instanceof LocalStorage) app.use('/files', localFilesRouter(deps.storage));

  // The reports page (public/): static, no auth — it gets a token itself (docs/page.md).
  app.use(express.static(path.join(__dirname, '..', '..', 'public'), { index: 'index.html', maxAge: 0 }));
  if (deps.demoLogin) app.use(deps.demoLogin);

  const events = deps.events ?? new ReportEventHub(deps.sql, { log });
  app.use('/api', eventRoutes({ sql: deps.sql, jwtSecret: deps.jwtSecret, events }));

  const api = express.Router();
  api.use(authenticate(deps.sql, deps.jwtSecret));
  api.use(catalogueRoutes());
  api.use(optionRoutes(deps));
  api.use(permissionRoutes(deps));
  api.use(businessHoursRoutes(deps));
  api.use(reportRoutes({ ...deps, log }));
  api.use(ticketRoutes({ ...deps, log }));
  api.use(webhookEndpointRoutes(deps));
  api.use(reportScheduleRoutes({ ...deps, log }));
  app.use('/api', api);

  app.use(notFoundHandler);
  app.use(errorHandler((msg, err) => log(msg, { err: String((err as Error)?.stack ?? err) })));
  return app;
}
