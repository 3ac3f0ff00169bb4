// Resumo de Tickets: one row per ticket opened in the range, with its last message and tags.
import { z } from 'zod';
import { defineReport } from './definition';
import { STATUS_LABELS, calendarDay, checkIdsBelong, idList, pickLabels, refineDateRange, ticketStatuses } from './filters';
import { nameList } from './sql-helpers';

const filters = z
  .strictObject({
    from: calendarDay,
    to: calendarDay,
    statuses: ticketStatuses,
    queueIds: idList,
  })
  .superRefine(refineDateRange());

export const ticketSummary = defineReport<z.infer<typeof filters>>({
  type: 'ticket_summary',
  name: 'Resumo de Tickets',
  description: 'Visão geral dos tickets (1 linha por ticket)',
  category: 'Gestão de Tickets',
  format: 'csv',
  filters,
  filterLabels: pickLabels('from', 'to', 'statuses', 'queueIds'),
  valueLabels: STATUS_LABELS,
  optionSources: { queueIds: 'queues' },
  example: (t) => ({ from: t.from, to: t.to }),
  checkFilters: (sql, companyId, f) => checkIdsBelong(sql, companyId, 'queues', 'queueIds', f.queueIds),
  fileName: (f) => `resumo-de-tickets_${f.from}_${f.to}.csv`,
  columns: ['ID do ticket', 'Telefone do contato', 'Tipo', 'Data de abertura', 'Última mensagem', 'Status', 'Fila', 'Ocorrência/Tag', 'Contrato'],
  columnKinds: {
    'ID do ticket': 'integer', 'Telefone do contato': 'text', Tipo: 'text', 'Data de abertura': 'timestamp',
    'Última mensagem': 'text', Status: 'text', Fila: 'text', 'Ocorrência/Tag': 'text', Contrato: 'text',
  },
  // Plan: range scan on tickets (company_id, created_at), then a sort by id; tags by ticket_tags' primary key.
  query: (f, q) => ({
    kind: 'keyset',
    select: [
      't.id::text',
      'reports.fmt_ident(c.number)',
      `case t.direction when 'outbound' then 'Ativo' else 'Receptivo' end`,
      q.ts('t.created_at'),
      'reports.fmt_text(t.last_message)',
      'reports.fmt_ticket_status(t.status)',
      'reports.fmt_text(qu.name)',
      `reports.fmt_text(${nameList('tg.name', 'from ticket_tags tt join tags tg on tg.id = tt.tag_id where tt.ticket_id = t.id')})`,
      'reports.fmt_text(t.contract)',
    ],
    from: `tickets t
  join contacts c on c.id = t.contact_id
  left join queues qu on qu.id = t.queue_id`,
    where: [
      `t.created_at >= ${q.dayStart(f.from)}`,
      `t.created_at < ${q.dayEnd(f.to)}`,
      ...q.anyOf('t.status', f.statuses, 'text[]'),
      ...q.anyOf('t.queue_id', f.queueIds, 'bigint[]'),
    ],
    key: [{ expr: 't.id', type: 'bigint' }],
  }),
});
