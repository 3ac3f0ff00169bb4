// The mail a schedule's recipient gets (pt-BR, text and HTML): the report is ready, with its link, or it failed.
import { escapeHtml } from '../pdf/escape-html';
import { monthLabel, type MonthChoice } from '../reports/month';

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

export interface MailReport {
  name: string;
  status: 'READY' | 'ERROR';
  filters: unknown;
  createdAt: Date;
  rowCount: number | null;
  sizeBytes: number | null;
  expiresAt: Date | null;
  downloadUrl?: string;
  errorMessage: string | null;
}

const day = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** The days a report covers, as its recipients read them: "05/10/2026 a 11/10/2026", "10/2026". */
export function periodInWords(filters: unknown, timezone: string, createdAt: Date): string {
  const f = (filters ?? {}) as { from?: string; to?: string; month?: MonthChoice };
  if (f.from && f.to) return f.from === f.to ? day(f.from) : `${day(f.from)} a ${day(f.to)}`;
  if (f.month) {
    const label = monthLabel(f.month, { companyId: 0, timezone, requestedAt: createdAt });
    return `${label.slice(5, 7)}/${label.slice(0, 4)}`;
  }
  return 'período do relatório';
}

function sizeInWords(bytes: number): string {
  const n = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${n.format(bytes / 1024)} KB`;
  return `${n.format(bytes / (1024 * 1024))} MB`;
}

export function reportMail(report: MailReport, company: { name: string; timezone: string }): MailContent {
  const period = periodInWords(report.filters, company.timezone, report.createdAt);
  const when = (d: Date) => new Intl.DateTimeFormat('pt-BR', { timeZone: company.timezone, dateStyle: 'short', timeStyle: 'short' }).format(d);
  if (report.status === 'READY' && report.downloadUrl) {
    const rows = new Intl.NumberFormat('pt-BR').format(report.rowCount ?? 0);
    const size = sizeInWords(report.sizeBytes ?? 0);
    const until = report.expiresAt ? when(report.expiresAt) : '';
    const subject = `Relatório ${report.name} pronto — ${period}`;
    const text = [
      `O relatório ${report.name} da empresa ${company.name} está pronto.`, '',
      `Período: ${period}`, `Linhas: ${rows}`, `Tamanho: ${size}`, '',
      `Baixar: ${report.downloadUrl}`, `O link vale até ${until} (24 horas).`,
    ].join('\n');
    const html = page(subject, [
      `<p>O relatório <strong>${escapeHtml(report.name)}</strong> da empresa <strong>${escapeHtml(company.name)}</strong> está pronto.</p>`,
      `<p>Período: ${escapeHtml(period)}<br>Linhas: ${rows}<br>Tamanho: ${escapeHtml(size)}</p>`,
      `<p><a href="${escapeHtml(report.downloadUrl)}">Baixar o relatório</a></p>`,
      `<p>O link vale até ${escapeHtml(until)} (24 horas).</p>`,
    ]);
    return { subject, text, html };
  }
  const message = report.errorMessage ?? 'Erro na geração do relatório.';
  const subject = `Relatório ${report.name} não pôde ser gerado — ${period}`;
  const text = [`O relatório ${report.name} da empresa ${company.name} (período ${period}) não pôde ser gerado.`, '', `Motivo: ${message}`].join('\n');
  const html = page(subject, [
    `<p>O relatório <strong>${escapeHtml(report.name)}</strong> da empresa <strong>${escapeHtml(company.name)}</strong> (período ${escapeHtml(period)}) não pôde ser gerado.</p>`,
    `<p>Motivo: ${escapeHtml(message)}</p>`,
  ]);
  return { subject, text, html };
}

function page(title: string, body: string[]): string {
  return `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body.join('')}</body></html>`;
}
