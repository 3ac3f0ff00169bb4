// Mensagens Oficial: one row per message sent or received through the official WhatsApp API, with its cost.
import { z } from 'zod';
import type { Sql } from '../db/connection';
import { defineReport, type FieldProblem } from './definition';
import { MAX_PERIOD_DAYS, calendarDay, checkIdsBelong, idList, pickLabels, refineDateRange } from './filters';

const PERIOD_OR_CAMPAIGN = 'informe o período (from e to) ou uma campanha (campaignId)';
const NOT_AN_ID = 'deve ser um id numérico';

/** A number as the platform stores it; compared as an exact string, never parsed. */
const phoneNumber = z
  .string({ error: 'deve ser um texto' })
  .min(1, { message: 'não pode ser vazio' })
  .max(100, { message: 'no máximo 100 caracteres' })
  .optional();

/** Either a period (from and to) or one campaign: never both, never neither. */
function refinePeriodOrCampaign(f: { from?: string; to?: string; campaignId?: number }, ctx: z.RefinementCtx): void {
  const given = (['from', 'to'] as const).filter((k) => f[k] !== undefined);
  if (f.campaignId !== undefined) {
    if (given.length) ctx.addIssue({ code: 'custom', path: ['campaignId'], message: `${PERIOD_OR_CAMPAIGN}, não os dois: com campaignId, from e to não podem ser enviados` });
  } else if (given.length === 0) {
    for (const field of ['from', 'to']) ctx.addIssue({ code: 'custom', path: [field], message: `obrigatório: ${PERIOD_OR_CAMPAIGN}` });
  } else if (given.length === 1) {
    const missing = given[0] === 'from' ? 'to' : 'from';
    ctx.addIssue({ code: 'custom', path: [missing], message: `obrigatório junto com ${given[0]} (${PERIOD_OR_CAMPAIGN})` });
  }
}

const filters = z
  .strictObject({
    from: calendarDay.optional(),
    to: calendarDay.optional(),
    campaignId: z.number({ error: NOT_AN_ID }).int({ message: NOT_AN_ID }).positive({ message: NOT_AN_ID }).optional(),
    messageType: z.enum(['hsm', 'session', 'all'], { error: 'deve ser hsm, session ou all' }).optional().default('all'),
    origin: z.enum(['sent', 'received', 'all'], { error: 'deve ser sent, received ou all' }).optional().default('all'),
    costCenterIds: idList,
    queueIds: idList,
    campaignIds: idList,
    contactNumber: phoneNumber,
    whatsappNumber: phoneNumber,
    billable: z.boolean({ error: 'deve ser true ou false' }).optional(),
  })
  .superRefine(refinePeriodOrCampaign)
  .superRefine(refineDateRange(MAX_PERIOD_DAYS));

type Filters = z.infer<typeof filters>;

async function checkFilters(sql: Sql, companyId: number, f: Filters): Promise<FieldProblem[]> {
  const campaign: FieldProblem[] = f.campaignId === undefined ? [] : (await checkIdsBelong(sql, companyId, 'campaigns', 'campaignId', [f.campaignId]))
    .map((p) => ({ ...p, path: 'filters.campaignId' }));
  return [
    ...campaign,
    ...(await checkIdsBelong(sql, companyId, 'costCenters', 'costCenterIds', f.costCenterIds)),
    ...(await checkIdsBelong(sql, companyId, 'queues', 'queueIds', f.queueIds)),
    ...(await checkIdsBelong(sql, companyId, 'campaigns', 'campaignIds', f.campaignIds)),
  ];
}

export const officialMessages = defineReport<Filters>({
  type: 'official_messages',
  name: 'Mensagens Oficial',
  description: 'Mensagens enviadas via API Oficial',
  category: 'Faturamento e Recursos',
  format: 'csv',
  filters,
  filterLabels: {
    ...pickLabels('from', 'to', 'campaignIds', 'costCenterIds', 'queueIds'),
    campaignId: 'Campanha (em vez do período)', messageType: 'Tipo de mensagem', origin: 'Origem',
    contactNumber: 'Número do contato', whatsappNumber: 'Número do WhatsApp', billable: 'Cobrável',
  },
  valueLabels: { hsm: 'HSM (template)', session: 'Sessão', all: 'Todos', sent: 'Enviado', received: 'Recebido' },
  maxDays: MAX_PERIOD_DAYS,
  rowPerEvent: true,
  optionSources: { campaignId: 'campaigns', campaignIds: 'campaigns', costCenterIds: 'costCenters', queueIds: 'queues' },
  periodAlternative: { filter: 'campaignId', hint: 'Ou escolha uma campanha: com campanha, as datas não são enviadas.' },
  example: (t) => ({ from: t.from, to: t.to }),
  checkFilters,
  fileName: (f) => (f.campaignId !== undefined ? `mensagens-oficial_campanha-${f.campaignId}.csv` : `mensagens-oficial_${f.from}_${f.to}.csv`),
  columns: ['ID da mensagem', 'Número do contato', 'Número do WhatsApp', 'Tipo de mensagem', 'Template usado', 'Data/hora de envio', 'Status de entrega', 'Custo', 'Centro de custo', 'Campanha'],
  columnKinds: {
    'ID da mensagem': 'text', 'Número do contato': 'text', 'Número do WhatsApp': 'text', 'Tipo de mensagem': 'text',
    'Template usado': 'text', 'Data/hora de envio': 'timestamp', 'Status de entrega': 'text', Custo: 'money',
    'Centro de custo': 'text', Campanha: 'text',
  },
  // Plan (EXPLAIN, 10M-message seed): a bitmap scan of official_messages_company_sent_id (or, for a campaign,
  // of the partial official_messages_company_campaign_sent_id), the look-ups, then a Sort by (sent_at, id).
  // The ordered index scan would stream without the sort, but the planner's generic estimates (values are
  // InitPlan parameters) always favour the bitmap. 68k rows: first byte 0.2 s; 3M rows in one month: first
  // byte 8.9 s, total 12 s, 580 MB sorted on disk. Per-day laterals to force streaming doubled the total
  // (sort per day + incremental sort), so the sort stays: see docs/report-decisions.md for the limit.
  query: (f, q) => ({
    kind: 'keyset',
    select: [
      'reports.fmt_ident(om.wamid)',
      'reports.fmt_ident(om.contact_number)',
      'reports.fmt_ident(w.number)',
      `case om.message_type when 'hsm' then 'HSM' when 'session' then 'Sessão' end`,
      'reports.fmt_text(om.template_name)',
      q.ts('om.sent_at'),
      `case om.delivery_status when 'accepted' then 'Aceita' when 'sent' then 'Enviada' when 'delivered' then 'Entregue'
         when 'read' then 'Lida' when 'failed' then 'Falhou' end`,
      'reports.fmt_money(om.cost)',
      'reports.fmt_text(cc.name)',
      'reports.fmt_text(ca.name)',
    ],
    from: `official_messages om
  join whatsapps w on w.id = om.whatsapp_id
  left join cost_centers cc on cc.id = om.cost_center_id
  left join campaigns ca on ca.id = om.campaign_id`,
    where: [
      ...(f.campaignId !== undefined
        ? [`om.campaign_id = ${q.value(f.campaignId, 'bigint')}`]
        : [`om.sent_at >= ${q.dayStart(f.from!)}`, `om.sent_at < ${q.dayEnd(f.to!)}`]),
      ...(f.messageType === 'all' ? [] : [`om.message_type = ${q.value(f.messageType, 'text')}`]),
      ...(f.origin === 'all' ? [] : [`om.direction = ${q.value(f.origin, 'text')}`]),
      ...q.anyOf('om.cost_center_id', f.costCenterIds, 'bigint[]'),
      ...q.anyOf('om.queue_id', f.queueIds, 'bigint[]'),
      ...q.anyOf('om.campaign_id', f.campaignIds, 'bigint[]'),
      ...(f.contactNumber === undefined ? [] : [`om.contact_number = ${q.value(f.contactNumber, 'text')}`]),
      ...(f.whatsappNumber === undefined ? [] : [`w.number = ${q.value(f.whatsappNumber, 'text')}`]),
      ...(f.billable === undefined ? [] : [`om.billable = ${q.value(f.billable, 'boolean')}`]),
    ],
    key: [
      { expr: 'om.sent_at', type: 'timestamptz' },
      { expr: 'om.id', type: 'bigint' },
    ],
  }),
});
