// The only module that reads process.env. Everything else receives a Config.
import { hkdfSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_RETRY_DELAYS_SECONDS } from './delivery/deliveries';
import { DEFAULT_MAIL_FROM } from './delivery/mail-sender';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z.object({
  NODE_ENV: optionalString,
  DATABASE_URL: optionalString,
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: optionalString.transform((v) => v ?? 'default'),
  TEMPORAL_TASK_QUEUE: optionalString.transform((v) => v ?? 'reports'),
  JWT_SECRET: optionalString,
  STORAGE: z.enum(['local', 'gcs']).optional().default('local'),
  GCS_BUCKET: optionalString,
  STORAGE_EMULATOR_HOST: optionalString,
  LOCAL_STORAGE_DIR: optionalString,
  CHROMIUM_PATH: optionalString.transform((v) => v ?? 'chromium'),
  HOST: optionalString,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optionalString,
  MAX_PROCESSING_PER_COMPANY: z.coerce.number().int().min(1).default(5),
  RETENTION_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  MIGRATE: z.enum(['true', 'false']).default('true'),
  DATA_DIR: optionalString,
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(0).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(0).max(65535).default(8233),
  EXPORT_PART_BYTES: z.coerce.number().int().min(64 * 1024).max(1024 * 1024 * 1024).default(8 * 1024 * 1024),
  WORKER_METRICS_ADDRESS: optionalString,
  EVENT_STREAMS_PER_USER: z.coerce.number().int().min(1).max(1000).default(5),
  EVENT_STREAMS_PER_COMPANY: z.coerce.number().int().min(1).max(100_000).default(200),
  METRICS_ADDRESS: optionalString.refine((v) => v === undefined || /^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/.test(v), 'must be host:port, e.g. 127.0.0.1:9464'),
  EXPORT_PARALLEL_RANGES: z.coerce.number().int().min(1).max(16).default(2),
  EXPORT_RANGE_ROWS: z.coerce.number().int().min(1000).max(10_000_000).default(50_000),
  EXPORT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(10),
  SMTP_URL: optionalString,
  MAIL_FROM: optionalString,
  MAILPIT_UI_PORT: z.coerce.number().int().min(0).max(65535).default(8025),
  SCHEDULE_JITTER_SECONDS: z.coerce.number().int().min(0).max(3600).default(0),
  WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).optional(),
  HEAVY_REPORT_DAYS: z.coerce.number().int().min(0).max(366).default(7),
  WORKER_TASK_QUEUES: z.enum(['all', 'main', 'heavy']).default('all'),
  WORKER_ACTIVITY_SLOTS: z.coerce.number().int().min(1).max(1000).default(8),
  WORKER_HEAVY_SLOTS: z.coerce.number().int().min(1).max(100).default(2),
  WORKER_DB_POOL: z.coerce.number().int().min(1).max(1000).default(10),
  WORKER_HEAVY_DB_POOL: z.coerce.number().int().min(1).max(1000).optional(),
  API_DB_POOL: z.coerce.number().int().min(1).max(1000).default(10),
  DELIVERY_RETRY_DELAYS: optionalString.pipe(
    z.string().regex(/^\d+(\s*,\s*\d+){0,19}$/, 'comma-separated whole seconds, at most 20, e.g. 5,300,1800').optional(),
  ),
});

/** Every variable the module reads (temporal-compose.yml is checked against it). */
export const ENVIRONMENT_VARIABLES = Object.keys(envSchema.shape);

export type Config = {
  production: boolean;
  databaseUrl: string | undefined;
  temporal: { address: string | undefined; namespace: string; taskQueue: string };
  /** Ports of the embedded Temporal dev server (gRPC, Web UI) when TEMPORAL_ADDRESS is unset. */
  temporalDev: { port: number; uiPort: number };
  jwtSecret: string;
  jwtSecretGenerated: boolean;
  /** HMAC key of local download links, derived from the JWT secret (never the secret itself). */
  linkSigningKey: string;
  storage:
    | { kind: 'local'; dir: string }
    | { kind: 'gcs'; bucket: string; emulatorHost: string | undefined };
  chromiumPath: string;
  port: number;
  /** Interface to listen on; unset: loopback for `npm start`, all interfaces for `start:api`. */
  host: string | undefined;
  publicUrl: string;
  maxProcessingPerCompany: number;
  /** How often the retention Schedule runs (expired links, reports beyond the newest 7 per type). */
  retentionIntervalMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** host:port where a worker serves the Temporal SDK's Prometheus metrics (unset: not served). */
  workerMetricsAddress: string | undefined;
  migrate: boolean;
  /** Live event streams (GET /api/reports/events) open at once in one API process, per user and per company. */
  eventStreams: { perUser: number; perCompany: number };
  /** host:port where the API serves /metrics instead of on its public port (unset: on the public port). */
  metricsAddress: string | undefined;
  /** Where the embedded default keeps its PostgreSQL cluster, Temporal SQLite file and files. */
  dataDir: string;
  /** CSV exports: bytes per stored part (the checkpoint interval) and attempts before ERROR. */
  export: { partBytes: number; maxAttempts: number; parallelRanges: number; rangeRows: number };
  /** Deliveries: where webhooks may go (checked at registration and every send), and the waits between attempts. */
  delivery: { allowPrivate: boolean; httpsOnly: boolean; retryDelaysSeconds: number[] };
  /** Schedules' mails: SMTP_URL (unset: the embedded default starts Mailpit) and MAIL_FROM. */
  mail: { smtpUrl: string | undefined; from: string };
  /** Web UI port of the embedded Mailpit when SMTP_URL is unset. */
  mailpitUiPort: number;
  /** Runs of report schedules due at the same minute start spread over up to this many seconds. */
  scheduleJitterSeconds: number;
  /**
   * A report of a type with a row per message or event whose period spans more than this many days (or that
   * has no period) is heavy: its export runs on `<taskQueue>-heavy` (src/reports/lanes.ts, docs/operations.md).
   */
  heavyReportDays: number;
  /**
   * A worker's budgets: activities at once on the task queue (small reports, records, deliveries) and on the
   * heavy one, and the PostgreSQL connections of each (separate pools: heavy exports cannot take them all).
   */
  worker: { queues: 'all' | 'main' | 'heavy'; slots: number; heavySlots: number; dbPool: number; heavyDbPool: number };
  /** Connections of the API process's pool. */
  apiDbPool: number;
};

/**
 * The most connections one export holds at once: a split export's EXPORT_PARALLEL_RANGES COPYs and a
 * checkpoint's update (activities/export-ranges.ts); a single COPY, its concurrent count and an update
 * (activities/export-csv.ts) take at most 3. A heavy pool below WORKER_HEAVY_SLOTS × this could leave every
 * export holding its transactions while waiting for another connection.
 */
export function connectionsPerExport(parallelRanges: number): number {
  return Math.max(3, parallelRanges + 1);
}

export class ConfigError extends Error {}

/** The shortest JWT_SECRET production accepts: an HS256 key should be at least as long as its hash. */
export const MIN_PRODUCTION_SECRET_BYTES = 32;

/**
 * The key that signs local download links, derived from the JWT secret with HKDF under a label of its own,
 * so a leaked link key cannot mint tokens and a token secret is never used for two purposes.
 */
export function deriveLinkSigningKey(jwtSecret: string): string {
  return Buffer.from(hkdfSync('sha256', jwtSecret, '', 'reports-module/download-links/v1', 32)).toString('hex');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && !e.JWT_SECRET) {
    throw new ConfigError('JWT_SECRET is required when NODE_ENV=production');
  }
  if (production && Buffer.byteLength(e.JWT_SECRET!, 'utf8') < MIN_PRODUCTION_SECRET_BYTES) {
    throw new ConfigError(
      `JWT_SECRET is ${Buffer.byteLength(e.JWT_SECRET!, 'utf8')} bytes long; NODE_ENV=production needs at least ` +
        `${MIN_PRODUCTION_SECRET_BYTES} (e.g. \`openssl rand -hex 32\`). A placeholder is never a secret.`,
    );
  }
  const perExport = connectionsPerExport(e.EXPORT_PARALLEL_RANGES);
  const heavyDbPool = e.WORKER_HEAVY_DB_POOL ?? e.WORKER_HEAVY_SLOTS * perExport;
  if (heavyDbPool < e.WORKER_HEAVY_SLOTS * perExport) {
    throw new ConfigError(
      `WORKER_HEAVY_DB_POOL is ${heavyDbPool}; WORKER_HEAVY_SLOTS=${e.WORKER_HEAVY_SLOTS} with EXPORT_PARALLEL_RANGES=${e.EXPORT_PARALLEL_RANGES} ` +
        `needs at least ${e.WORKER_HEAVY_SLOTS * perExport} (${perExport} connections per export at once)`,
    );
  }
  if (e.STORAGE === 'gcs' && !e.GCS_BUCKET) {
    throw new ConfigError('GCS_BUCKET is required when STORAGE=gcs');
  }
  const dataDir = path.resolve(e.DATA_DIR ?? '.data');
  const jwtSecret = e.JWT_SECRET ?? randomBytes(32).toString('hex');
  return {
    production,
    databaseUrl: e.DATABASE_URL,
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE },
    temporalDev: { port: e.TEMPORAL_DEV_PORT, uiPort: e.TEMPORAL_UI_PORT },
    jwtSecret,
    jwtSecretGenerated: !e.JWT_SECRET,
    linkSigningKey: deriveLinkSigningKey(jwtSecret),
    storage:
      e.STORAGE === 'gcs'
        ? { kind: 'gcs', bucket: e.GCS_BUCKET!, emulatorHost: e.STORAGE_EMULATOR_HOST }
        : { kind: 'local', dir: path.resolve(e.LOCAL_STORAGE_DIR ?? path.join(dataDir, 'files')) },
    chromiumPath: e.CHROMIUM_PATH,
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    maxProcessingPerCompany: e.MAX_PROCESSING_PER_COMPANY,
    retentionIntervalMs: e.RETENTION_INTERVAL_MINUTES * 60 * 1000,
    logLevel: e.LOG_LEVEL,
    workerMetricsAddress: e.WORKER_METRICS_ADDRESS,
    metricsAddress: e.METRICS_ADDRESS,
    eventStreams: { perUser: e.EVENT_STREAMS_PER_USER, perCompany: e.EVENT_STREAMS_PER_COMPANY },
    migrate: e.MIGRATE === 'true',
    dataDir,
    export: { partBytes: e.EXPORT_PART_BYTES, maxAttempts: e.EXPORT_MAX_ATTEMPTS, parallelRanges: e.EXPORT_PARALLEL_RANGES, rangeRows: e.EXPORT_RANGE_ROWS },
    delivery: {
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE ? e.WEBHOOK_ALLOW_PRIVATE === 'true' : !production,
      httpsOnly: production,
      retryDelaysSeconds: e.DELIVERY_RETRY_DELAYS
        ? e.DELIVERY_RETRY_DELAYS.split(',').map((v) => Number(v.trim()))
        : DEFAULT_RETRY_DELAYS_SECONDS,
    },
    scheduleJitterSeconds: e.SCHEDULE_JITTER_SECONDS,
    heavyReportDays: e.HEAVY_REPORT_DAYS,
    worker: { queues: e.WORKER_TASK_QUEUES, slots: e.WORKER_ACTIVITY_SLOTS, heavySlots: e.WORKER_HEAVY_SLOTS, dbPool: e.WORKER_DB_POOL, heavyDbPool },
    apiDbPool: e.API_DB_POOL,
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM ?? DEFAULT_MAIL_FROM },
    mailpitUiPort: e.MAILPIT_UI_PORT,
  };
}

/** For entry points: a bad environment ends the process with its message and exit code 1, not a stack trace. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`reports: refusing to start: ${err.message}`);
    process.exit(1);
  }
}
