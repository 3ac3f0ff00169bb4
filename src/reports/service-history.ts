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
  // Exported in ranges of ticket ids (activities/export-ranges.ts), each by its own COPY: the plain join of
  // a range's messages with their tickets, in (ticket, created_at, id) order. The period and the range are
  // planned values (migration 017): with their real row counts the planner walks messages_ticket_created_id
  // in that very order and merge-joins the range's tickets (hash-joined with their contact, number,
  // operator and queue), with no sort — as the plain COPY a DBA would write (EXPLAIN in docs/performance.md).
  // With bound values it guessed a handful of rows, looked each row's ticket up and sorted the range; an
  // earlier per-ticket lateral plan stood in for that and cost 1.6x the join (docs/performance.md).
  // The split counts each ticket's messages in the period with the ticket filters (an index-only scan), so
  // the progress total is exact; it is a prepared statement, so it reads the bound values.
  query: (f, q) => {
    const ticketFilters = [
      ...q.anyOf('t.status', f.statuses, 'text[]'),
      ...q.anyOf('t.queue_id', f.queueIds, 'bigint[]'),
      ...q.anyOf('t.user_id', f.userIds, 'bigint[]'),
    ];
    const from = q.dayStart(f.from);
    const to = q.dayEnd(f.to);
    return {
      kind: 'keyset',
      select: [
        'm.ticket_id::text',
        'm.tracking_id::text',
        'reports.fmt_text(m.body)',
        q.ts('m.created_at'),
        `case when not m.from_me then 'Cliente' when m.user_id is not null then 'Operador' else 'Sistema' end`,
        'reports.fmt_text(case when m.from_me then sender.name end)',
        'reports.fmt_ident(c.number)',
        'reports.fmt_ident(w.number)',
        'reports.fmt_text(responsible.name)',
        'reports.fmt_text(qu.name)',
        'reports.fmt_ticket_status(t.status)',
        'reports.fmt_text(t.contract)',
      ],
      from: `messages m
  join tickets t on t.id = m.ticket_id
  left join users sender on sender.id = m.user_id
  left join contacts c on c.id = t.contact_id
  left join whatsapps w on w.id = t.whatsapp_id
  left join users responsible on responsible.id = t.user_id
  left join queues qu on qu.id = t.queue_id`,
      where: [
        `m.created_at >= ${q.dayStart(f.from, 'planned')}`,
        `m.created_at < ${q.dayEnd(f.to, 'planned')}`,
        // The range again on the tickets' side: the merge join reads only the range's tickets.
        q.inRange('t.id'),
        ...ticketFilters,
      ],
      key: [
        { expr: 'm.ticket_id', type: 'bigint' },
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
