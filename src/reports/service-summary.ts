// Resumo de Atendimentos: the trackings counted per day, per queue, per operator and in total.
import { MAX_PERIOD_DAYS, STATUS_LABELS, pickLabels } from './filters';
import { defineReport } from './definition';
import { byName, checkServiceFilters, nameOrLabel, serviceFilters, servicePopulation, type ServiceFilters } from './service-population';

const STATUS_COLUMNS = ['open', 'pending', 'paused', 'closed'] as const;

export const serviceSummary = defineReport<ServiceFilters>({
  type: 'service_summary',
  name: 'Resumo de Atendimentos',
  description: 'Tickets, atendimentos e mensagens por dia, fila e operador, com os tickets por status atual',
  category: 'Atendimento e Suporte',
  format: 'csv',
  filters: serviceFilters,
  filterLabels: pickLabels('from', 'to', 'statuses', 'queueIds', 'userIds'),
  valueLabels: { ...STATUS_LABELS },
  maxDays: MAX_PERIOD_DAYS,
  optionSources: { queueIds: 'queues', userIds: 'operators' },
  example: (t) => ({ from: t.from, to: t.to }),
  checkFilters: checkServiceFilters,
  fileName: (f) => `resumo-de-atendimentos_${f.from}_${f.to}.csv`,
  columns: [
    'Agrupamento', 'Chave', 'Tickets', 'Atendimentos', 'Mensagens', 'Mensagens recebidas', 'Mensagens enviadas',
    'Abertos', 'Pendentes', 'Pausados', 'Fechados',
  ],
  columnKinds: {
    // Chave is a date on Dia rows and a name on the others: one column, so text.
    Agrupamento: 'text', Chave: 'text', Tickets: 'integer', Atendimentos: 'integer', Mensagens: 'integer',
    'Mensagens recebidas': 'integer', 'Mensagens enviadas': 'integer',
    Abertos: 'integer', Pendentes: 'integer', Pausados: 'integer', Fechados: 'integer',
  },
  // Plan: population by ticket_trackings_company_created; its messages in the range by
  // messages_tracking_from_me (index-only, one range per tracking). One pass with grouping sets makes
  // the day, queue, operator and total groups from the same rows, so a ticket is counted once per group.
  // Days come from generate_series so that a day without trackings is still a row of zeros.
  query: (f, q) => ({
    kind: 'whole',
    ctes: [
      ['population', servicePopulation(f, q)],
      ['message_counts', `select m.tracking_id, count(*) as total,
         count(*) filter (where not m.from_me) as received, count(*) filter (where m.from_me) as sent
       from messages m
       where m.tracking_id in (select id from population)
         and m.created_at >= ${q.dayStart(f.from)} and m.created_at < ${q.dayEnd(f.to)}
       group by m.tracking_id`],
      ['groups', `select
         case when grouping(p.day) = 0 then 'Dia' when grouping(p.queue_id) = 0 then 'Fila'
              when grouping(p.user_id) = 0 then 'Operador' else 'Total' end as kind,
         p.day, p.queue_id, p.user_id,
         count(distinct p.ticket_id) as tickets,
         count(*) as trackings,
         coalesce(sum(mc.total), 0)::bigint as messages,
         coalesce(sum(mc.received), 0)::bigint as received,
         coalesce(sum(mc.sent), 0)::bigint as sent,
         ${STATUS_COLUMNS.map((s) => `count(distinct p.ticket_id) filter (where p.ticket_status = '${s}') as ${s}`).join(',\n         ')}
       from population p
       left join message_counts mc on mc.tracking_id = p.id
       group by grouping sets ((p.day), (p.queue_id), (p.user_id), ())`],
      ['days', `select d::date as day
       from generate_series(${q.value(f.from, 'date')}, ${q.value(f.to, 'date')}, interval '1 day') d`],
      ['summary_rows', `select 1 as section, d.day, null::bigint as id, null::text as name,
         'Dia' as kind, reports.fmt_date(d.day) as key,
         ${['tickets', 'trackings', 'messages', 'received', 'sent', ...STATUS_COLUMNS].map((c) => `coalesce(g.${c}, 0) as ${c}`).join(', ')}
       from days d
       left join groups g on g.kind = 'Dia' and g.day = d.day
       union all
       select case g.kind when 'Fila' then 2 when 'Operador' then 3 else 4 end, null,
         case g.kind when 'Fila' then g.queue_id else g.user_id end,
         case g.kind when 'Fila' then qu.name else u.name end,
         g.kind,
         case g.kind
           when 'Fila' then ${nameOrLabel('g.queue_id', 'qu.name', 'Sem fila')}
           when 'Operador' then ${nameOrLabel('g.user_id', 'u.name', 'Sem operador')}
           else 'Total' end,
         g.tickets, g.trackings, g.messages, g.received, g.sent, ${STATUS_COLUMNS.map((c) => `g.${c}`).join(', ')}
       from groups g
       left join queues qu on g.kind = 'Fila' and qu.id = g.queue_id
       left join users u on g.kind = 'Operador' and u.id = g.user_id
       where g.kind <> 'Dia'`],
    ],
    sql: `select r.kind, r.key,
  ${['tickets', 'trackings', 'messages', 'received', 'sent', ...STATUS_COLUMNS].map((c) => `r.${c}::text`).join(', ')}
from summary_rows r
order by r.section, r.day, ${byName('r.id', 'r.name')}`,
  }),
});
