// Eventos Webhooks: the webhooks the platform sent to the company's systems in a date range.
import { z } from 'zod';
import { defineReport } from './definition';
import { MAX_PERIOD_DAYS, calendarDay, checkIdsBelong, idList, pickLabels, refineDateRange } from './filters';

const text = (max: number) =>
  z.string({ error: 'deve ser um texto' }).min(1, { message: 'não pode ser vazio' }).max(max, { message: `no máximo ${max} caracteres` });

const filters = z
  .strictObject({
    from: calendarDay,
    to: calendarDay,
    eventTypes: z.array(text(100), { error: 'deve ser uma lista de tipos de evento' }).max(100, { message: 'no máximo 100 tipos' }).optional().default([]),
    requestStatus: z.enum(['success', 'failure', 'all'], { error: 'deve ser success, failure ou all' }).optional().default('all'),
    contactNumber: text(50).optional(),
    requestId: text(200).optional(),
    campaignIds: idList,
  })
  .superRefine(refineDateRange(MAX_PERIOD_DAYS));

const STATUS_SQL = {
  all: [],
  success: ['coalesce(e.http_status between 200 and 299, false)'],
  failure: ['not coalesce(e.http_status between 200 and 299, false)'],
} as const;

export const webhookEvents = defineReport<z.infer<typeof filters>>({
  type: 'webhook_events',
  name: 'Eventos Webhooks',
  description: 'Histórico de webhooks enviados',
  category: 'API e Integrações',
  format: 'csv',
  filters,
  filterLabels: {
    ...pickLabels('from', 'to', 'campaignIds'),
    eventTypes: 'Tipos de evento', requestStatus: 'Status da requisição', contactNumber: 'Número do contato', requestId: 'ID da requisição',
  },
  valueLabels: { success: 'Sucesso', failure: 'Falha', all: 'Todos' },
  maxDays: MAX_PERIOD_DAYS,
  rowPerEvent: true,
  optionSources: { campaignIds: 'campaigns' },
  example: (t) => ({ from: t.from, to: t.to }),
  checkFilters: (sql, companyId, f) => checkIdsBelong(sql, companyId, 'campaigns', 'campaignIds', f.campaignIds),
  fileName: (f) => `eventos-webhooks_${f.from}_${f.to}.csv`,
  columns: ['Tipo de evento', 'Status HTTP', 'Campanha', 'Número do contato', 'ID da requisição', 'Data/hora', 'Tentativas de retry'],
  columnKinds: {
    'Tipo de evento': 'text', 'Status HTTP': 'integer', Campanha: 'text', 'Número do contato': 'text',
    'ID da requisição': 'text', 'Data/hora': 'timestamp', 'Tentativas de retry': 'integer',
  },
  // Event type, contact number and request id are machine identifiers, written raw so a value copied
  // from the file can be pasted back as a filter; only the campaign name is people's text.
  // Plan (EXPLAIN, 20k rows in 31 days): range scan on webhook_events (company_id, created_at, id) —
  // bitmap + quicksort at that size, in-order index scan when bigger; the other filters are checked on the
  // range's rows (at most 31 days of one company); campaigns hashed or by primary key.
  query: (f, q) => ({
    kind: 'keyset',
    select: [
      'reports.fmt_ident(e.event_type)',
      'e.http_status::text',
      'reports.fmt_text(c.name)',
      'reports.fmt_ident(e.contact_number)',
      'reports.fmt_ident(e.request_id)',
      q.ts('e.created_at'),
      '(e.attempts - 1)::text',
    ],
    from: `webhook_events e
  left join campaigns c on c.id = e.campaign_id`,
    where: [
      `e.created_at >= ${q.dayStart(f.from)}`,
      `e.created_at < ${q.dayEnd(f.to)}`,
      ...STATUS_SQL[f.requestStatus],
      ...q.anyOf('e.event_type', f.eventTypes, 'text[]'),
      ...(f.contactNumber !== undefined ? [`e.contact_number = ${q.value(f.contactNumber, 'text')}`] : []),
      ...(f.requestId !== undefined ? [`e.request_id = ${q.value(f.requestId, 'text')}`] : []),
      ...q.anyOf('e.campaign_id', f.campaignIds, 'bigint[]'),
    ],
    key: [
      { expr: 'e.created_at', type: 'timestamptz' },
      { expr: 'e.id', type: 'bigint' },
    ],
  }),
});
