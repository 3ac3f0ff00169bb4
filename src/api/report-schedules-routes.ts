// /api/report-schedules: reports that make themselves on a cadence and go to their recipients (docs/delivery.md).
import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Sql } from '../db/connection';
import { transaction } from '../db/transaction';
import { DEFAULT_RETRY_DELAYS_SECONDS, deliveryList, selectDeliveries, toDeliveryResource, type DeliveryRow } from '../delivery/deliveries';
import { redeliver } from '../delivery/redeliver';
import { AppError } from '../errors';
import { REPORTS, findReport } from '../reports';
import { cadenceInWords, cadenceSchema } from '../schedules/cadence';
import {
  createScheduleBody, isSchedulable, MAX_SCHEDULES_PER_COMPANY, patchScheduleBody, validateSchedule, type ScheduleInput, type ValidSchedule,
} from '../schedules/schedule-input';
import { finishDelete, reconcileSchedules, selectSchedules, syncSchedule, type ScheduleRow, type ScheduleSync } from '../schedules/store';
import { nextRuns } from '../schedules/temporal-schedule';
import type { ReportStorage } from '../storage/storage';
import type { ReportWorkflows } from '../temporal/client';
import { currentUser, type CurrentUser } from './auth';
import { createReport, sendCreated, unstorableText } from './create-report';
import { RETRY_AFTER, json, jsonSchema, problem, ref, type ApiHeader, type JsonSchema, type OperationSource } from './openapi';
import { loadPermissions, mayUse } from './permissions';
import { fieldErrors } from './problems';
import type { ReportFormat } from '../reports';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UNAVAILABLE = 'O serviço de agendamentos está indisponível. Tente novamente em alguns minutos.';

const isoInstant = z.iso.datetime();
const reportStatus = z.enum(['PROCESSING', 'READY', 'ERROR']);
type ReportStatus = z.infer<typeof reportStatus>;

/** What resource() returns, as the OpenAPI document publishes it (component `Schedule`). */
export const scheduleResource = z.object({
  id: z.uuid(),
  name: z.string(),
  type: z.string(),
  typeName: z.string().meta({ description: 'O nome do tipo, em português.' }),
  filters: z.record(z.string(), z.unknown()).meta({ description: 'Os filtros como gravados (`period` continua relativo).' }),
  format: z.enum(['csv', 'xlsx', 'pdf']),
  cadence: cadenceSchema,
  cadenceText: z.string().meta({ description: 'A cadência em palavras: "toda segunda-feira às 08:00".' }),
  timezone: z.string().meta({ description: 'O fuso da empresa, em que `cadence.at` vale.' }),
  recipients: z.object({ emails: z.array(z.string()), webhookEndpointIds: z.array(z.uuid()) }),
  paused: z.boolean(),
  createdAt: isoInstant,
  updatedAt: isoInstant,
  nextRunAt: z.array(isoInstant).max(3).meta({ description: 'As próximas até 3 execuções; vazio se pausado ou se o Temporal não responde.' }),
  lastRun: z.object({
    reportId: z.uuid().nullable().meta({ description: 'null quando a execução não chegou a criar um relatório (`error` diz por quê).' }),
    status: reportStatus,
    at: isoInstant,
    error: z.object({ message: z.string() }).optional(),
  }).nullable(),
});
type ScheduleResource = z.infer<typeof scheduleResource>;
const scheduleDetail = scheduleResource.extend({
  runs: z.array(z.object({ reportId: z.uuid(), status: reportStatus, at: isoInstant }))
    .meta({ description: 'Os relatórios que fez e que ainda existem, do mais novo ao mais antigo (até 50).' }),
});
const scheduleList = z.object({ schedules: z.array(scheduleResource) });

export interface ScheduleRouteDeps {
  sql: Sql;
  workflows: ReportWorkflows;
  storage: ReportStorage;
  log: (msg: string, fields?: Record<string, unknown>) => void;
  maxProcessingPerCompany?: number;
  /** HEAVY_REPORT_DAYS (src/reports/lanes.ts; 7 by default). */
  heavyReportDays?: number;
  /** SCHEDULE_JITTER_SECONDS. */
  scheduleJitterSeconds?: number;
  delivery?: { retryDelaysSeconds: number[] };
}

export function reportScheduleRoutes(deps: ScheduleRouteDeps): Router {
  const { sql, log } = deps;
  const sync: ScheduleSync = { client: deps.workflows.client, temporal: { taskQueue: deps.workflows.taskQueue, jitterSeconds: deps.scheduleJitterSeconds } };
  const retryDelaysSeconds = deps.delivery?.retryDelaysSeconds ?? DEFAULT_RETRY_DELAYS_SECONDS;
  const router = Router();

  /** Admins and supervisors; before anything, what a request that died half-way left is settled. */
  async function manager(req: Request): Promise<CurrentUser> {
    const user = currentUser(req);
    if (user.profile === 'user') throw AppError.forbidden('Somente administradores e supervisores gerenciam agendamentos.');
    await reconcileSchedules(sql, sync, { companyId: user.companyId }).catch((err: unknown) => {
      log('could not reconcile schedules', { companyId: user.companyId, err: String(err) });
    });
    return user;
  }

  async function find(user: CurrentUser, id: string): Promise<ScheduleRow> {
    const [row] = UUID.test(id)
      ? await sql<ScheduleRow[]>`${selectSchedules(sql)}
          where s.id = ${id} and s.company_id = ${user.companyId} and s.sync_state in ('synced', 'updating')`
      : [];
    // A schedule of a type the user may not use is as absent as another company's.
    if (!row || !mayUse(user.profile, row.type, await loadPermissions(sql, user.companyId))) throw AppError.notFound('Agendamento não encontrado.');
    return row;
  }

  const timezoneOf = async (companyId: number) =>
    (await sql<{ timezone: string }[]>`select timezone from public.companies where id = ${companyId}`)[0]?.timezone ?? 'UTC';

  async function resource(row: ScheduleRow): Promise<ScheduleResource> {
    const [last] = await sql<{ id: string; status: ReportStatus; createdAt: Date }[]>`
      select id, status, created_at as "createdAt" from reports.reports where schedule_id = ${row.id} order by created_at desc limit 1`;
    const failedLater = row.lastFailureAt && (!last || row.lastFailureAt > last.createdAt);
    return {
      id: row.id,
      name: row.name,
      type: row.type,
      typeName: findReport(row.type)?.name ?? row.type,
      filters: row.filters,
      format: row.format as ReportFormat,
      cadence: row.cadence,
      cadenceText: cadenceInWords(row.cadence),
      timezone: row.timezone,
      recipients: { emails: row.emails, webhookEndpointIds: row.webhookEndpointIds },
      paused: row.paused,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      nextRunAt: await nextRuns(deps.workflows.client, row.id).catch(() => []),
      lastRun: failedLater
        ? { reportId: null, status: 'ERROR', at: row.lastFailureAt!.toISOString(), error: { message: row.lastFailure ?? 'A execução não gerou o relatório.' } }
        : last ? { reportId: last.id, status: last.status, at: last.createdAt.toISOString() } : null,
    };
  }

  /** Pushes the record to Temporal; a failure leaves it for reconciliation and answers 503. */
  async function pushOrLeave(row: ScheduleRow): Promise<void> {
    try {
      await syncSchedule(sql, sync, row);
    } catch (err) {
      log('could not sync report schedule with Temporal', { scheduleId: row.id, companyId: row.companyId, err: String(err) });
      throw new AppError(503, 'unavailable', UNAVAILABLE);
    }
  }

  router.get('/report-schedules', async (req, res) => {
    const user = await manager(req);
    const permissions = await loadPermissions(sql, user.companyId);
    const rows = await sql<ScheduleRow[]>`${selectSchedules(sql)}
      where s.company_id = ${user.companyId} and s.sync_state in ('synced', 'updating') order by s.created_at, s.id`;
    const visible = rows.filter((r) => mayUse(user.profile, r.type, permissions));
    res.json({ schedules: await Promise.all(visible.map(resource)) } satisfies z.infer<typeof scheduleList>);
  });

  router.post('/report-schedules', async (req, res) => {
    const user = await manager(req);
    refuseUnstorable(req.body);
    const body = createScheduleBody.safeParse(req.body ?? {});
    if (!body.success) throw AppError.badRequest('O agendamento é inválido.', fieldErrors(body.error));
    const valid = await validateSchedule(sql, user, body.data as ScheduleInput, await timezoneOf(user.companyId));
    const id = randomUUID();
    await transaction(sql, '', async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext('reports.report-schedules'), ${user.companyId % 2147483647}::int)`;
      const [{ count }] = await tx<{ count: number }[]>`
        select count(*)::int as count from reports.report_schedules where company_id = ${user.companyId}`;
      if (count >= MAX_SCHEDULES_PER_COMPANY) {
        throw AppError.conflict(`A empresa já tem ${count} agendamentos, o máximo permitido. Remova um antes de criar outro.`);
      }
      await tx`insert into reports.report_schedules
        (id, company_id, name, type, filters, format, cadence, emails, webhook_endpoint_ids, paused, created_by, sync_state)
        values (${id}, ${user.companyId}, ${valid.name}, ${valid.report.type}, ${tx.json(valid.filters as never)}, ${valid.format},
                ${tx.json(valid.cadence as never)}, ${valid.emails}, ${valid.webhookEndpointIds}::uuid[], ${valid.paused}, ${user.id}, 'creating')`;
    });
    const [row] = await sql<ScheduleRow[]>`${selectSchedules(sql)} where s.id = ${id}`;
    try {
      await syncSchedule(sql, sync, row);
    } catch (err) {
      // Undo: the requester hears 503, so no schedule may appear later.
      log('could not create the Temporal Schedule; creation undone', { scheduleId: id, companyId: user.companyId, err: String(err) });
      await sql`update reports.report_schedules set sync_state = 'deleting' where id = ${id}`;
      await finishDelete(sql, sync, id).catch(() => {});
      throw new AppError(503, 'unavailable', UNAVAILABLE);
    }
    log('report schedule created', { scheduleId: id, companyId: user.companyId, type: valid.report.type });
    res.status(201).location(`/api/report-schedules/${id}`).json(await resource({ ...row, syncState: 'synced' }));
  });

  // One schedule, with the runs it made that are still kept (newest first): its history, from its detail.
  router.get('/report-schedules/:id', async (req, res) => {
    const user = await manager(req);
    const row = await find(user, req.params.id);
    const runs = await sql<{ reportId: string; status: ReportStatus; at: Date }[]>`
      select id as "reportId", status, created_at as at from reports.reports
      where schedule_id = ${row.id} and company_id = ${user.companyId} order by created_at desc limit 50`;
    res.json({ ...(await resource(row)), runs: runs.map((r) => ({ ...r, at: r.at.toISOString() })) } satisfies z.infer<typeof scheduleDetail>);
  });

  router.patch('/report-schedules/:id', async (req, res) => {
    const user = await manager(req);
    const current = await find(user, req.params.id);
    refuseUnstorable(req.body);
    const body = patchScheduleBody.safeParse(req.body ?? {});
    if (!body.success) throw AppError.badRequest('O agendamento é inválido.', fieldErrors(body.error));
    // Pausing or resuming alone is always possible, even when the schedule's filters no longer validate.
    if (Object.keys(body.data).every((k) => k === 'paused') && body.data.paused !== undefined) {
      await sql`update reports.report_schedules set paused = ${body.data.paused}, updated_at = clock_timestamp(), sync_state = 'updating', sync_since = now()
                where id = ${current.id} and sync_state in ('synced', 'updating')`;
      const [fresh] = await sql<ScheduleRow[]>`${selectSchedules(sql)} where s.id = ${current.id}`;
      await pushOrLeave(fresh);
      res.json(await resource(fresh));
      return;
    }
    const merged: ScheduleInput = {
      name: current.name, type: current.type, filters: current.filters, format: current.format, cadence: current.cadence,
      paused: current.paused, ...(body.data as Partial<ScheduleInput>),
      recipients: { emails: current.emails, webhookEndpointIds: current.webhookEndpointIds, ...body.data.recipients },
    };
    // A new type must fit the filters: changing the type without filters keeps the old ones, which it validates.
    const valid: ValidSchedule = await validateSchedule(sql, user, merged, current.timezone);
    const [row] = await sql<ScheduleRow[]>`
      with updated as (
        update reports.report_schedules set name = ${valid.name}, type = ${valid.report.type}, filters = ${sql.json(valid.filters as never)},
          format = ${valid.format}, cadence = ${sql.json(valid.cadence as never)}, emails = ${valid.emails},
          webhook_endpoint_ids = ${valid.webhookEndpointIds}::uuid[], paused = ${valid.paused}, updated_at = clock_timestamp(),
          sync_state = 'updating', sync_since = now()
        where id = ${current.id} and sync_state in ('synced', 'updating') returning id)
      select 1 from updated`;
    if (!row) throw AppError.notFound('Agendamento não encontrado.');
    const [fresh] = await sql<ScheduleRow[]>`${selectSchedules(sql)} where s.id = ${current.id}`;
    await pushOrLeave(fresh);
    res.json(await resource(fresh));
  });

  router.delete('/report-schedules/:id', async (req, res) => {
    const user = await manager(req);
    const row = await find(user, req.params.id);
    await sql`update reports.report_schedules set sync_state = 'deleting', sync_since = now() where id = ${row.id}`;
    try {
      await finishDelete(sql, sync, row.id);
    } catch (err) {
      // Gone for the API already; reconciliation removes the Temporal Schedule, then the row.
      log('could not delete the Temporal Schedule; reconciliation will', { scheduleId: row.id, err: String(err) });
    }
    log('report schedule deleted', { scheduleId: row.id, companyId: user.companyId });
    res.status(204).end();
  });

  router.post('/report-schedules/:id/run', async (req, res) => {
    const user = await manager(req);
    const row = await find(user, req.params.id);
    const report = findReport(row.type)!;
    const result = await createReport({ ...deps, log }, user, report, row.filters, {
      schedule: { id: row.id, name: row.name }, memo: { scheduleId: row.id, manual: true }, format: row.format as ReportFormat,
    });
    sendCreated(res, result);
  });

  router.get('/report-schedules/:id/deliveries', async (req, res) => {
    const user = await manager(req);
    const row = await find(user, req.params.id);
    const rows = await sql<DeliveryRow[]>`${selectDeliveries(sql)}
      where d.schedule_id = ${row.id} and d.company_id = ${user.companyId} order by d.created_at desc, d.id limit 200`;
    res.json({ deliveries: rows.map(toDeliveryResource) } satisfies z.infer<typeof deliveryList>);
  });

  // Sends a FAILED delivery of one of its runs again (docs/delivery.md, "Redelivering").
  router.post('/report-schedules/:id/deliveries/:deliveryId/retry', async (req, res) => {
    const user = await manager(req);
    const row = await find(user, req.params.id);
    res.status(202).json(await redeliver({ sql, workflows: deps.workflows, log }, user.companyId, req.params.deliveryId, { scheduleId: row.id }, retryDelaysSeconds));
  });

  return router;
}

/** Text PostgreSQL cannot keep (NUL, lone surrogates) is refused by path before it reaches a query. */
function refuseUnstorable(body: unknown): void {
  const problems = body && typeof body === 'object' && !Array.isArray(body)
    ? Object.entries(body).flatMap(([k, v]) => unstorableText(v, k))
    : [];
  if (problems.length) throw AppError.badRequest('O agendamento é inválido.', problems);
}

/** A body schema with `type` an enum of the registered types that may be scheduled (checked against the registry at run time). */
function withScheduleTypes(body: z.ZodType): JsonSchema {
  const schema = jsonSchema(body, 'input') as { properties: Record<string, JsonSchema> };
  const types = REPORTS.filter(isSchedulable).map((r) => r.type);
  return {
    ...schema,
    properties: {
      ...schema.properties,
      type: { type: 'string', enum: types, description: 'Um tipo de GET /api/report-types (exceto o Detalhe do Ticket).' },
      format: { type: 'string', enum: ['csv', 'xlsx', 'pdf'], description: 'Um dos `formats` do tipo; o padrão dele quando omitido.' },
    },
  };
}

const scheduleId = { id: { description: 'O id do agendamento.', schema: { type: 'string', format: 'uuid' } } };
const deliveryId = { ...scheduleId, deliveryId: { description: 'O id da entrega.', schema: { type: 'string', format: 'uuid' } } };
const location = (what: string): Record<string, ApiHeader> => ({ Location: { description: what, schema: { type: 'string' }, required: true } });
const forbidden = problem('Somente administradores e supervisores gerenciam agendamentos.');
const notFound = problem('Inexistente, de outra empresa ou de um tipo que o perfil do usuário não pode usar.');
const invalid = problem('Corpo inválido; `errors` nomeia cada campo (`filters.from`, `recipients.emails.0`…).');

export const reportScheduleOperations: OperationSource = () => [
  {
    method: 'get', path: '/api/report-schedules', operationId: 'listReportSchedules', tag: 'Agendamentos',
    summary: 'Os agendamentos da empresa (dos tipos que o usuário pode usar)',
    responses: { 200: json(scheduleList, 'Os agendamentos, do mais antigo ao mais novo.'), 403: forbidden },
  },
  {
    method: 'post', path: '/api/report-schedules', operationId: 'createReportSchedule', tag: 'Agendamentos',
    summary: 'Cria um agendamento: um relatório que se gera numa cadência e vai aos destinatários',
    description: `Os filtros valem como em POST /api/reports (com \`period\` relativo no lugar de from/to). No máximo ${MAX_SCHEDULES_PER_COMPANY} por empresa.`,
    body: withScheduleTypes(createScheduleBody),
    responses: {
      201: json(ref('Schedule'), 'Criado (e o seu Schedule no Temporal).', location('O endereço do agendamento (`/api/report-schedules/<id>`).')),
      400: invalid,
      403: problem('O perfil não gerencia agendamentos ou não pode usar este tipo.'),
      409: problem(`A empresa já tem ${MAX_SCHEDULES_PER_COMPANY} agendamentos.`),
      503: problem('O Temporal está inacessível: nada foi criado.'),
    },
  },
  {
    method: 'get', path: '/api/report-schedules/{id}', operationId: 'getReportSchedule', tag: 'Agendamentos',
    summary: 'Um agendamento, com os relatórios que fez', pathParams: scheduleId,
    responses: { 200: json(scheduleDetail, 'O agendamento e as suas execuções.'), 403: forbidden, 404: notFound },
  },
  {
    method: 'patch', path: '/api/report-schedules/{id}', operationId: 'updateReportSchedule', tag: 'Agendamentos',
    summary: 'Altera, pausa ou retoma um agendamento',
    description: 'Só os campos enviados mudam; o resultado é validado inteiro. Pausar ou retomar (`{ "paused": … }` sozinho) sempre é possível.',
    pathParams: scheduleId, body: withScheduleTypes(patchScheduleBody),
    responses: {
      200: json(ref('Schedule'), 'O agendamento, como ficou.'),
      400: invalid,
      403: problem('O perfil não gerencia agendamentos ou não pode usar o novo tipo.'),
      404: notFound,
      503: problem('O Temporal está inacessível: a mudança é levada a ele depois (reconciliação).'),
    },
  },
  {
    method: 'delete', path: '/api/report-schedules/{id}', operationId: 'deleteReportSchedule', tag: 'Agendamentos',
    summary: 'Remove um agendamento (os relatórios que fez ficam)', pathParams: scheduleId,
    responses: { 204: { description: 'Removido; o seu Schedule no Temporal sai agora ou na reconciliação.' }, 403: forbidden, 404: notFound },
  },
  {
    method: 'post', path: '/api/report-schedules/{id}/run', operationId: 'runReportSchedule', tag: 'Agendamentos',
    summary: 'Gera agora o relatório do agendamento (e o entrega)', pathParams: scheduleId,
    responses: {
      202: json(ref('Report'), 'Pedido aceito: o relatório está em processamento.', location('O endereço do relatório (`/api/reports/<id>`).')),
      400: problem('Os filtros gravados não valem mais (um id removido, por exemplo); `errors` nomeia cada um.'),
      403: forbidden,
      404: notFound,
      429: problem('A empresa já tem o máximo de relatórios em processamento.', { 'Retry-After': RETRY_AFTER }),
      503: problem('O Temporal está inacessível: o relatório termina em ERROR.'),
    },
  },
  {
    method: 'get', path: '/api/report-schedules/{id}/deliveries', operationId: 'listReportScheduleDeliveries', tag: 'Agendamentos',
    summary: 'As últimas 200 entregas das execuções do agendamento, da mais nova à mais antiga', pathParams: scheduleId,
    responses: { 200: json(deliveryList, 'As entregas (e-mails e webhooks).'), 403: forbidden, 404: notFound },
  },
  {
    method: 'post', path: '/api/report-schedules/{id}/deliveries/{deliveryId}/retry', operationId: 'retryReportScheduleDelivery', tag: 'Agendamentos',
    summary: 'Reenvia uma entrega FAILED de uma execução (a mesma mensagem)', pathParams: deliveryId,
    responses: {
      202: json(ref('Delivery'), 'Aceito: a entrega está PENDING de novo.'),
      403: forbidden,
      404: problem('Agendamento ou entrega inexistente, ou de outra empresa.'),
      409: problem('A entrega não está FAILED, o link do relatório já expirou ou o destinatário não é mais um usuário ativo.'),
      503: problem('O Temporal está inacessível: a entrega continua FAILED.'),
    },
  },
];
