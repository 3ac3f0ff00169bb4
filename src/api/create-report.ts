// Asking for a report, wherever the request comes from (POST /api/reports, POST /api/tickets/:id/export).
import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/connection';
import { AppError } from '../errors';
import type { ReportDefinition } from '../reports';
import type { ReportWorkflows } from '../temporal/client';
import { reportWorkflowId } from '../../workflows/definitions';
import type { CurrentUser } from './auth';
import { fieldErrors } from './problems';
import { selectReports, toResource, type ReportRow } from './report-resource';

export interface CreateReportDeps {
  sql: Sql;
  workflows: ReportWorkflows;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * Validates the filters (shape, then ids within the caller's company), records the report as
 * PROCESSING and starts its workflow. Returns the report resource; bad filters are a 400 naming
 * `filters.<field>`, an unreachable Temporal a 503 (and the record ends in ERROR).
 */
export async function createReport(
  deps: CreateReportDeps, user: CurrentUser, report: ReportDefinition, rawFilters: unknown,
): Promise<ReturnType<typeof toResource>> {
  const { sql, workflows, log } = deps;
  const filters = report.filters.safeParse(rawFilters);
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
  const [row] = await sql<ReportRow[]>`${selectReports(sql)} where r.id = ${id} and r.company_id = ${user.companyId}`;
  return toResource(row);
}
