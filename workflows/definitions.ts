// Shared by the workflow code and its clients (API, scripts): names, queries, search attributes.
import { defineQuery } from '@temporalio/workflow';
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
}

export const statusQuery = defineQuery<ReportState>('status');

export const ReportTypeKey = defineSearchAttributeKey('ReportType', SearchAttributeType.KEYWORD);
export const CompanyIdKey = defineSearchAttributeKey('CompanyId', SearchAttributeType.INT);
export const ReportStatusKey = defineSearchAttributeKey('ReportStatus', SearchAttributeType.KEYWORD);

export const reportWorkflowId = (reportId: string): string => `report-${reportId}`;

/** What an activity's failure `type` means to the person who asked for the report (pt-BR). */
export const USER_MESSAGES: Record<string, string> = {
  InvalidFilters: 'Os filtros deste relatório não são mais válidos. Gere o relatório novamente.',
  ReportNotFound: 'O relatório foi removido antes de terminar.',
  QueryFailed: 'O banco de dados recusou a consulta deste relatório. A equipe técnica foi avisada.',
  StorageFailed: 'Não foi possível gravar o arquivo do relatório. Tente novamente em alguns minutos.',
  TicketNotFound: 'O ticket não existe mais nesta empresa.',
  PdfFailed: 'Não foi possível gerar o PDF deste ticket. Tente novamente em alguns minutos.',
  WorkbookFailed: 'Não foi possível gerar a planilha (XLSX) deste relatório. A equipe técnica foi avisada.',
  ChromiumMissing: 'O gerador de PDF não está disponível neste servidor. A equipe técnica foi avisada.',
};
export const DEFAULT_USER_MESSAGE =
  'Não foi possível gerar o relatório. Tente novamente; se o erro continuar, fale com o suporte.';
