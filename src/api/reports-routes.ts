// /api/reports: request, list, read and download reports.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { Sql } from '../db/connection';
import { AppError } from '../errors';
import { REPORTS, findReport } from '../reports';
import type { ReportStorage } from '../storage/storage';
import type { ReportWorkflows } from '../temporal/client';
import { reportWorkflowId } from '../../workflows/definitions';
import { currentUser } from './auth';
import { fieldErrors } from './problems';
import { selectReports, toResource, type ReportRow } from './report-resource';

export interface ReportRoutesDeps {
  sql: Sql;
  storage: ReportStorage;
  workflows: ReportWorkflows;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

const reportTypes = REPORTS.map((r) => r.type) as [string, ...string[]];

const createBody = z.strictObject({
  type: z.enum(reportTypes, { error: `type: deve ser um destes tipos: ${reportTypes.join(', ')}` }),
  filters: z.record(z.string(), z.unknown(), { error: 'filters: deve ser um objeto' }).optional().default({}),
});

const listQuery = z.strictObject({
  type: z.enum(reportTypes, { error: `type: deve ser um destes tipos: ${reportTypes.join(', ')}` }).optional(),
  status: z.enum(['PROCESSING', 'READY', 'ERROR'], { error: 'status: deve ser PROCESSING, READY ou ERROR' }).optional(),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function reportRoutes(deps: ReportRoutesDeps): Router {
  const { sql, storage, workflows, log } = deps;
  const router = Router();

  router.post('/reports', async (req, res) => {
    const user = currentUser(req);
    const body = createBody.safeParse(req.body ?? {});
    if (!body.success) throw AppError.badRequest('O pedido de relatório é inválido.', fieldErrors(body.error));
    const report = findReport(body.data.type)!;
    const filters = report.filters.safeParse(body.data.filters);
    if (!filters.success) throw AppError.badRequest('Os filtros do relatório são inválidos.', fieldErrors(filters.error, 'filters'));
    const problems = (await report.checkFilters?.(sql, user.companyId, filters.data)) ?? [];
    if (problems.length) throw AppError.badRequest('Os filtros do relatório são inválidos.', problems);

    const id = randomUUID();
    const workflowId = reportWorkflowId(id);
    await sql`
      insert into reports.reports (id, company_id, type, format, status, filters, requested_by, workflow_id)
      values (${id}, ${user.companyId}, ${report.type}, ${report.format}, 'PROCESSING',
              ${sql.json(filters.data as never)}, ${user.id}, ${workflowId})`;
    try {
      await workflows.start(
        { reportId: id, companyId: user.companyId, type: report.type, format: report.format },
        { requestedBy: { id: user.id }, filters: filters.data },
      );
    } catch (err) {
      log('could not start report workflow', { reportId: id, workflowId, companyId: user.companyId, err: String(err) });
      await sql`update reports.reports set status = 'ERROR', finished_at = now(),
                error_message = 'O serviço de relatórios está indisponível. Tente novamente em alguns minutos.'
                where id = ${id}`;
      throw new AppError(503, 'unavailable', 'O serviço de relatórios está indisponível. Tente novamente em alguns minutos.');
    }
    log('report requested', { reportId: id, workflowId, companyId: user.companyId, type: report.type });
    const row = await findOwnReport(sql, user.companyId, id);
    res.status(202).location(`/api/reports/${id}`).json(toResource(row!));
  });

  router.get('/reports', async (req, res) => {
    const user = currentUser(req);
    const query = listQuery.safeParse(req.query);
    if (!query.success) throw AppError.badRequest('Os parâmetros da lista são inválidos.', fieldErrors(query.error));
    const { type, status } = query.data;
    const rows = await sql<ReportRow[]>`
      ${selectReports(sql)}
      where r.company_id = ${user.companyId}
        ${type ? sql`and r.type = ${type}` : sql``}
        ${status ? sql`and r.status = ${status}` : sql``}
      order by r.created_at desc, r.id desc
      limit 500`;
    res.json({ reports: rows.map(toResource) });
  });

  router.get('/reports/:id', async (req, res) => {
    const row = await findOwnReport(sql, currentUser(req).companyId, req.params.id);
    if (!row) throw AppError.notFound();
    res.json(toResource(row));
  });

  router.get('/reports/:id/download', async (req, res) => {
    const row = await findOwnReport(sql, currentUser(req).companyId, req.params.id);
    if (!row) throw AppError.notFound();
    if (row.status !== 'READY') {
      throw AppError.conflict(
        row.status === 'PROCESSING' ? 'O relatório ainda está em processamento.' : 'O relatório terminou com erro e não tem arquivo.',
      );
    }
    if (row.expired || !row.objectKey || !row.expiresAt) {
      throw AppError.gone('O link deste relatório expirou (24 horas após a geração). Gere o relatório novamente.');
    }
    const url = await storage.signedUrl(row.objectKey, row.expiresAt, row.fileName ?? 'relatorio');
    res.redirect(302, url);
  });

  return router;
}

async function findOwnReport(sql: Sql, companyId: number, id: string): Promise<ReportRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await sql<ReportRow[]>`${selectReports(sql)} where r.id = ${id} and r.company_id = ${companyId}`;
  return row;
}
