// /api/reports: request, list, read and download reports.
import { Router } from 'express';
import { z } from 'zod';
import type { Sql } from '../db/connection';
import { AppError } from '../errors';
import { deleteFinishedReport, deleteReportFiles } from '../lifecycle/retention';
import { REPORTS, findReport } from '../reports';
import type { ReportStorage } from '../storage/storage';
import type { ReportWorkflows } from '../temporal/client';
import { currentUser, type CurrentUser } from './auth';
import { createReport, idempotencyKeyOf, sendCreated } from './create-report';
import { visibleTo } from './permissions';
import { fieldErrors } from './problems';
import { selectReports, toResource, type ReportRow } from './report-resource';

export interface ReportRoutesDeps {
  sql: Sql;
  storage: ReportStorage;
  workflows: ReportWorkflows;
  log: (msg: string, fields?: Record<string, unknown>) => void;
  maxProcessingPerCompany?: number;
}

/** A registered type, read from the registry when a request is validated (types can be added at run time). */
const reportType = z.string().superRefine((type, ctx) => {
  if (!findReport(type)) ctx.addIssue({ code: 'custom', message: `type: deve ser um destes tipos: ${REPORTS.map((r) => r.type).join(', ')}` });
});

const createBody = z.strictObject({
  type: reportType,
  // Taken as sent: z.record() would drop a `__proto__` key silently, and each report's own strict schema
  // is what refuses unknown fields (`filters.__proto__: campo desconhecido`).
  filters: z
    .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { error: 'filters: deve ser um objeto' })
    .optional()
    .default({}),
  // Which formats a type offers is checked against the type itself (createReport): `format` names the field.
  format: z.enum(['csv', 'xlsx', 'pdf'], { error: 'format: deve ser csv, xlsx ou pdf' }).optional(),
});

const listQuery = z.strictObject({
  type: reportType.optional(),
  status: z.enum(['PROCESSING', 'READY', 'ERROR'], { error: 'status: deve ser PROCESSING, READY ou ERROR' }).optional(),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function reportRoutes(deps: ReportRoutesDeps): Router {
  const { sql, storage } = deps;
  const router = Router();

  router.post('/reports', async (req, res) => {
    const body = createBody.safeParse(req.body ?? {});
    if (!body.success) throw AppError.badRequest('O pedido de relatório é inválido.', fieldErrors(body.error));
    const idempotencyKey = idempotencyKeyOf(req);
    sendCreated(res, await createReport(deps, currentUser(req), findReport(body.data.type)!, body.data.filters, { idempotencyKey, format: body.data.format }));
  });

  router.get('/reports', async (req, res) => {
    const user = currentUser(req);
    const query = listQuery.safeParse(req.query);
    if (!query.success) throw AppError.badRequest('Os parâmetros da lista são inválidos.', fieldErrors(query.error));
    const { type, status } = query.data;
    const rows = await sql<ReportRow[]>`
      ${selectReports(sql)}
      where ${visibleTo(sql, user)}
        ${type ? sql`and r.type = ${type}` : sql``}
        ${status ? sql`and r.status = ${status}` : sql``}
      order by r.created_at desc, r.id desc
      limit 500`;
    res.json({ reports: rows.map(toResource) });
  });

  router.get('/reports/:id', async (req, res) => {
    const row = await findVisibleReport(sql, currentUser(req), req.params.id);
    if (!row) throw AppError.notFound();
    res.json(toResource(row));
  });

  router.get('/reports/:id/download', async (req, res) => {
    const row = await findVisibleReport(sql, currentUser(req), req.params.id);
    if (!row) throw AppError.notFound();
    if (row.status !== 'READY') {
      throw AppError.conflict(
        row.status === 'PROCESSING' ? 'O relatório ainda está em processamento.' : 'O relatório terminou com erro e não tem arquivo.',
      );
    }
    if (row.expired || !row.objectKey || !row.expiresAt) {
      throw AppError.gone('O link deste relatório expirou (24 horas após a geração). Gere o relatório novamente.');
    }
    const url = await storage.signedUrl(row.objectKey, row.expiresAt, row.fileName ?? 'relatorio', row.finishedAt ?? undefined);
    res.redirect(302, url);
  });

  // A processing report: its run is cancelled (the export stops at its next heartbeat and the run removes
  // what it wrote) and the record goes at once. A finished one: file, then record. Either way 204 and,
  // through the record's trigger, `report.deleted` to every stream of the company.
  router.delete('/reports/:id', async (req, res) => {
    const user = currentUser(req);
    const row = await findVisibleReport(sql, user, req.params.id);
    if (!row) throw AppError.notFound();
    if (row.status === 'PROCESSING') {
      // First the slot it holds until its work has stopped (the workflow's cleanup releases it), then the
      // cancel: a cleanup that ran before the row existed would leave it behind.
      await sql`insert into reports.cancellations (report_id, company_id) values (${row.id}, ${row.companyId}) on conflict do nothing`;
      try {
        await deps.workflows.cancel(row.workflowId);
      } catch (err) {
        await sql`delete from reports.cancellations where report_id = ${row.id}`;
        deps.log('could not cancel report workflow', { reportId: row.id, workflowId: row.workflowId, companyId: user.companyId, err: String(err) });
        throw new AppError(503, 'unavailable', 'O serviço de relatórios está indisponível. Tente novamente em alguns minutos.');
      }
      const [gone] = await sql<{ status: string; objectKey: string | null }[]>`
        delete from reports.reports where id = ${row.id} returning status, object_key as "objectKey"`;
      // It may have finished between the read and the cancel: then its file is left to us, and no work holds a slot.
      if (gone && gone.status !== 'PROCESSING') {
        await sql`delete from reports.cancellations where report_id = ${row.id}`;
        await deleteReportFiles(storage, { ...row, objectKey: gone.objectKey });
      }
    } else {
      await deleteFinishedReport(sql, storage, row);
    }
    deps.log('report deleted by its company', { reportId: row.id, workflowId: row.workflowId, companyId: user.companyId, status: row.status });
    res.status(204).end();
  });

  return router;
}

/** The report if it is the caller's company's and of a type the caller may see; otherwise as if missing. */
async function findVisibleReport(sql: Sql, user: CurrentUser, id: string): Promise<ReportRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await sql<ReportRow[]>`${selectReports(sql)} where r.id = ${id} and ${visibleTo(sql, user)}`;
  return row;
}
