// Asking for a report, wherever the request comes from (POST /api/reports, POST /api/tickets/:id/export).
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Sql } from '../db/connection';
import { transaction } from '../db/transaction';
import { AppError, type FieldError } from '../errors';
import { KEEP_PER_TYPE, deleteFinishedReport, findReportsBeyondKeep } from '../lifecycle/retention';
import { formatsOf, type ReportDefinition, type ReportFormat } from '../reports';
import { isHeavyReport } from '../reports/lanes';
import { applyPeriod } from '../reports/period';
import type { ReportStorage } from '../storage/storage';
import { reportsStarted } from '../metrics';
import type { ReportWorkflows } from '../temporal/client';
import { reportWorkflowId } from '../../workflows/definitions';
import type { CurrentUser } from './auth';
import { userMayUse } from './permissions';
import { fieldErrors } from './problems';
import { selectReports, toResource, type ReportRow } from './report-resource';

export interface CreateReportDeps {
  sql: Sql;
  workflows: ReportWorkflows;
  storage: ReportStorage;
  log: (msg: string, fields?: Record<string, unknown>) => void;
  /** MAX_PROCESSING_PER_COMPANY: beyond it a request is a 429. */
  maxProcessingPerCompany?: number;
  /** HEAVY_REPORT_DAYS: the period beyond which a row-per-event report exports on the heavy queue (7 by default). */
  heavyReportDays?: number;
}

export interface CreatedReport {
  report: ReturnType<typeof toResource>;
  /** False when an Idempotency-Key repeated an earlier request: `report` is that request's report. */
  created: boolean;
}

/** What a client waiting for a free slot should wait, in seconds: about the time a typical report takes. */
export const RETRY_AFTER_SECONDS = 30;
/** The longest a deleted report's stopping work holds a processing slot (its heartbeat timeout is 30 s). */
export const CANCELLATION_HOLDS_SLOT = '10 minutes';
/** HEAVY_REPORT_DAYS when unset (src/config.ts). */
export const DEFAULT_HEAVY_REPORT_DAYS = 7;
const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;

/**
 * Checks the type is allowed for the user's profile (403), resolves a relative `period` into `from`/`to` in
 * the company's zone, validates the filters (shape, then ids within
 * the caller's company; 400 naming `filters.<field>`), then in one transaction under the company's lock:
 * replays an earlier request with the same Idempotency-Key, refuses a company already at its processing
 * limit (429), and records the report as PROCESSING. Then starts its workflow (an unreachable Temporal is a
 * 503 and the record ends in ERROR) and prunes the company's reports of that type beyond the newest 7.
 */
export async function createReport(
  deps: CreateReportDeps, user: CurrentUser, report: ReportDefinition, rawFilters: unknown,
  options: { idempotencyKey?: string; memo?: Record<string, unknown>; format?: ReportFormat; schedule?: { id: string; name: string } } = {},
): Promise<CreatedReport> {
  const { sql, workflows, log } = deps;
  if (!(await userMayUse(sql, user, report.type))) {
    throw AppError.forbidden(`O seu perfil (${user.profile}) não tem permissão para gerar o relatório ${report.name}.`);
  }
  const offered = formatsOf(report);
  const format = options.format ?? offered[0];
  if (!offered.includes(format)) {
    const message = `format: o relatório ${report.name} é gerado somente em ${offered.join(' ou ')}`;
    throw AppError.badRequest('O formato pedido não existe para este relatório.', [{ path: 'format', message }]);
  }
  const unstorable = unstorableText(rawFilters, 'filters');
  if (unstorable.length) throw AppError.badRequest('Os filtros do relatório são inválidos.', unstorable);
  const [company] = await sql<{ timezone: string }[]>`select timezone from public.companies where id = ${user.companyId}`;
  const withPeriod = applyPeriod(report, rawFilters, { timezone: company?.timezone ?? 'UTC', now: new Date() });
  if (withPeriod.problems.length) throw AppError.badRequest('Os filtros do relatório são inválidos.', withPeriod.problems);
  const filters = report.filters.safeParse(withPeriod.filters);
  if (!filters.success) throw AppError.badRequest('Os filtros do relatório são inválidos.', fieldErrors(filters.error, 'filters'));
  const problems = (await report.checkFilters?.(sql, user.companyId, filters.data)) ?? [];
  if (problems.length) throw AppError.badRequest('Os filtros do relatório são inválidos.', problems);

  const id = randomUUID();
  const workflowId = reportWorkflowId(id);
  const maxProcessing = deps.maxProcessingPerCompany ?? 5;
  const filtersJson = sql.json(filters.data as never);
  const key = options.idempotencyKey;

  const earlier = await transaction(sql, '', async (tx) => {
    // One request of a company at a time from here to commit: the processing count cannot be raced past.
    await tx`select pg_advisory_xact_lock(hashtext('reports.create-report'), ${user.companyId % 2147483647}::int)`;
    if (key !== undefined) {
      // The key's primary key decides, not a read: a concurrent twin waits for this commit, then sees the key.
      const claimed = await tx`
        insert into reports.idempotency_keys (user_id, key, report_id) values (${user.id}, ${key}, ${id})
        on conflict (user_id, key) do update set report_id = excluded.report_id, created_at = now()
          where reports.idempotency_keys.created_at < now() - interval '24 hours'
        returning report_id`;
      if (claimed.length === 0) {
        const [previous] = await tx<{ id: string; same: boolean }[]>`
          select r.id, (r.type = ${report.type} and r.format = ${format} and r.filters = ${filtersJson}::jsonb) as same
          from reports.idempotency_keys k join reports.reports r on r.id = k.report_id
          where k.user_id = ${user.id} and k.key = ${key}`;
        if (!previous) throw AppError.conflict('Outro pedido com esta Idempotency-Key está em andamento. Tente novamente.');
        if (!previous.same) {
          throw new AppError(422, 'idempotency-key-reused',
            'Esta Idempotency-Key já foi usada nas últimas 24 horas para um pedido diferente (outro tipo, outro formato ou outros filtros).');
        }
        return previous.id;
      }
    }
    // Deleted reports whose work is still stopping count too (migration 012); a cancellation never holds
    // its slot for more than CANCELLATION_HOLDS_SLOT (a worker that died mid-cancel).
    const [{ processing }] = await tx<{ processing: number }[]>`
      select ((select count(*) from reports.reports where company_id = ${user.companyId} and status = 'PROCESSING')
            + (select count(*) from reports.cancellations where company_id = ${user.companyId}
                 and requested_at > now() - ${CANCELLATION_HOLDS_SLOT}::interval))::int as processing`;
    if (processing >= maxProcessing) {
      throw new AppError(429, 'too-many-processing',
        `A sua empresa já tem ${processing} relatórios em processamento, o máximo permitido é ${maxProcessing}. ` +
        `Aguarde um deles terminar e tente novamente.`,
        [], { 'Retry-After': String(RETRY_AFTER_SECONDS) });
    }
    await tx`
      insert into reports.reports (id, company_id, type, format, status, filters, requested_by, workflow_id, schedule_id, schedule_name)
      values (${id}, ${user.companyId}, ${report.type}, ${format}, 'PROCESSING',
              ${filtersJson}, ${user.id}, ${workflowId}, ${options.schedule?.id ?? null}, ${options.schedule?.name ?? null})`;
    return null;
  });
  if (earlier) {
    log('report request repeated with the same Idempotency-Key', { reportId: earlier, companyId: user.companyId });
    return { report: await loadResource(sql, user, earlier), created: false };
  }

  try {
    await workflows.start(
      {
        reportId: id, companyId: user.companyId, type: report.type, format,
        ...(isHeavyReport(report, format, filters.data, deps.heavyReportDays ?? DEFAULT_HEAVY_REPORT_DAYS) ? { heavy: true } : {}),
      },
      // No filters: contact and phone numbers must not show in the Temporal UI (the record keeps them).
      { requestedBy: { id: user.id }, ...options.memo },
    );
  } catch (err) {
    log('could not start report workflow', { reportId: id, workflowId, companyId: user.companyId, err: String(err) });
    await sql`update reports.reports set status = 'ERROR', finished_at = now(),
              error_message = 'O serviço de relatórios está indisponível. Tente novamente em alguns minutos.'
              where id = ${id}`;
    throw new AppError(503, 'unavailable', 'O serviço de relatórios está indisponível. Tente novamente em alguns minutos.');
  }
  reportsStarted.inc({ type: report.type });
  log('report requested', { reportId: id, workflowId, companyId: user.companyId, type: report.type });
  await pruneBeyondKeep(deps, user.companyId, report.type);
  return { report: await loadResource(sql, user, id), created: true };
}

/** 202 with the new report, or 200 with the one an earlier request with the same Idempotency-Key made. */
export function sendCreated(res: Response, result: CreatedReport): void {
  res.status(result.created ? 202 : 200).location(`/api/reports/${result.report.id}`).json(result.report);
}

/** The `Idempotency-Key` header, checked: printable ASCII, at most 255 characters. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    const message = 'Idempotency-Key: deve ter de 1 a 255 caracteres ASCII visíveis (por exemplo, um UUID)';
    throw AppError.badRequest('O cabeçalho Idempotency-Key é inválido.', [{ path: 'Idempotency-Key', message }]);
  }
  return key;
}

/**
 * Creating the 8th report of a type deletes the company's oldest finished one at once (DESIGN.md
 * "Lifecycle"). A failure here only delays it: the retention Schedule deletes what is left.
 */
async function pruneBeyondKeep(deps: CreateReportDeps, companyId: number, type: string): Promise<void> {
  try {
    for (const old of await findReportsBeyondKeep(deps.sql, KEEP_PER_TYPE, { companyId, type })) {
      if (await deleteFinishedReport(deps.sql, deps.storage, old)) {
        deps.log('report deleted: beyond the newest per type', { reportId: old.id, companyId, type });
      }
    }
  } catch (err) {
    deps.log('could not prune old reports; retention will', { companyId, type, err: String(err) });
  }
}

async function loadResource(sql: Sql, user: CurrentUser, id: string) {
  const [row] = await sql<ReportRow[]>`${selectReports(sql)} where r.id = ${id} and r.company_id = ${user.companyId}`;
  if (!row) throw AppError.notFound();
  return toResource(row);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text no filter can hold: NUL (PostgreSQL text cannot store it, and jsonb refuses `\u0000`) and lone UTF-16
 * surrogates (not Unicode; jsonb refuses them too). Refused by path before anything reaches the database.
 * No filter nests deeper than a list, so deeper values are left to the report's schema, which refuses them.
 */
export function unstorableText(value: unknown, path: string, depth = 0): FieldError[] {
  if (typeof value === 'string') {
    return value.includes('\u0000') || LONE_SURROGATE.test(value)
      ? [{ path, message: `${path}: contém um caractere inválido (NUL ou Unicode incompleto)` }]
      : [];
  }
  if (depth >= 4 || value === null || typeof value !== 'object') return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return entries.flatMap(([k, v]) => unstorableText(v, `${path}.${k}`, depth + 1));
}
