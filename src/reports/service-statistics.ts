// Estatísticas de Atendimento: per (queue, operator) of the trackings, volumes, resolution rate, and the
// wait, first-response and handling times as means, medians and P90, in calendar or business time.
import { z } from 'zod';
import type { Sql } from '../db/connection';
import { defineReport, type FieldProblem } from './definition';
import { hasBusinessHours } from './business-hours';
import { MAX_PERIOD_DAYS, STATUS_LABELS, pickLabels, refineDateRange } from './filters';
import { byName, checkServiceFilters, nameOrLabel, serviceFilterFields, servicePopulation } from './service-population';

export const TIME_BASES = ['calendar', 'business'] as const;

const statisticsFilters = z
  .strictObject({
    ...serviceFilterFields,
    timeBasis: z.enum(TIME_BASES, { error: 'deve ser calendar (tempo corrido) ou business (horário de atendimento)' }).optional().default('calendar'),
  })
  .superRefine(refineDateRange(MAX_PERIOD_DAYS));

type StatisticsFilters = z.infer<typeof statisticsFilters>;

async function checkBusinessHours(sql: Sql, companyId: number, f: StatisticsFilters): Promise<FieldProblem[]> {
  if (f.timeBasis !== 'business' || (await hasBusinessHours(sql, companyId))) return [];
  return [{
    path: 'filters.timeBasis',
    message: 'filters.timeBasis: a empresa não tem horário de atendimento configurado; configure-o em "Horário de atendimento" ou use calendar',
  }];
}

/**
 * Seconds from `a` to `b`; null when either is missing, so the tracking is left out of that time's mean,
 * median and P90. Business time is `reports.business_seconds_in` (013_business_hours.sql) over the company's
 * settings, read once from the one-row CTE `bh`.
 */
function durationSql(f: StatisticsFilters) {
  // Uncorrelated sub-selects: InitPlans, evaluated once per query (a join to `bh` could rescan it per row).
  const BUSINESS_SETTINGS = ['tz', 'dows', 'starts', 'ends', 'holidays'].map((c) => `(select ${c} from bh)`).join(', ');
  return f.timeBasis === 'business'
    ? (a: string, b: string) => `reports.business_seconds_in(${a}, ${b}, ${BUSINESS_SETTINGS})`
    : (a: string, b: string) => `extract(epoch from ${b} - ${a})`;
}

/** Mean, median and P90 of one duration column of `durations`: one sort per group gives both percentiles. */
const spread = (column: string) => [
  `avg(d.${column}) as ${column}_mean`,
  `percentile_cont(array[0.5, 0.9]) within group (order by d.${column}::float8) as ${column}_pct`,
];
const cells = (column: string) => [
  `reports.fmt_duration(s.${column}_pct[1]::numeric)`,
  `reports.fmt_duration(s.${column}_pct[2]::numeric)`,
];

export const serviceStatistics = defineReport<StatisticsFilters>({
  type: 'service_statistics',
  name: 'Estatísticas de Atendimento',
  description: 'Volume, taxa de resolução e tempos de espera, primeira resposta e atendimento (média, mediana e P90) por fila e operador',
  category: 'Atendimento e Suporte',
  format: 'csv',
  filters: statisticsFilters,
  filterLabels: { ...pickLabels('from', 'to', 'statuses', 'queueIds', 'userIds'), timeBasis: 'Base de tempo' },
  valueLabels: { ...STATUS_LABELS, calendar: 'Tempo corrido', business: 'Horário de atendimento' },
  maxDays: MAX_PERIOD_DAYS,
  optionSources: { queueIds: 'queues', userIds: 'operators' },
  example: (t) => ({ from: t.from, to: t.to }),
  checkFilters: async (sql, companyId, f) => [
    ...(await checkServiceFilters(sql, companyId, f)),
    ...(await checkBusinessHours(sql, companyId, f)),
  ],
  checkBeforeExport: checkBusinessHours,
  fileName: (f) => `estatisticas-de-atendimento_${f.from}_${f.to}.csv`,
  columns: [
    'Fila', 'Operador', 'Atendimentos', 'Finalizados', 'Taxa de resolução',
    'Tempo médio de espera', 'Tempo médio de primeira resposta', 'Tempo médio de atendimento',
    'Mediana de espera', 'P90 de espera', 'Mediana de primeira resposta', 'P90 de primeira resposta',
    'Mediana de atendimento', 'P90 de atendimento', 'Primeira resposta no prazo',
  ],
  columnKinds: {
    Fila: 'text', Operador: 'text', Atendimentos: 'integer', Finalizados: 'integer', 'Taxa de resolução': 'percent',
    'Tempo médio de espera': 'duration', 'Tempo médio de primeira resposta': 'duration', 'Tempo médio de atendimento': 'duration',
    'Mediana de espera': 'duration', 'P90 de espera': 'duration', 'Mediana de primeira resposta': 'duration',
    'P90 de primeira resposta': 'duration', 'Mediana de atendimento': 'duration', 'P90 de atendimento': 'duration',
    'Primeira resposta no prazo': 'percent',
  },
  // Plan: population by ticket_trackings_company_created; per tracking, its first customer message and
  // the first operator reply at or after it are each the first entry of a messages_tracking_from_me
  // range (index-only). One pass with grouping sets gives the pairs and the Total from the same rows.
  // With no tracking the Total row still comes, as 0;0 with an empty rate: a rate over nothing, like a mean.
  // The target is the company's setting when the file is generated (reports.business_hours).
  query: (f, q) => {
    const seconds = durationSql(f);
    return {
      kind: 'whole',
      ctes: [
        ['population', servicePopulation(f, q)],
        ['first_response', `select p.id, asked.at as asked_at,
           (select min(r.created_at) from messages r
             where r.tracking_id = p.id and r.from_me and r.user_id is not null and r.created_at >= asked.at) as replied_at
         from population p
         cross join lateral (select min(m.created_at) as at from messages m where m.tracking_id = p.id and not m.from_me) asked`],
        ...(f.timeBasis === 'business' ? [['bh', `select * from reports.business_settings(${q.companyId})`] as [string, string]] : []),
        ['durations', `select p.queue_id, p.user_id, p.finished_at,
           ${seconds('p.queued_at', 'p.started_at')} as wait,
           ${seconds('fr.asked_at', 'fr.replied_at')} as first_response,
           ${seconds('p.started_at', 'p.finished_at')} as service
         from population p
         join first_response fr on fr.id = p.id`],
        ['target', `select first_response_target_seconds as seconds from reports.business_hours where company_id = ${q.companyId}`],
        ['stats', `select grouping(d.queue_id, d.user_id) <> 0 as is_total, d.queue_id, d.user_id,
           count(*) as trackings,
           count(d.finished_at) as finished,
           ${[...spread('wait'), ...spread('first_response'), ...spread('service')].join(',\n           ')},
           count(d.first_response) as answered,
           count(*) filter (where d.first_response <= (select seconds from target)) as answered_on_time
         from durations d
         group by grouping sets ((d.queue_id, d.user_id), ())`],
      ],
      sql: `select
  case when s.is_total then 'Total' else ${nameOrLabel('s.queue_id', 'qu.name', 'Sem fila')} end,
  case when s.is_total then 'Total' else ${nameOrLabel('s.user_id', 'u.name', 'Sem operador')} end,
  s.trackings::text,
  s.finished::text,
  reports.fmt_percent(s.finished * 100.0 / nullif(s.trackings, 0)),
  reports.fmt_duration(s.wait_mean),
  reports.fmt_duration(s.first_response_mean),
  reports.fmt_duration(s.service_mean),
  ${[...cells('wait'), ...cells('first_response'), ...cells('service')].join(',\n  ')},
  case when (select seconds from target) is not null
    then reports.fmt_percent(s.answered_on_time * 100.0 / nullif(s.answered, 0)) end
from stats s
left join queues qu on qu.id = s.queue_id
left join users u on u.id = s.user_id
order by s.is_total, ${byName('s.queue_id', 'qu.name')}, ${byName('s.user_id', 'u.name')}`,
    };
  },
});
