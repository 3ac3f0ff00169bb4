// Histórico de Atendimento: one row per message created in the range, grouped by ticket, with the ticket's current state.
import { MAX_PERIOD_DAYS, STATUS_LABELS, pickLabels } from './filters';
import { defineReport } from './definition';
// The same filters as the tracking reports (validation alike); here queueIds/userIds apply to the ticket.
import { checkServiceFilters, serviceFilters, type ServiceFilters } from './service-population';

export const serviceHistory = defineReport<ServiceFilters>({
  type: 'service_history',
  name: 'Histórico de Atendimento',
  description: 'Todas as mensagens de cada atendimento',
  category: 'Atendimento e Suporte',
  format: 'csv',
  filters: serviceFilters,
  filterLabels: pickLabels('from', 'to', 'statuses', 'queueIds', 'userIds'),
  valueLabels: { ...STATUS_LABELS },
  maxDays: MAX_PERIOD_DAYS,
  rowPerEvent: true,
  optionSources: { queueIds: 'queues', userIds: 'operators' },
  example: (t) => ({ from: t.from, to: t.to }),
  checkFilters: checkServiceFilters,
  fileName: (f) => `historico-de-atendimento_${f.from}_${f.to}.csv`,
  columns: [
    'ID do ticket', 'ID do tracking', 'Mensagem', 'Data de envio', 'Quem enviou', 'Operador que enviou',
    'Número do contato', 'Número do WhatsApp', 'Operador responsável', 'Fila', 'Status do ticket', 'Contrato',
  ],
  columnKinds: {
    'ID do ticket': 'integer', 'ID do tracking': 'integer', Mensagem: 'text', 'Data de envio': 'timestamp',
    'Quem enviou': 'text', 'Operador que enviou': 'text', 'Número do contato': 'text', 'Número do WhatsApp': 'text',
    'Operador responsável': 'text', Fila: 'text', 'Status do ticket': 'text', Contrato: 'text',
  },
  // Plan (EXPLAIN, 10M-message seed, 1.5M rows in one month). The range is on created_at but the order is
  // by ticket, so the plain join (range scan, hash joins, Sort) sorts every wide row before the first comes
  // out: 2.8 s to the first byte, the whole 280 MB file spilled to temp, ~30 s (the heartbeat timeout) at 10x.
  // Instead, with the indexes of 004_history_and_official_indexes.sql:
  //   rt: the ids of the tickets with a message in the range: index-only range scan of
  //       messages_company_created_ticket, then a sort of those ids only (75k ids: 0.2 s);
  //   t:  per ticket, in id order, its current state (pkey look-ups); the ticket filters apply here;
  //   m:  per ticket, its messages in the range: a range of messages_ticket_created_id, in (created_at, id) order.
  // Nested loops keep rt's order and an Incremental Sort per ticket finishes it: first byte after 0.25 s,
  // the same total time (~5 s). `offset 0` keeps t and m per-ticket look-ups: flattened, the planner may hash
  // join them (its row estimates are generic: the values are InitPlan parameters) and sort everything again.
  // Split for parallel export (activities/export-ranges.ts): ranges of ticket ids, each read by its own COPY;
  // `rt` narrows its scan to the range (a range of messages_ticket_created_id), and the split counts each
  // ticket's messages in the period with the ticket filters, so the progress total is exact.
  query: (f, q) => {
    const from = q.dayStart(f.from);
    const to = q.dayEnd(f.to);
    const ticketFilters = [
      ...q.anyOf('t.status', f.statuses, 'text[]'),
      ...q.anyOf('t.queue_id', f.queueIds, 'bigint[]'),
      ...q.anyOf('t.user_id', f.userIds, 'bigint[]'),
    ];
    return {
      kind: 'keyset',
      select: [
        'rt.ticket_id::text',
        'm.tracking_id::text',
        'reports.fmt_text(m.body)',
        q.ts('m.created_at'),
        `case when not m.from_me then 'Cliente' when m.user_id is not null then 'Operador' else 'Sistema' end`,
        'reports.fmt_text(case when m.from_me then m.sender_name end)',
        'reports.fmt_ident(t.contact_number)',
        'reports.fmt_ident(t.whatsapp_number)',
        'reports.fmt_text(t.responsible_name)',
        'reports.fmt_text(t.queue_name)',
        'reports.fmt_ticket_status(t.status)',
        'reports.fmt_text(t.contract)',
      ],
      from: `(select distinct ticket_id from messages
     where ${q.inRange('ticket_id')} and created_at >= ${from} and created_at < ${to} order by ticket_id) rt
  cross join lateral (
    select t.status, t.contract, t.user_id, t.queue_id, c.number as contact_number, w.number as whatsapp_number,
           responsible.name as responsible_name, qu.name as queue_name
    from tickets t
      left join contacts c on c.id = t.contact_id
      left join whatsapps w on w.id = t.whatsapp_id
      left join users responsible on responsible.id = t.user_id
      left join queues qu on qu.id = t.queue_id
    where t.id = rt.ticket_id
    offset 0) t
  cross join lateral (
    select m.id, m.tracking_id, m.body, m.created_at, m.from_me, m.user_id, sender.name as sender_name
    from messages m
      left join users sender on sender.id = m.user_id
    where m.ticket_id = rt.ticket_id and m.created_at >= ${from} and m.created_at < ${to}
    order by m.created_at, m.id
    offset 0) m`,
      where: ticketFilters,
      key: [
        { expr: 'rt.ticket_id', type: 'bigint' },
        { expr: 'm.created_at', type: 'timestamptz' },
        { expr: 'm.id', type: 'bigint' },
      ],
      split: ticketFilters.length
        ? `select m.ticket_id as k, count(*) as n from messages m join tickets t on t.id = m.ticket_id
    where m.created_at >= ${from} and m.created_at < ${to} and ${ticketFilters.join(' and ')} group by m.ticket_id`
        : `select ticket_id as k, count(*) as n from messages where created_at >= ${from} and created_at < ${to} group by ticket_id`,
    };
  },
});
