// /api/reports: request, list, read and download reports.
import { Router } from 'express';
import { z } from 'zod';
import type { Sql } from '../db/connection';
import { AppError } from '../errors';
import { REPORTS, findReport } from '../reports';
import type { ReportStorage } from '../storage/storage';
import type { ReportWorkflows } from '../temporal/client';
import { currentUser } from './auth';
import { createReport } from './create-report';
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
  const { sql, storage } = deps;
  const router = Router();

  router.post('/reports', async (req, res) => {
    const body = createBody.safeParse(req.body ?? {});
    if (!body.success) throw AppError.badRequest('O pedido de relatório é inválido.', fieldErrors(body.error));
    const report = await createReport(deps, currentUser(req), findReport(body.data.type)!, body.data.filters);
    res.status(202).location(`/api/reports/${report.id}`).json(report);
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
