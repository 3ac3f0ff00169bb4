// Estatísticas de Atendimento: per (queue, operator) of the trackings, volumes, resolution rate and mean times.
import { defineReport } from './definition';
import { byName, checkServiceFilters, nameOrLabel, serviceFilters, servicePopulation, type ServiceFilters } from './service-population';

/** Seconds from `a` to `b`; null when either is missing, so `avg` skips the tracking. */
const seconds = (a: string, b: string) => `extract(epoch from ${b} - ${a})`;

export const serviceStatistics = defineReport<ServiceFilters>({
  type: 'service_statistics',
  name: 'Estatísticas de Atendimento',
  description: 'Volume, taxa de resolução e tempos médios de espera, primeira resposta e atendimento por fila e operador',
  category: 'Atendimento e Suporte',
  format: 'csv',
  filters: serviceFilters,
  checkFilters: checkServiceFilters,
  fileName: (f) => `estatisticas-de-atendimento_${f.from}_${f.to}.csv`,
  columns: [
    'Fila', 'Operador', 'Atendimentos', 'Finalizados', 'Taxa de resolução',
    'Tempo médio de espera', 'Tempo médio de primeira resposta', 'Tempo médio de atendimento',
  ],
  columnKinds: {
    Fila: 'text', Operador: 'text', Atendimentos: 'integer', Finalizados: 'integer', 'Taxa de resolução': 'percent',
    'Tempo médio de espera': 'duration', 'Tempo médio de primeira resposta': 'duration', 'Tempo médio de atendimento': 'duration',
  },
  // Plan: population by ticket_trackings_company_created; per tracking, its first customer message and
  // the first operator reply at or after it are each the first entry of a messages_tracking_from_me
  // range (index-only). One pass with grouping sets gives the pairs and the Total from the same rows.
  // With no tracking the Total row still comes, as 0;0 with an empty rate: a rate over nothing, like a mean.
  query: (f, q) => ({
    kind: 'whole',
    ctes: [
      ['population', servicePopulation(f, q)],
      ['first_response', `select p.id, asked.at as asked_at,
         (select min(r.created_at) from messages r
           where r.tracking_id = p.id and r.from_me and r.user_id is not null and r.created_at >= asked.at) as replied_at
       from population p
       cross join lateral (select min(m.created_at) as at from messages m where m.tracking_id = p.id and not m.from_me) asked`],
      ['stats', `select grouping(p.queue_id, p.user_id) <> 0 as is_total, p.queue_id, p.user_id,
         count(*) as trackings,
         count(p.finished_at) as finished,
         avg(${seconds('p.queued_at', 'p.started_at')}) as wait,
         avg(${seconds('fr.asked_at', 'fr.replied_at')}) as first_response,
         avg(${seconds('p.started_at', 'p.finished_at')}) as service
       from population p
       join first_response fr on fr.id = p.id
       group by grouping sets ((p.queue_id, p.user_id), ())`],
    ],
    sql: `select
  case when s.is_total then 'Total' else ${nameOrLabel('s.queue_id', 'qu.name', 'Sem fila')} end,
  case when s.is_total then 'Total' else ${nameOrLabel('s.user_id', 'u.name', 'Sem operador')} end,
  s.trackings::text,
  s.finished::text,
  reports.fmt_percent(s.finished * 100.0 / nullif(s.trackings, 0)),
  reports.fmt_duration(s.wait),
  reports.fmt_duration(s.first_response),
  reports.fmt_duration(s.service)
from stats s
left join queues qu on qu.id = s.queue_id
left join users u on u.id = s.user_id
order by s.is_total, ${byName('s.queue_id', 'qu.name')}, ${byName('s.user_id', 'u.name')}`,
  }),
});
