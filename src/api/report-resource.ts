// A report as the API shows it (DESIGN.md "The report resource").
import { z } from 'zod';
import type { Sql } from '../db/connection';
import { findReport, type ReportFormat } from '../reports';

const isoInstant = z.iso.datetime();

/** What toResource returns, as the OpenAPI document publishes it (component `Report`). */
export const reportResource = z.object({
  id: z.uuid(),
  type: z.string(),
  name: z.string().meta({ description: 'O nome do tipo, em português.' }),
  status: z.enum(['PROCESSING', 'READY', 'ERROR']),
  filters: z.record(z.string(), z.unknown()).meta({ description: 'Os filtros como validados (com os valores padrão).' }),
  requestedBy: z.object({ id: z.number().int(), name: z.string().nullable() }),
  createdAt: isoInstant,
  finishedAt: isoInstant.nullable(),
  progress: z.object({
    rows: z.number().int().min(0),
    totalRows: z.number().int().min(0).nullable(),
    percent: z.number().int().min(0).max(100).nullable(),
  }),
  format: z.enum(['csv', 'xlsx', 'pdf']),
  fileName: z.string().nullable(),
  rowCount: z.number().int().min(0).nullable(),
  sizeBytes: z.number().int().min(0).nullable(),
  expiresAt: isoInstant.nullable(),
  expired: z.boolean(),
  error: z.object({ message: z.string() }).nullable().meta({ description: 'Em português, para o usuário, quando ERROR.' }),
  workflowId: z.string(),
  schedule: z.object({ id: z.string(), name: z.string().nullable() }).nullable()
    .meta({ description: 'O agendamento que fez o relatório, ou null para um pedido avulso.' }),
});
export type ReportResource = z.infer<typeof reportResource>;

export interface ReportRow {
  id: string;
  companyId: number;
  type: string;
  format: ReportFormat;
  status: 'PROCESSING' | 'READY' | 'ERROR';
  filters: unknown;
  requestedById: number;
  requestedByName: string | null;
  workflowId: string;
  createdAt: Date;
  finishedAt: Date | null;
  progressRows: number;
  progressTotal: number | null;
  fileName: string | null;
  objectKey: string | null;
  rowCount: number | null;
  sizeBytes: number | null;
  expiresAt: Date | null;
  expired: boolean;
  errorMessage: string | null;
  /** Grows with every change of the row: orders live events against snapshots (report-events.ts). */
  eventSeq: number;
  scheduleId: string | null;
  scheduleName: string | null;
}

export function selectReports(sql: Sql) {
  return sql`
    select r.id, r.company_id as "companyId", r.type, r.format, r.status, r.filters,
      r.requested_by as "requestedById", u.name as "requestedByName", r.workflow_id as "workflowId",
      r.created_at as "createdAt", r.finished_at as "finishedAt", r.progress_rows as "progressRows",
      r.progress_total as "progressTotal", r.file_name as "fileName", r.object_key as "objectKey",
      r.row_count as "rowCount", r.size_bytes as "sizeBytes", r.expires_at as "expiresAt",
      (r.expired or (r.expires_at is not null and r.expires_at <= now())) as expired, r.error_message as "errorMessage",
      r.event_seq as "eventSeq", r.schedule_id as "scheduleId", r.schedule_name as "scheduleName"
    from reports.reports r left join public.users u on u.id = r.requested_by`;
}

export function toResource(r: ReportRow): ReportResource {
  const ready = r.status === 'READY';
  const percent =
    ready ? 100
    : r.progressTotal ? Math.min(99, Math.floor((r.progressRows / r.progressTotal) * 100))
    : r.progressTotal === 0 ? 99
    : null;
  return {
    id: r.id,
    type: r.type,
    name: findReport(r.type)?.name ?? r.type,
    status: r.status,
    filters: r.filters as Record<string, unknown>,
    requestedBy: { id: r.requestedById, name: r.requestedByName },
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    progress: { rows: r.progressRows, totalRows: r.progressTotal, percent },
    format: r.format,
    fileName: r.fileName,
    rowCount: r.rowCount,
    sizeBytes: ready ? r.sizeBytes : null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    expired: r.expired,
    error: r.status === 'ERROR' ? { message: r.errorMessage ?? 'Erro na geração do relatório.' } : null,
    workflowId: r.workflowId,
    schedule: r.scheduleId ? { id: r.scheduleId, name: r.scheduleName } : null,
  };
}
