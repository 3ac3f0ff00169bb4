// The Express façade. buildApp() takes its dependencies, so tests run it on any port against real services.
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import type { Sql } from '../db/connection';
import { metricsHandler } from '../metrics';
import type { ReportStorage } from '../storage/storage';
import { LocalStorage, localFilesRouter } from '../storage/local';
import type { ReportWorkflows } from '../temporal/client';
import { authenticate } from './auth';
import { z } from 'zod';
import { businessHoursOperations, businessHoursRoutes } from './business-hours-routes';
import { catalogueOperations, catalogueRoutes } from './catalogue-routes';
import { eventOperations, eventRoutes } from './events-routes';
import type { OperationSource } from './openapi';
import { methodNotAllowed, openApiRoutes } from './openapi-routes';
import { optionOperations, optionRoutes } from './options-routes';
import { permissionOperations, permissionRoutes } from './permissions-routes';
import { errorHandler, notFoundHandler } from './problems';
import { ReportEventHub } from './report-events';
import { reportOperations, reportRoutes } from './reports-routes';
import { reportScheduleOperations, reportScheduleRoutes } from './report-schedules-routes';
import { ticketOperations, ticketRoutes } from './tickets-routes';
import { webhookEndpointOperations, webhookEndpointRoutes, type DeliveryOptions } from './webhook-endpoints-routes';

export interface AppDeps {
  sql: Sql;
  storage: ReportStorage;
  workflows: ReportWorkflows;
  jwtSecret: string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** MAX_PROCESSING_PER_COMPANY (default 5). */
  maxProcessingPerCompany?: number;
  /** HEAVY_REPORT_DAYS (src/reports/lanes.ts; 7 by default). */
  heavyReportDays?: number;
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

const health = z.object({ status: z.enum(['ok', 'unavailable']), database: z.boolean(), temporal: z.boolean() });

const serviceOperations: OperationSource = () => [
  {
    method: 'get', path: '/healthz', operationId: 'health', tag: 'Operação', auth: 'none',
    summary: 'PostgreSQL e Temporal alcançáveis?',
    responses: {
      200: { description: 'Ambos alcançáveis.', content: { type: 'application/json', schema: health } },
      503: { description: 'Um deles não responde.', content: { type: 'application/json', schema: health } },
    },
  },
  {
    method: 'get', path: '/metrics', operationId: 'metrics', tag: 'Operação', auth: 'none',
    summary: 'Métricas Prometheus (aqui, a menos que METRICS_ADDRESS lhes dê um endereço próprio)',
    responses: {
      200: { description: 'Formato de texto do Prometheus.', content: { type: 'text/plain', schema: { type: 'string' } } },
      404: { description: 'Servidas em METRICS_ADDRESS, não aqui.', content: { type: 'application/problem+json', schema: { $ref: '#/components/schemas/Problem' } } },
    },
  },
];

/** Every mounted route module's operations: the OpenAPI document is made of these. */
const OPERATIONS: OperationSource[] = [
  serviceOperations, eventOperations, catalogueOperations, optionOperations, permissionOperations,
  businessHoursOperations, reportOperations, ticketOperations, webhookEndpointOperations, reportScheduleOperations,
];

export function buildApp(deps: AppDeps): express.Express {
  const log = deps.log ?? (() => {});
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: '64kb', strict: true }));

  app.use(methodNotAllowed(OPERATIONS, 'outside-api'));

  app.get('/healthz', async (_req, res) => {
    const [database, temporal] = await Promise.all([
      deps.sql`select 1`.then(() => true, () => false),
      deps.workflows.healthy(),
    ]);
    res.status(database && temporal ? 200 : 503).json({ status: database && temporal ? 'ok' : 'unavailable', database, temporal } satisfies z.infer<typeof health>);
  });

  // Prometheus scrape endpoint, unauthenticated like /healthz: counts only, no tenant data beyond report types.
  if (deps.publicMetrics ?? true) app.get('/metrics', metricsHandler);

  if (deps.storage instanceof LocalStorage) app.use('/files', localFilesRouter(deps.storage));

  // The reports page (public/): static, no auth — it gets a token itself (docs/page.md). Never for /api/…:
  // public/ has no such folder, and looking costs every API request a file system stat (docs/performance.md).
  const page = express.static(path.join(__dirname, '..', '..', 'public'), { index: 'index.html', maxAge: 0 });
  app.use((req, res, next) => (req.path.startsWith('/api/') ? next() : page(req, res, next)));
  if (deps.demoLogin) app.use(deps.demoLogin);

  const events = deps.events ?? new ReportEventHub(deps.sql, { log });
  app.use('/api', openApiRoutes(OPERATIONS));
  app.use('/api', eventRoutes({ sql: deps.sql, jwtSecret: deps.jwtSecret, events }));

  const api = express.Router();
  api.use(authenticate(deps.sql, deps.jwtSecret));
  api.use(methodNotAllowed(OPERATIONS, 'api'));
  api.use(catalogueRoutes());
  api.use(optionRoutes(deps));
  api.use(permissionRoutes(deps));
  api.use(businessHoursRoutes(deps));
  api.use(reportRoutes({ ...deps, log }));
  api.use(ticketRoutes({ ...deps, log }));
  api.use(webhookEndpointRoutes({ ...deps, log }));
  api.use(reportScheduleRoutes({ ...deps, log }));
  app.use('/api', api);

  app.use(notFoundHandler);
  app.use(errorHandler((msg, err) => log(msg, { err: String((err as Error)?.stack ?? err) })));
  return app;
}
