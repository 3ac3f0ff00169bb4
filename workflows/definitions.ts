// Shared by the workflow code and its clients (API, scripts): names, queries, search attributes.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export type ReportStatus = 'PROCESSING' | 'READY' | 'ERROR';

export interface ReportProgress {
  rows: number;
  totalRows: number | null;
  percent: number | null;
}

export interface ReportState {
  status: ReportStatus;
  progress: ReportProgress;
  error: { message: string } | null;
}

export interface ReportWorkflowInput {
  reportId: string;
  companyId: number;
  type: string;
  format: 'csv' | 'xlsx' | 'pdf';
  /**
   * Its export (and workbook) runs on the heavy task queue (`<taskQueue>-heavy`), decided at request time
   * (src/reports/lanes.ts). Absent in runs started before the heavy queue existed: they replay unchanged.
   */
  heavy?: boolean;
}

export const statusQuery = defineQuery<ReportState>('status');

/** Sent by the export after stored parts (at most every few seconds): keeps the status query's progress live. */
export const progressSignal = defineSignal<[ReportProgress]>('progress');

export const ReportTypeKey = defineSearchAttributeKey('ReportType', SearchAttributeType.KEYWORD);
export const CompanyIdKey = defineSearchAttributeKey('CompanyId', SearchAttributeType.INT);
export const ReportStatusKey = defineSearchAttributeKey('ReportStatus', SearchAttributeType.KEYWORD);

/** The task queue of heavy exports, beside the module's own (`reports` → `reports-heavy`). */
export const heavyTaskQueue = (taskQueue: string): string => `${taskQueue}-heavy`;

export const reportWorkflowId = (reportId: string): string => `report-${reportId}`;

/**
 * Every way an activity says a report cannot be made, as the `type` of its ApplicationFailure. The user's
 * message is keyed by it (a type without one gets DEFAULT_USER_MESSAGE, so a new one cannot go unnoticed by
 * the compiler: add its message here).
 */
export type ReportFailureType =
  | 'InvalidFilters' | 'ReportNotFound' | 'QueryFailed' | 'StorageFailed' | 'TicketNotFound' | 'TicketTooLarge'
  | 'PdfFailed' | 'ChromiumMissing' | 'WorkbookFailed' | 'WorkerShutdown';

/** Plain pt-BR for the user; the technical cause stays in the logs and the Temporal history. */
export const USER_MESSAGES: Record<Exclude<ReportFailureType, 'WorkerShutdown'>, string> = {
  InvalidFilters: 'Os filtros deste relatório não são mais válidos. Gere o relatório novamente.',
  ReportNotFound: 'O relatório foi removido antes de terminar.',
  QueryFailed: 'O banco de dados recusou a consulta deste relatório. A equipe técnica foi avisada.',
  StorageFailed: 'Não foi possível gravar o arquivo do relatório. Tente novamente em alguns minutos.',
  TicketNotFound: 'O ticket não existe mais nesta empresa.',
  TicketTooLarge:
    'Este ticket tem mensagens demais para um PDF (o limite é 20.000). Exporte a conversa inteira pelo relatório Histórico de Atendimento (CSV).',
  PdfFailed: 'Não foi possível gerar o PDF deste ticket. Tente novamente em alguns minutos.',
  WorkbookFailed: 'Não foi possível gerar a planilha (XLSX) deste relatório. A equipe técnica foi avisada.',
  ChromiumMissing: 'O gerador de PDF não está disponível neste servidor. A equipe técnica foi avisada.',
};
export const DEFAULT_USER_MESSAGE =
  'Não foi possível gerar o relatório. Tente novamente; se o erro continuar, fale com o suporte.';
