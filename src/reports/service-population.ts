/**
 * What Estatísticas de Atendimento and Resumo de Atendimentos count: the trackings ("atendimentos")
 * created in the range, filtered by the ticket's current status and by the tracking's own queue and
 * operator. Both reports share the filters and this population so that their numbers always agree.
 */
import { z } from 'zod';
import type { Sql } from '../db/connection';
import type { FieldProblem } from './definition';
import { MAX_PERIOD_DAYS, calendarDay, checkIdsBelong, idList, refineDateRange, ticketStatuses } from './filters';
import type { QueryParams } from './query';

/** The fields every tracking report filters by; a report may add its own (`timeBasis`). */
export const serviceFilterFields = {
  from: calendarDay,
  to: calendarDay,
  statuses: ticketStatuses,
  queueIds: idList,
  userIds: idList,
};

export const serviceFilters = z.strictObject(serviceFilterFields).superRefine(refineDateRange(MAX_PERIOD_DAYS));

export type ServiceFilters = z.infer<typeof serviceFilters>;

export async function checkServiceFilters(sql: Sql, companyId: number, f: ServiceFilters): Promise<FieldProblem[]> {
  return [
    ...(await checkIdsBelong(sql, companyId, 'queues', 'queueIds', f.queueIds)),
    ...(await checkIdsBelong(sql, companyId, 'operators', 'userIds', f.userIds)),
  ];
}

/**
 * The population as a CTE body: one row per tracking, with the ticket's current status and the
 * tracking's created_at day in the company's zone (the day it counts for).
 * Plan: range scan of ticket_trackings_company_created (005), tickets by primary key.
 */
export function servicePopulation(f: ServiceFilters, q: QueryParams): string {
  const where = [
    `tr.created_at >= ${q.dayStart(f.from)}`,
    `tr.created_at < ${q.dayEnd(f.to)}`,
    ...q.anyOf('t.status', f.statuses, 'text[]'),
    ...q.anyOf('tr.queue_id', f.queueIds, 'bigint[]'),
    ...q.anyOf('tr.user_id', f.userIds, 'bigint[]'),
  ];
  return `select tr.id, tr.ticket_id, tr.queue_id, tr.user_id, tr.queued_at, tr.started_at, tr.finished_at,
       t.status as ticket_status, (tr.created_at at time zone ${q.timezone})::date as day
  from ticket_trackings tr
  join tickets t on t.id = tr.ticket_id
  where ${where.join('\n    and ')}`;
}

/**
 * ORDER BY terms for a row named after a queue or an operator: by name (case- and accent-aware,
 * then bytewise so the order is stable), the `Sem …` row (null id) last, ties by id.
 */
export function byName(idExpr: string, nameExpr: string): string {
  return `${idExpr} is null, lower(${nameExpr}) collate "und-x-icu", ${nameExpr} collate "C", ${idExpr}`;
}

/** A queue's or operator's name as a cell; `label` (a constant of the code, not people's text) when there is none. */
export function nameOrLabel(idExpr: string, nameExpr: string, label: string): string {
  return `case when ${idExpr} is null then '${label}' else reports.fmt_text(${nameExpr}) end`;
}
