/**
 * A company's business hours and first-response target: the settings behind `timeBasis: "business"` and
 * "Primeira resposta no prazo" of Estatísticas de Atendimento. Stored in `reports.business_hours` (holidays,
 * target) and `reports.business_hours_intervals` (one row per interval, minutes since local 00:00).
 */
import { z } from 'zod';
import type { Sql } from '../db/connection';
import { transaction } from '../db/transaction';
import type { FieldProblem } from './definition';
import { calendarDay } from './filters';

export const WEEKDAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
export const MAX_INTERVALS_PER_DAY = 6;
export const MAX_HOLIDAYS = 1000;
/** 30 days: a target beyond it is a typing mistake, not a service level. */
export const MAX_TARGET_SECONDS = 30 * 86_400;

export type Interval = [start: string, end: string];

/** The settings as GET and PUT /api/business-hours answer them (the OpenAPI document publishes this). */
export const businessHours = z.object({
  timezone: z.string().meta({ description: 'O fuso IANA da empresa (somente leitura).' }),
  // Pairs as a two-item list, not a tuple: schemathesis misreads `prefixItems` in response schemas.
  week: z.object(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(z.array(z.string()).length(2))])) as
    Record<(typeof WEEKDAYS)[number], z.ZodArray<z.ZodArray<z.ZodString>>>)
    .meta({ description: 'De "1" (segunda) a "7" (domingo): intervalos ["HH:MM","HH:MM"].' }),
  holidays: z.array(z.string().meta({ format: 'date' })),
  firstResponseTargetSeconds: z.number().int().positive().nullable(),
});
export interface BusinessHours extends z.infer<typeof businessHours> {
  week: Record<(typeof WEEKDAYS)[number], Interval[]>;
}

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Minutes since 00:00 of a `HH:MM` time; `24:00` only where it may be an end. */
export function minutesOf(time: string): number {
  return time === '24:00' ? 1440 : Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function timeOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

const interval = z
  .tuple([z.string().meta({ pattern: HH_MM.source }), z.string().meta({ pattern: `${HH_MM.source}|^24:00$` })],
    { error: 'deve ser um intervalo ["HH:MM","HH:MM"] (início e fim)' })
  .superRefine(([start, end], ctx) => {
    if (!HH_MM.test(start)) ctx.addIssue({ code: 'custom', message: `início "${start}" inválido: use HH:MM entre 00:00 e 23:59` });
    if (!HH_MM.test(end) && end !== '24:00') ctx.addIssue({ code: 'custom', message: `fim "${end}" inválido: use HH:MM entre 00:01 e 24:00` });
    else if (HH_MM.test(start) && minutesOf(start) >= minutesOf(end)) {
      ctx.addIssue({ code: 'custom', message: `o início (${start}) deve ser anterior ao fim (${end})` });
    }
  });

const day = z
  .array(interval, { error: 'deve ser uma lista de intervalos ["HH:MM","HH:MM"]' })
  .max(MAX_INTERVALS_PER_DAY, { message: `no máximo ${MAX_INTERVALS_PER_DAY} intervalos por dia` })
  .superRefine((intervals, ctx) => {
    for (let i = 1; i < intervals.length; i++) {
      const [prevStart, prevEnd] = intervals[i - 1];
      const [start] = intervals[i];
      if (!HH_MM.test(prevStart) || !HH_MM.test(start)) continue;
      if (minutesOf(start) < minutesOf(prevStart)) {
        ctx.addIssue({ code: 'custom', path: [i], message: `fora de ordem: começa (${start}) antes do intervalo anterior (${prevStart})` });
      } else if (minutesOf(start) < minutesOf(prevEnd)) {
        ctx.addIssue({ code: 'custom', path: [i], message: `sobrepõe o intervalo anterior, que termina às ${prevEnd}` });
      }
    }
  });

/** The body of `PUT /api/business-hours`: what GET answers, `timezone` optional (it is read-only). */
export const businessHoursInput = z.strictObject({
  timezone: z.string({ error: 'deve ser o fuso horário da empresa (somente leitura)' }).optional(),
  week: z
    .strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, day.optional()])) as Record<(typeof WEEKDAYS)[number], z.ZodOptional<typeof day>>,
      { error: 'deve ser um objeto com os dias da semana de "1" (segunda) a "7" (domingo)' }),
  holidays: z
    .array(calendarDay, { error: 'deve ser uma lista de datas AAAA-MM-DD' })
    .max(MAX_HOLIDAYS, { message: `no máximo ${MAX_HOLIDAYS} feriados` })
    .meta({ uniqueItems: true })
    .optional()
    .default([])
    .superRefine((days, ctx) => {
      const seen = new Set<string>();
      days.forEach((d, i) => {
        if (seen.has(d)) ctx.addIssue({ code: 'custom', path: [i], message: `o feriado ${d} aparece mais de uma vez` });
        seen.add(d);
      });
    }),
  firstResponseTargetSeconds: z
    .number({ error: 'deve ser um número inteiro de segundos maior que zero, ou null' })
    .int({ message: 'deve ser um número inteiro de segundos' })
    .positive({ message: 'deve ser maior que zero (ou null, sem meta)' })
    .max(MAX_TARGET_SECONDS, { message: `no máximo ${MAX_TARGET_SECONDS} segundos (30 dias)` })
    .nullable()
    .optional()
    .default(null),
});
export type BusinessHoursInput = z.infer<typeof businessHoursInput>;

/** The settings as GET answers them; a company without any is all empty, target null. */
export async function loadBusinessHours(sql: Sql, companyId: number): Promise<BusinessHours> {
  const [[company], [settings], intervals] = await Promise.all([
    sql<{ timezone: string }[]>`select timezone from public.companies where id = ${companyId}`,
    sql<{ holidays: string[]; target: number | null }[]>`
      select array(select to_char(h, 'YYYY-MM-DD') from unnest(holidays) h order by h) as holidays,
             first_response_target_seconds as target
      from reports.business_hours where company_id = ${companyId}`,
    sql<{ isodow: number; start: number; end: number }[]>`
      select isodow, start_minute as start, end_minute as "end" from reports.business_hours_intervals
      where company_id = ${companyId} order by isodow, start_minute`,
  ]);
  const week = Object.fromEntries(WEEKDAYS.map((d) => [d, [] as Interval[]])) as BusinessHours['week'];
  for (const i of intervals) week[String(i.isodow) as (typeof WEEKDAYS)[number]].push([timeOf(i.start), timeOf(i.end)]);
  return {
    timezone: company.timezone,
    week,
    holidays: settings?.holidays ?? [],
    firstResponseTargetSeconds: settings?.target ?? null,
  };
}

/** Replaces the company's settings at once: a concurrent report reads the old ones or the new, never a mix. */
export async function saveBusinessHours(sql: Sql, companyId: number, userId: number, input: BusinessHoursInput): Promise<void> {
  const rows = WEEKDAYS.flatMap((d) =>
    (input.week[d] ?? []).map(([start, end]) => ({ company_id: companyId, isodow: Number(d), start_minute: minutesOf(start), end_minute: minutesOf(end) })));
  const holidays = [...input.holidays].sort();
  await transaction(sql, '', async (tx) => {
    await tx`
      insert into reports.business_hours (company_id, holidays, first_response_target_seconds, updated_by)
      values (${companyId}, ${holidays}::date[], ${input.firstResponseTargetSeconds}, ${userId})
      on conflict (company_id) do update set holidays = excluded.holidays,
        first_response_target_seconds = excluded.first_response_target_seconds, updated_by = excluded.updated_by, updated_at = now()`;
    await tx`delete from reports.business_hours_intervals where company_id = ${companyId}`;
    if (rows.length) await tx`insert into reports.business_hours_intervals ${tx(rows)}`;
  });
}

/** `timezone`, when sent back, must be the company's: it is read-only. */
export function checkTimezone(input: BusinessHoursInput, timezone: string): FieldProblem[] {
  return input.timezone === undefined || input.timezone === timezone
    ? []
    : [{ path: 'timezone', message: `timezone: é o fuso horário da empresa (${timezone}), somente leitura; não pode ser alterado aqui` }];
}

/** True when the company has at least one business interval: `timeBasis: "business"` needs one. */
export async function hasBusinessHours(sql: Sql, companyId: number): Promise<boolean> {
  const [row] = await sql`select 1 from reports.business_hours_intervals where company_id = ${companyId} limit 1`;
  return row !== undefined;
}
