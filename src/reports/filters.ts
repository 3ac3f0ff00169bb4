/** Filter pieces shared by report types, so every type validates dates and id lists alike. */
import { z } from 'zod';
import type { Sql } from '../db/connection';
import type { FieldProblem } from './definition';

/** The longest period of the types that limit it (the filters' schema and the catalogue's `maxDays` read it). */
export const MAX_PERIOD_DAYS = 31;

/**
 * Where an id filter's choices come from: the key of `GET /api/report-options` that lists them, and the
 * platform table whose rows of the caller's company the ids must be (`activeOnly`: the list hides deleted rows).
 */
export const OPTION_SOURCES = {
  queues: { table: 'queues', activeOnly: false },
  operators: { table: 'users', activeOnly: true },
  campaigns: { table: 'campaigns', activeOnly: false },
  costCenters: { table: 'cost_centers', activeOnly: false },
} as const;
export type OptionSource = keyof typeof OPTION_SOURCES;

/** pt-BR labels shared by the types that have the same filter (a type names its own in its definition). */
export const FILTER_LABELS = {
  from: 'Data inicial', to: 'Data final', month: 'Mês', statuses: 'Status do ticket', queueIds: 'Filas',
  userIds: 'Operadores', campaignIds: 'Campanhas', costCenterIds: 'Centros de custo',
} as const;

export const STATUS_LABELS = { open: 'Aberto', pending: 'Pendente', paused: 'Pausado', closed: 'Fechado' } as const;

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day `YYYY-MM-DD` that exists (no 2026-02-30, no year 0000, which PostgreSQL's dates do not have). */
export const calendarDay = z
  .string({ error: 'deve ser uma data no formato AAAA-MM-DD' })
  .refine((s) => ISO_DAY.test(s) && isRealDay(s), { message: 'deve ser uma data válida no formato AAAA-MM-DD' })
  .meta({ format: 'date' });

function isRealDay(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && s >= '0001-01-01';
}

/** Days from `from` to `to`, both included. */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** `from`/`to` rules for an object schema that has both: order, and an optional maximum span. */
export function refineDateRange(maxDays?: number) {
  return (f: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
    if (!f.from || !f.to || !ISO_DAY.test(f.from) || !ISO_DAY.test(f.to)) return;
    if (f.from > f.to) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'a data inicial (from) deve ser anterior ou igual à data final (to)' });
    } else if (maxDays !== undefined && daysInRange(f.from, f.to) > maxDays) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `o período pode ter no máximo ${maxDays} dias (de from a to, incluídos)` });
    }
  };
}

export const idList = z
  .array(z.number({ error: 'deve ser uma lista de ids numéricos' }).int().positive(), { error: 'deve ser uma lista de ids numéricos' })
  .max(1000, { message: 'no máximo 1000 ids' })
  .optional()
  .default([]);

export const ticketStatuses = z
  .array(z.enum(['open', 'pending', 'paused', 'closed'], { error: 'deve conter apenas open, pending, paused ou closed' }))
  .optional()
  .default([]);

/**
 * Ids that must belong to the caller's company. An id of another company, or one that does not
 * exist, is reported by position — never silently dropped, never leaked.
 */
export async function checkIdsBelong(
  sql: Sql,
  companyId: number,
  source: OptionSource,
  field: string,
  ids: readonly number[],
): Promise<FieldProblem[]> {
  if (ids.length === 0) return [];
  const rows = await sql<{ id: number }[]>`
    select id from ${sql('public')}.${sql(OPTION_SOURCES[source].table)} where company_id = ${companyId} and id = any(${ids as number[]}::bigint[])`;
  const found = new Set(rows.map((r) => r.id));
  return ids
    .map((id, i) => ({ id, i }))
    .filter(({ id }) => !found.has(id))
    .map(({ id, i }) => ({ path: `filters.${field}.${i}`, message: `filters.${field}.${i}: o id ${id} não existe nesta empresa` }));
}

/** The shared labels of the named filters, for a definition's `filterLabels`. */
export function pickLabels(...names: (keyof typeof FILTER_LABELS)[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, FILTER_LABELS[n]]));
}
