// /api/report-schedules: reports that make themselves on a cadence and go to their recipients (docs/delivery.md).
import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import type { Sql } from '../db/connection';
import { transaction } from '../db/transaction';
import { DEFAULT_RETRY_DELAYS_SECONDS, selectDeliveries, toDeliveryResource, type DeliveryRow } from '../delivery/deliveries';
import { redeliver } from '../delivery/redeliver';
import { AppError } from '../errors';
import { findReport } from '../reports';
import { cadenceInWords } from '../schedules/cadence';
import {
  createScheduleBody, MAX_SCHEDULES_PER_COMPANY, patchScheduleBody, validateSchedule, type ScheduleInput, type ValidSchedule,
} from '../schedules/schedule-input';
import { finishDelete, reconcileSchedules, selectSchedules, syncSchedule, type ScheduleRow, type ScheduleSync } from '../schedules/store';
import { nextRuns } from '../schedules/temporal-schedule';
import type { ReportStorage } from '../storage/storage';
import type { ReportWorkflows } from '../temporal/client';
import { currentUser, type CurrentUser } from './auth';
import { createReport, sendCreated, unstorableText } from './create-report';
import { loadPermissions, mayUse } from './permissions';
import { fieldErrors } from './problems';
import type { ReportFormat } from '../reports';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UNAVAILABLE = 'O serviço de agendamentos está indisponível. Tente novamente em alguns minutos.';

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

  async function resource(row: ScheduleRow) {
    const [last] = await sql<{ id: string; status: string; createdAt: Date }[]>`
      select id, status, created_at as "createdAt" from reports.reports where schedule_id = ${row.id} order by created_at desc limit 1`;
    const failedLater = row.lastFailureAt && (!last || row.lastFailureAt > last.createdAt);
    return {
      id: row.id,
      name: row.name,
      type: row.type,
      typeName: findReport(row.type)?.name ?? row.type,
      filters: row.filters,
      format: row.format,
      cadence: row.cadence,
      cadenceText: cadenceInWords(row.cadence),
      timezone: row.timezone,
      recipients: { emails: row.emails, webhookEndpointIds: row.webhookEndpointIds },
      paused: row.paused,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      nextRunAt: await nextRuns(deps.workflows.client, row.id).catch(() => []),
      lastRun: failedLater
        ? { reportId: null, status: 'ERROR', at: row.lastFailureAt!.toISOString(), error: { message: row.lastFailure } }
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
    res.json({ schedules: await Promise.all(visible.map(resource)) });
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
    const runs = await sql<{ reportId: string; status: string; at: Date }[]>`
      select id as "reportId", status, created_at as at from reports.reports
      where schedule_id = ${row.id} and company_id = ${user.companyId} order by created_at desc limit 50`;
    res.json({ ...(await resource(row)), runs: runs.map((r) => ({ ...r, at: r.at.toISOString() })) });
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
    res.json({ deliveries: rows.map(toDeliveryResource) });
  });

  // Sends a FAILED delivery of one of its runs again (docs/delivery.md, "Redelivering").
  router.post('/report-schedules/:id/deliveries/:deliveryId/retry', async (req, res) => {
    const user = await manager(req);
    const row = await find(user, req.params.id);
    res.status(202).json(await redeliver(sql, deps.workflows, user.companyId, req.params.deliveryId, { scheduleId: row.id }, retryDelaysSeconds));
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
