/**
 * The HTML of one ticket's conversation, printed to PDF by Chromium (see docs/pdf.md).
 *
 * Every value that comes from the database goes through escapeHtml: a message saying `<script>` shows
 * `<script>`. Times arrive already formatted in the company's zone. The page is plain blocks and one
 * table — no flexbox, no images, no fonts to fetch — so 10,000 messages lay out in seconds.
 */
import { escapeHtml } from './escape-html';

export type SenderKind = 'customer' | 'operator' | 'system';

export interface TicketMessage {
  /** `DD/MM/YYYY HH:MM:SS` in the company's zone. */
  time: string;
  kind: SenderKind;
  /** The operator's name for `operator`; ignored otherwise. */
  operatorName: string | null;
  mediaType: string;
  body: string;
}

export interface TicketAttendance {
  id: number;
  queue: string | null;
  operator: string | null;
  /** Formatted like TicketMessage.time. */
  openedAt: string;
  finishedAt: string | null;
}

export interface TicketDocument {
  ticket: {
    id: number;
    status: string;
    direction: string;
    queue: string | null;
    contract: string | null;
    /** Sorted, joined by `, `; null when none. */
    tags: string | null;
    whatsapp: string | null;
    openedAt: string;
    closedAt: string | null;
  };
  contact: { name: string; number: string; email: string | null };
  operators: string[];
  attendances: TicketAttendance[];
  messages: TicketMessage[];
  timezone: string;
  /** When the report was asked for, formatted like TicketMessage.time. */
  requestedAt: string;
}

const STATUS: Record<string, string> = { open: 'Aberto', pending: 'Pendente', paused: 'Pausado', closed: 'Fechado' };
const DIRECTION: Record<string, string> = { outbound: 'Ativo', inbound: 'Receptivo' };
const MEDIA: Record<string, string> = {
  image: 'Imagem', audio: 'Áudio', video: 'Vídeo', document: 'Documento',
  sticker: 'Figurinha', location: 'Localização', template: 'Template',
};

export const statusLabel = (status: string): string => STATUS[status] ?? status;
export const directionLabel = (direction: string): string => DIRECTION[direction] ?? direction;
/** The label of a media message's type; null for plain text (`chat`). */
// Own keys only: a media_type of `constructor` or `__proto__` is shown as the text it is.
export const mediaLabel = (mediaType: string): string | null =>
  mediaType === 'chat' ? null : Object.hasOwn(MEDIA, mediaType) ? MEDIA[mediaType] : mediaType;

export function senderName(m: Pick<TicketMessage, 'kind' | 'operatorName'>): string {
  if (m.kind === 'customer') return 'Cliente';
  if (m.kind === 'system') return 'Sistema';
  return m.operatorName ?? 'Operador';
}

// Emoji come from Noto Color Emoji (a system font: local(), nothing fetched). Only emoji ranges map to
// it: as a plain fallback family it would also take digits and '#', which it draws as keycaps.
const STYLE = `
@font-face { font-family: 'Report Emoji'; src: local('Noto Color Emoji'); unicode-range: U+1F000-1FAFF, U+2600-27BF, U+2B00-2BFF, U+FE0F, U+200D, U+20E3; }
@page { size: A4; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-family: 'Report Emoji', 'DejaVu Sans', sans-serif; font-size: 9.5pt; line-height: 1.35; color: #1f2328; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
h2 { font-size: 11pt; margin: 5mm 0 2mm; padding-bottom: 1mm; border-bottom: 0.3mm solid #8c959f; break-after: avoid; }
.sub { color: #57606a; margin: 0 0 3mm; }
table { border-collapse: collapse; width: 100%; }
table.fields th { text-align: left; font-weight: bold; width: 32mm; padding: 0.8mm 2mm 0.8mm 0; vertical-align: top; color: #57606a; }
table.fields td { padding: 0.8mm 0; vertical-align: top; }
table.list th, table.list td { font-size: 8.5pt; text-align: left; border-bottom: 0.2mm solid #d0d7de; padding: 1mm 2mm 1mm 0; vertical-align: top; }
.v { white-space: pre-wrap; overflow-wrap: anywhere; }
h3 { font-size: 9.5pt; margin: 3mm 0 1mm; }
/* A message may cross a page only when long: its header stays with its first lines, and a page never
   starts or ends with fewer than three of its lines (short messages move whole to the next page). */
.m { margin: 0 0 2mm; padding: 1.2mm 2.5mm; border-left: 1.2mm solid; border-radius: 1mm; }
.m.c { margin-right: 18%; background: #f3f4f6; border-color: #8c959f; }
.m.o { margin-left: 18%; background: #e6f4ea; border-color: #1a7f37; }
.m.s { margin-left: 9%; margin-right: 9%; background: #fff8e1; border-color: #bf8700; }
.h { font-size: 8pt; color: #57606a; margin-bottom: 0.6mm; break-after: avoid; }
.h b { color: #1f2328; }
.t { white-space: pre-wrap; overflow-wrap: anywhere; orphans: 3; widows: 3; }
.media { display: inline-block; font-size: 7.5pt; font-weight: bold; padding: 0 1.5mm; margin-right: 1.5mm; border: 0.2mm solid #8c959f; border-radius: 1mm; color: #424a53; }
.empty { color: #57606a; font-style: italic; }
`;

const KIND_CLASS: Record<SenderKind, string> = { customer: 'c', operator: 'o', system: 's' };

function field(label: string, value: string | null): string {
  const cell = value === null || value === '' ? '<span class="empty">—</span>' : `<span class="v">${escapeHtml(value)}</span>`;
  return `<tr><th>${escapeHtml(label)}</th><td>${cell}</td></tr>`;
}

function messageHtml(m: TicketMessage): string {
  const media = mediaLabel(m.mediaType);
  return (
    `<div class="m ${KIND_CLASS[m.kind]}"><div class="h"><b>${escapeHtml(senderName(m))}</b> · ${escapeHtml(m.time)}</div>` +
    `<div class="t">${media ? `<span class="media">[${escapeHtml(media)}]</span>` : ''}${escapeHtml(m.body)}</div></div>`
  );
}

function attendancesHtml(list: TicketAttendance[]): string {
  if (list.length === 0) return '<h3>Atendimentos</h3><p class="empty">Nenhum atendimento registrado.</p>';
  const rows = list.map(
    (a) =>
      `<tr><td>${a.id}</td><td class="v">${escapeHtml(a.queue ?? '—')}</td><td class="v">${escapeHtml(a.operator ?? '—')}</td>` +
      `<td>${escapeHtml(a.openedAt)}</td><td>${escapeHtml(a.finishedAt ?? '—')}</td></tr>`,
  );
  return `<h3>Atendimentos</h3><table class="list"><thead><tr><th>Nº</th><th>Fila</th><th>Operador</th><th>Aberto em</th><th>Finalizado em</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The whole document. Built as an array of small strings joined once: 10,000 messages stay linear. */
export function ticketHtml(doc: TicketDocument): string {
  const { ticket: t, contact: c } = doc;
  const parts: string[] = [
    `<!DOCTYPE html><html lang="pt-BR"><head><meta charset="utf-8"><title>Detalhe do Ticket #${t.id}</title><style>${STYLE}</style></head><body>`,
    `<h1>Detalhe do Ticket #${t.id}</h1>`,
    `<p class="sub">Solicitado em ${escapeHtml(doc.requestedAt)} · horários no fuso ${escapeHtml(doc.timezone)}</p>`,
    '<h2>Ticket</h2><table class="fields">',
    field('ID', String(t.id)),
    field('Status', statusLabel(t.status)),
    field('Tipo', directionLabel(t.direction)),
    field('Fila', t.queue),
    field('Contrato', t.contract),
    field('Tags', t.tags),
    field('WhatsApp', t.whatsapp),
    field('Aberto em', t.openedAt),
    field('Fechado em', t.closedAt),
    '</table><h2>Contato</h2><table class="fields">',
    field('Nome', c.name),
    field('Número', c.number),
    field('Email', c.email),
    '</table><h2>Operadores que atenderam</h2><table class="fields">',
    field('Operadores', doc.operators.join(', ')),
    '</table>',
    attendancesHtml(doc.attendances),
    `<h2>Mensagens (${doc.messages.length})</h2>`,
  ];
  if (doc.messages.length === 0) parts.push('<p class="empty">Nenhuma mensagem neste ticket.</p>');
  for (const m of doc.messages) parts.push(messageHtml(m));
  parts.push('</body></html>');
  return parts.join('');
}

/** Chromium's footer: its own tiny document, so it carries its own font size. */
export function footerTemplate(ticketId: number, requestedAt: string): string {
  return (
    `<div style="font-family: 'DejaVu Sans', sans-serif; font-size: 7.5pt; color: #57606a; width: 100%; padding: 0 15mm; display: block;">` +
    `<span>Detalhe do Ticket #${ticketId} · solicitado em ${escapeHtml(requestedAt)}</span>` +
    `<span style="float: right;">Página <span class="pageNumber"></span> de <span class="totalPages"></span></span></div>`
  );
}
