// Re-running a failed report (`npm run retry -- <reportId>`): a NEW report with the same type, filters and
// requester, created exactly as the API creates one (permissions, filter checks, processing limit), whose
// workflow memo says `retryOf: <old id>`. The failed report and its history stay as they were.
import { AppError } from '../errors';
import { createReport, type CreateReportDeps } from '../api/create-report';
import type { CurrentUser } from '../api/auth';
import { findReport, type ReportFormat } from '../reports';

export interface RetriedReport {
  id: string;
  workflowId: string;
  retryOf: string;
}

export async function retryReport(deps: CreateReportDeps, reportId: string): Promise<RetriedReport> {
  const [old] = await deps.sql<{ type: string; format: ReportFormat; status: string; filters: unknown; requestedBy: number; companyId: number }[]>`
    select type, format, status, filters, requested_by as "requestedBy", company_id as "companyId"
    from reports.reports where id = ${reportId}`;
  if (!old) throw new Error(`report ${reportId} not found`);
  if (old.status !== 'ERROR') throw new Error(`report ${reportId} is ${old.status}: only failed (ERROR) reports are retried`);
  const report = findReport(old.type);
  if (!report) throw new Error(`report ${reportId} has an unknown type: ${old.type}`);
  const [user] = await deps.sql<CurrentUser[]>`
    select id, company_id as "companyId", name, profile from public.users
    where id = ${old.requestedBy} and company_id = ${old.companyId} and deleted_at is null`;
  if (!user) throw new Error(`report ${reportId}: its requester (user ${old.requestedBy}) no longer exists`);
  try {
    const { report: created } = await createReport(deps, user, report, old.filters, { memo: { retryOf: reportId }, format: old.format });
    deps.log('report retried', { reportId: created.id, workflowId: created.workflowId, companyId: old.companyId, retryOf: reportId });
    return { id: created.id, workflowId: created.workflowId, retryOf: reportId };
  } catch (err) {
    if (err instanceof AppError) throw new Error(`report ${reportId} cannot be retried: ${err.message}`);
    throw err;
  }
}
